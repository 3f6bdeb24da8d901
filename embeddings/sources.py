"""Fetch istio.io and the events repo with git, then refresh ``docs/`` from them: what ``sync`` runs.

:func:`fetch_source` turns a source into a directory to read: a git URL (``https://``, ``ssh://``,
``git@host:path``, ``file://``) or the path of a bare repository is cloned with the git command (shallow:
``--depth 1``, one branch, no tags) into ``CACHE_DIR/sources/<name>``, or, when that clone is already there,
fetched and hard-reset to the branch's new tip; the path of a checkout (any directory with files) is read in
place, as it is, uncommitted edits included. (To read only the committed state of a local working repository,
give it as a ``file://`` URL.) git never prompts (``GIT_TERMINAL_PROMPT=0``, ssh in batch mode) and each call
has a time limit, so an unreachable or private repository is an error, not a hang.

:func:`run_sync` is one whole sync, for the CLI and for a scheduler: fetch both sources, check their layout,
plan with the rule of :mod:`embeddings.sync`, write ``docs/`` atomically (:mod:`embeddings.docs_journal`)
and record the outcome in ``CACHE_DIR/sync-status.json``. It never prints and never raises for a bad
source: it returns a :class:`SyncOutcome` whose ``error`` is one line (and logs it as one line). Whatever
fails, ``docs/`` is left as it was (or, after the journal's commit, finished by the next sync or index
build), and the index serving answers is untouched: updating it is the caller's next step.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embeddings.docs_journal import JOURNAL, finish_interrupted
from embeddings.sync import (
    ADDED,
    CHANGED,
    SKIPPED,
    SyncReport,
    apply_sync,
    istio_io_problem,
    plan_sync,
    programs_problem,
)

logger = logging.getLogger(__name__)

SOURCES_DIR = "sources"
"""Under ``CACHE_DIR``: one clone per source name."""
STATUS_FILE = "sync-status.json"
"""Under ``CACHE_DIR``: the outcome of the last sync (see :meth:`SyncOutcome.to_dict`)."""
ISTIO_IO = "istio.io"
EVENTS = "events"
GIT_TIMEOUT = 600.0
"""Seconds one git command may take (a first shallow clone of istio.io is the slowest)."""
NOT_EVENT_RELATED = "not event-related"

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_SCP_LIKE = re.compile(r"^[^/\s:@]+@[^/\s:]+:")  # git@github.com:istio/istio.io.git
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@")


class SourceError(Exception):
    """A source cannot be fetched or read; the message is one line saying which and why."""


def is_remote(source: str | os.PathLike[str]) -> bool:
    """Whether ``source`` is a git URL (anything with a scheme, or ``user@host:path``), not a local path."""
    text = os.fspath(source)
    return bool(_URL.match(text) or _SCP_LIKE.match(text))


def redact(source: str) -> str:
    """``source`` without the credentials a URL may carry (``https://user:token@host/...``)."""
    return _USERINFO.sub(r"\1***@", source)


def is_bare_repository(path: Path) -> bool:
    """A bare git repository (``HEAD``, ``objects/``, ``refs/`` and no work tree): cloned, not read in place."""
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"  # never ask for a user name or password: fail instead
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    env["LC_ALL"] = "C"  # messages in English, for the one-line error
    return env


def _git_error(stderr: str) -> str:
    """The most telling line of git's complaint (its first ``fatal:`` line), without the prefix."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    fatal = [line for line in lines if line.startswith(("fatal:", "error:"))]
    line = (fatal or lines or ["git failed"])[0]
    return line.removeprefix("fatal: ").removeprefix("error: ")


def _git(*args: str, cwd: Path | None = None, timeout: float = GIT_TIMEOUT) -> str:
    """Run ``git args``; its stdout, or :class:`SourceError` with git's first complaint (or the time limit)."""
    git = shutil.which("git")
    if git is None:
        raise SourceError("the git command is not installed")
    # A session of its own, so that on timeout git's helpers (git-remote-https, ssh) are killed with it.
    process = subprocess.Popen(
        [git, *args], cwd=cwd, env=_git_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, errors="replace", start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise SourceError(f"git {args[0]} took longer than {timeout:g}s") from None
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    if process.returncode != 0:
        raise SourceError(_git_error(err))
    return out


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _locked(path: Path, blocking: bool = True) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` (created); yields False when ``blocking`` is off and it is taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _clone(url: str, dest: Path, timeout: float) -> None:
    """A fresh shallow clone at ``dest``, made beside it and renamed into place (never half a clone there)."""
    tmp = dest.with_name(f".{dest.name}.clone-{os.getpid()}")
    _remove(tmp)
    try:
        _git("clone", "--depth", "1", "--single-branch", "--no-tags", "--quiet", "--", url, str(tmp),
             timeout=timeout)
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        if dest.exists():
            os.replace(dest, old)
        os.replace(tmp, dest)
        _remove(old)
    finally:
        _remove(tmp)


def _update(url: str, dest: Path, timeout: float) -> None:
    """Bring an existing clone of ``url`` to its branch's new tip (shallow), discarding anything else there."""
    branch = _git("symbolic-ref", "--short", "HEAD", cwd=dest, timeout=timeout).strip()
    _git("fetch", "--depth", "1", "--no-tags", "--quiet", "origin",
         f"+refs/heads/{branch}:refs/remotes/origin/{branch}", cwd=dest, timeout=timeout)
    _git("reset", "--hard", "--quiet", f"refs/remotes/origin/{branch}", cwd=dest, timeout=timeout)
    _git("clean", "-ffdxq", cwd=dest, timeout=timeout)


def _origin(dest: Path) -> str | None:
    if not (dest / ".git").is_dir():
        return None
    try:
        return _git("config", "--get", "remote.origin.url", cwd=dest, timeout=30).strip()
    except SourceError:
        return None


def fetch_source(url_or_path: str | os.PathLike[str], cache_dir: Path, name: str,
                 timeout: float = GIT_TIMEOUT) -> Path:
    """The directory to read ``url_or_path`` from (see the module docstring); :class:`SourceError` when it
    cannot be had. ``name`` names its clone: ``cache_dir/sources/<name>``."""
    if not _NAME.match(name):
        raise ValueError(f"not a source name: {name!r}")
    text = os.fspath(url_or_path)
    if not text.strip():
        raise SourceError("no repository given")
    if is_remote(text):
        url = text
    else:
        path = Path(text).expanduser()
        if not path.exists():
            raise SourceError("no such directory or repository")
        if not path.is_dir():
            raise SourceError("not a directory")
        if not is_bare_repository(path):
            return path  # a checkout: read in place, as it is
        url = path.resolve().as_uri()  # file://, so that --depth applies to a local clone too
    dest = cache_dir / SOURCES_DIR / name
    with _locked(dest.with_name(f".{name}.lock")):  # one fetch of a source at a time
        if _origin(dest) == url:
            try:
                _update(url, dest, timeout)
                return dest
            except SourceError as exc:  # a damaged clone (a killed fetch's lock file), a rewritten branch...
                logger.info("updating %s failed (%s); cloning afresh", dest, exc)
        try:
            _clone(url, dest, timeout)
        except SourceError as exc:
            raise SourceError(f"cannot fetch: {exc}") from None
    return dest


def source_commit(path: Path) -> str | None:
    """The commit a source directory is at (``None`` for a directory that is not a git work tree)."""
    if not (path / ".git").exists():
        return None
    try:
        return _git("rev-parse", "HEAD", cwd=path, timeout=30).strip() or None
    except SourceError:
        return None


# --- one whole sync ---------------------------------------------------------------------------------------------


@dataclass
class SyncOutcome:
    """What one sync did: ``ok`` with the files written, or the one-line ``error`` and the ``stage`` it failed at
    (``lock``, ``fetch``, ``plan`` or ``apply``; the CLI adds ``index``). ``docs/`` is unchanged unless ``ok``."""

    when: dt.datetime
    ok: bool
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()
    """``(source, reason)`` of every source file not copied."""
    error: str | None = None
    stage: str | None = None
    dry_run: bool = False
    sources: dict[str, dict[str, str | None]] = field(default_factory=dict)
    """Per source name: ``url`` (credentials removed) and ``commit`` (``None`` for a plain directory)."""
    report: SyncReport | None = field(default=None, repr=False, compare=False)
    """The full plan (every file's fate), when planning was reached."""

    @property
    def changed_files(self) -> tuple[str, ...]:
        """Paths under docs/ that this sync wrote (or, on a dry run, would write)."""
        return self.added + self.changed

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        """Skipped files that are broken or misplaced (not those merely not about events)."""
        return tuple(item for item in self.skipped if item[1] != NOT_EVENT_RELATED)

    def line(self) -> str:
        """The outcome as one log line."""
        if not self.ok:
            return f"sync failed ({self.stage}): {self.error}"
        problems = f", {len(self.problems)} broken or misplaced" if self.problems else ""
        return (f"sync{' (dry run)' if self.dry_run else ''}: {len(self.added)} added, {len(self.changed)} changed, "
                f"{len(self.skipped)} skipped{problems}")

    def to_dict(self) -> dict[str, Any]:
        """What ``sync-status.json`` holds: time (ISO 8601, UTC), ok, what changed, what was broken, error."""
        return {
            "time": self.when.isoformat(timespec="seconds"),
            "ok": self.ok,
            "dry_run": self.dry_run,
            "added": list(self.added),
            "changed": list(self.changed),
            "skipped": len(self.skipped),
            "problems": [{"source": source, "reason": reason} for source, reason in self.problems],
            "error": self.error,
            "stage": self.stage,
            "sources": self.sources,
        }


def record_status(cache_dir: Path, outcome: SyncOutcome) -> Path:
    """Write ``outcome`` to ``cache_dir/sync-status.json`` (atomically: a reader sees the last one or this one)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / STATUS_FILE
    tmp = path.with_name(f".{STATUS_FILE}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(outcome.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def read_status(cache_dir: Path) -> dict[str, Any] | None:
    """The last recorded outcome (:meth:`SyncOutcome.to_dict`), or ``None`` when no sync has been recorded."""
    try:
        data = json.loads((cache_dir / STATUS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def run_sync(
    istio_io: str | os.PathLike[str],
    programs: str | os.PathLike[str] | None,
    docs: Path,
    cache_dir: Path,
    *,
    dry_run: bool = False,
    labels: tuple[str, str] = ("ISTIO_IO_REPO", "EVENTS_REPO"),
    timeout: float = GIT_TIMEOUT,
    log_errors: bool = True,
) -> SyncOutcome:
    """One sync (see the module docstring): the outcome, recorded in ``cache_dir/sync-status.json`` unless a
    dry run. ``labels`` name the two sources in error messages (the CLI passes its flags' names when they were
    given). Failures are returned, never raised (and logged as one line unless ``log_errors`` is off)."""
    when = _now()
    outcome = SyncOutcome(when=when, ok=False, dry_run=dry_run)
    try:
        with _locked(cache_dir / SOURCES_DIR / ".sync.lock", blocking=False) as mine:
            if not mine:
                outcome.stage, outcome.error = "lock", "another sync is running"
            else:
                _run(outcome, istio_io, programs, docs, cache_dir, labels, timeout)
    except OSError as exc:  # the cache itself cannot be written
        outcome.stage, outcome.error = outcome.stage or "lock", f"{cache_dir}: {exc.strerror or exc}"
    if outcome.error is None:
        outcome.ok = True
    if not dry_run and outcome.stage != "lock":  # the sync that holds the lock records its own outcome
        try:
            record_status(cache_dir, outcome)
        except OSError as exc:
            logger.warning("cannot record the sync status in %s: %s", cache_dir, exc)
    if outcome.ok:
        logger.info("%s", outcome.line())
    elif log_errors:
        logger.error("%s", outcome.line())
    return outcome


def _run(outcome: SyncOutcome, istio_io: str | os.PathLike[str], programs: str | os.PathLike[str] | None,
         docs: Path, cache_dir: Path, labels: tuple[str, str], timeout: float) -> None:
    """The steps of :func:`run_sync`, filling ``outcome``; stops at the first failure (``outcome.error``)."""
    trees: list[Path | None] = []
    checks = ((ISTIO_IO, istio_io, istio_io_problem), (EVENTS, programs, programs_problem))
    for (name, source, problem_of), label in zip(checks, labels, strict=True):
        if source is None:
            trees.append(None)
            continue
        shown = redact(os.fspath(source))
        outcome.stage = "fetch"
        try:
            tree = fetch_source(source, cache_dir, name, timeout=timeout)
        except SourceError as exc:
            outcome.error = f"{label} {shown}: {exc}"
            return
        if problem := problem_of(tree):
            outcome.error = f"{label} {shown}: {problem}"
            return
        outcome.sources[name] = {"url": shown, "commit": source_commit(tree)}
        trees.append(tree)
    istio_tree, programs_tree = trees
    assert istio_tree is not None
    outcome.stage = "plan"
    try:
        if not outcome.dry_run:
            finish_interrupted(docs, sweep=True)  # plan against whole files: a killed sync's update first
        report = plan_sync(istio_tree, programs_tree, docs)
    except OSError as exc:
        outcome.error = f"cannot read {docs}: {exc.strerror or exc}"
        return
    outcome.report = report
    outcome.added = tuple(item.target for item in report.items if item.action == ADDED and item.target)
    outcome.changed = tuple(item.target for item in report.items if item.action == CHANGED and item.target)
    outcome.skipped = tuple((item.source or item.target or "", item.reason)
                            for item in report.items if item.action == SKIPPED)
    if outcome.dry_run:
        outcome.stage = None
        return
    outcome.stage = "apply"
    try:
        apply_sync(report)
    except OSError as exc:
        after = ("the next sync or index build finishes it" if (docs / JOURNAL).exists()
                 else "docs/ was left as it was")
        outcome.error = f"cannot update {docs}: {exc.strerror or exc} ({after})"
        return
    outcome.stage = None
