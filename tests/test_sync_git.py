"""``sync`` from git: bare repositories in tmp_path stand in for istio/istio.io and the events repo upstream.

Upstream commits (a new post, a changed banner, a new program, a broken post) reach a tmp copy of docs/
through a shallow clone in CACHE_DIR; an unreachable repository, a broken post and a sync killed halfway
leave docs/ whole. Nothing here builds an index or touches the network: the CLI's index update is replaced
by a stand-in that records its call.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, copy_docs, make_docs
from test_sync import ADDED_TARGETS, BANNER_EVENT, BROKEN, EVENT_EN, SESSION_2, make_sources

import bot.cli
import embeddings.docs_journal as journal
from embeddings.docs_journal import JOURNAL, STAGED_SUFFIX, finish_interrupted
from embeddings.sources import (
    STATUS_FILE,
    SourceError,
    fetch_source,
    is_remote,
    read_status,
    redact,
    run_sync,
)

NEW_POST = EVENT_EN.replace("Istio Day Europe 2024", "Istio Day Europe 2026").replace("2024-01-19", "2026-01-20")
NEW_POST_SOURCE = "content/en/blog/2026/istio-day-eu/index.md"
NEW_POST_TARGET = "en/2026/istio-day-eu.md"
BANNER_SOURCE = "content/en/events/banners/istio-day-eu-2024.md"
BANNER_TARGET = "banners/en/istio-day-eu-2024.md"
NEW_BANNER = BANNER_EVENT.replace("Join us at Istio Day Europe", "Last call for Istio Day Europe")
NEW_SESSION_SOURCE = "2021/content/sessions/c3x.md"
NEW_SESSION_TARGET = "programs/istiocon-2021/sessions/c3x.md"
NEW_SESSION = SESSION_2.replace("id: b2p", "id: c3x").replace("Istio at scale", "Ambient in production")
BROKEN_SOURCE = "content/en/blog/2026/broken-recap/index.md"
UPSTREAM_CHANGES = {NEW_POST_TARGET, BANNER_TARGET, NEW_SESSION_TARGET}
REAL_WRITE = journal._write_durably


@pytest.fixture(autouse=True)
def hermetic_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """git as on a fresh machine: neither the developer's nor the system's configuration, a fixed identity."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for key, value in {"GIT_AUTHOR_NAME": "Upstream", "GIT_AUTHOR_EMAIL": "upstream@example.com",
                       "GIT_COMMITTER_NAME": "Upstream", "GIT_COMMITTER_EMAIL": "upstream@example.com"}.items():
        monkeypatch.setenv(key, value)
    for name in ("ISTIO_IO_REPO", "EVENTS_REPO"):
        monkeypatch.delenv(name, raising=False)


def git(*args: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=True, timeout=60)
    return done.stdout.strip()


class Upstream:
    """A working repository that commits and pushes to a bare repository (the "upstream" sync fetches)."""

    def __init__(self, work: Path, bare: Path) -> None:
        self.work, self.bare = work, bare
        git("init", "--quiet", "-b", "main", cwd=work)
        self.commit("initial content")
        git("clone", "--quiet", "--bare", work, bare)
        git("remote", "add", "origin", bare, cwd=work)

    def commit(self, message: str, files: dict[str, str] | None = None, push: bool = False) -> str:
        make_docs(self.work, files or {})
        git("add", "--all", cwd=self.work)
        git("commit", "--quiet", "-m", message, cwd=self.work)
        if push:
            git("push", "--quiet", "origin", "main", cwd=self.work)
        return git("rev-parse", "HEAD", cwd=self.work)

    @property
    def head(self) -> str:
        return git("rev-parse", "main", cwd=self.bare)


@pytest.fixture
def upstream(tmp_path: Path) -> tuple[Upstream, Upstream]:
    """istio.io and the events repo (the layouts of tests/test_sync.py), each a bare repository with a clone."""
    istio_io, programs = make_sources(tmp_path / "work")
    return Upstream(istio_io, tmp_path / "istio.io.git"), Upstream(programs, tmp_path / "istio-events.git")


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A tmp copy of the project's docs/ (never the real one)."""
    return copy_docs(tmp_path / "docs")


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones included) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def diff(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def push_changes(istio_io: Upstream, programs: Upstream) -> None:
    istio_io.commit("a new post and a changed banner",
                    {NEW_POST_SOURCE: NEW_POST, BANNER_SOURCE: NEW_BANNER}, push=True)
    programs.commit("a new session", {NEW_SESSION_SOURCE: NEW_SESSION}, push=True)


def synced(istio_io: Upstream, programs: Upstream, docs: Path, cache: Path, **kwargs: Any):
    outcome = run_sync(istio_io.bare, programs.bare, docs, cache, **kwargs)
    assert outcome.ok, outcome.error
    return outcome


# --- syncing from upstream ---------------------------------------------------------------------------------------


def test_upstream_commits_reach_docs(upstream: tuple[Upstream, Upstream], docs: Path, tmp_path: Path) -> None:
    istio_io, programs = upstream
    cache = tmp_path / "cache"
    first = synced(istio_io, programs, docs, cache)
    assert set(first.changed_files) == ADDED_TARGETS  # added, or changed where the real docs/ has that file
    clone = cache / "sources" / "istio.io"
    assert git("rev-parse", "--is-shallow-repository", cwd=clone) == "true"  # --depth 1
    assert first.sources["istio.io"] == {"url": str(istio_io.bare), "commit": istio_io.head}

    before = snapshot(docs)
    push_changes(istio_io, programs)
    second = synced(istio_io, programs, docs, cache)
    assert set(second.changed_files) == UPSTREAM_CHANGES
    assert (set(second.added), set(second.changed)) == ({NEW_POST_TARGET, NEW_SESSION_TARGET}, {BANNER_TARGET})
    after = snapshot(docs)
    assert diff(before, after) == UPSTREAM_CHANGES  # exactly those, and nothing else (no stray file either)
    assert after[NEW_POST_TARGET] == NEW_POST.encode()
    assert after[BANNER_TARGET] == NEW_BANNER.replace("kubecon?fbclid=1", "kubecon").encode()  # the rule applied
    assert after[NEW_SESSION_TARGET] == NEW_SESSION.encode()
    assert second.sources["events"]["commit"] == programs.head  # fetched, not the first clone's commit

    status = read_status(cache)
    assert status is not None and json.loads((cache / STATUS_FILE).read_text()) == status
    assert status["ok"] is True and status["error"] is None
    assert (set(status["added"]), status["changed"]) == ({NEW_POST_TARGET, NEW_SESSION_TARGET}, [BANNER_TARGET])
    problems = {problem["source"]: problem["reason"] for problem in status["problems"]}
    assert set(problems) == {"content/en/blog/2024/broken/index.md", "content/en/blog/2024/istio-day-eu/notes.md"}
    assert problems["content/en/blog/2024/broken/index.md"].startswith("bad YAML front matter")
    assert status["skipped"] == 3  # the post that is not about an event is counted, not listed

    third = synced(istio_io, programs, docs, cache)
    assert third.changed_files == () and snapshot(docs) == after


def test_a_deleted_upstream_file_is_reported_not_deleted(
    upstream: tuple[Upstream, Upstream], tmp_path: Path
) -> None:
    istio_io, programs = upstream
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    synced(istio_io, programs, docs, cache)
    git("rm", "--quiet", BANNER_SOURCE, cwd=istio_io.work)
    istio_io.commit("drop a banner", push=True)
    outcome = synced(istio_io, programs, docs, cache)
    assert not (cache / "sources" / "istio.io" / BANNER_SOURCE).exists()  # the clone follows upstream
    assert outcome.report is not None
    assert [i.target for i in outcome.report.items if i.action == "only in docs"] == [BANNER_TARGET]
    assert (docs / BANNER_TARGET).is_file()


def test_cli_syncs_from_repositories_and_updates_the_index(
    upstream: tuple[Upstream, Upstream], docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    istio_io, programs = upstream
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    indexed: list[Path] = []
    monkeypatch.setattr(bot.cli, "update_index", lambda settings, **kw: indexed.append(settings.docs_dir) or "indexed")
    args = ["sync", "--docs", str(docs), "--index", str(tmp_path / "index")]
    assert bot.cli.main([*args, "--istio-io", str(istio_io.bare), "--programs", programs.bare.as_uri()]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["sync: 3 added, 5 changed, 0 unchanged, 3 skipped", "indexed"]
    assert indexed == [docs]

    push_changes(istio_io, programs)
    monkeypatch.setenv("ISTIO_IO_REPO", str(istio_io.bare))  # no flags: the settings say where
    monkeypatch.setenv("EVENTS_REPO", programs.bare.as_uri())
    before = snapshot(docs)
    assert bot.cli.main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {i["target"] for i in data["items"] if i["action"] in ("added", "changed")} == UPSTREAM_CHANGES
    assert data["index"] == "indexed" and data["sources"]["events"]["commit"] == programs.head
    assert diff(before, snapshot(docs)) == UPSTREAM_CHANGES
    assert indexed == [docs, docs]


def test_cli_dry_run_fetches_but_writes_nothing(
    upstream: tuple[Upstream, Upstream], docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    istio_io, _ = upstream
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(bot.cli, "update_index", lambda *a, **kw: pytest.fail("a dry run updates no index"))
    before = snapshot(docs)
    assert bot.cli.main(["sync", "--docs", str(docs), "--istio-io", str(istio_io.bare), "--no-programs",
                         "--dry-run"]) == 0
    assert "sync: 2 added, 3 changed, 0 unchanged, 3 skipped" in capsys.readouterr().out.splitlines()
    assert snapshot(docs) == before
    assert read_status(tmp_path / "cache") is None  # a dry run is no sync


# --- bad input ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["file:///nonexistent/istio.io.git", "missing-path"])
def test_an_unreachable_repository_is_one_line_and_leaves_docs_alone(
    upstream: tuple[Upstream, Upstream], docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], where: str,
) -> None:
    _, programs = upstream
    source = str(tmp_path / "nowhere.git") if where == "missing-path" else where
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(bot.cli, "update_index", lambda *a, **kw: pytest.fail("the old index keeps serving"))
    before = snapshot(docs)
    code = bot.cli.main(["sync", "--docs", str(docs), "--istio-io", source, "--programs", str(programs.bare)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"error: --istio-io {source}: ")
    assert ("cannot fetch" if where.startswith("file:") else "no such directory") in line
    assert snapshot(docs) == before
    status = read_status(tmp_path / "cache")
    assert status is not None and status["ok"] is False and status["stage"] == "fetch"
    assert status["error"] == line.removeprefix("error: ")


def test_an_unreachable_events_repo_from_the_settings_is_named(
    upstream: tuple[Upstream, Upstream], docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    istio_io, _ = upstream
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ISTIO_IO_REPO", str(istio_io.bare))
    monkeypatch.setenv("EVENTS_REPO", "file:///nonexistent/events.git")
    before = snapshot(docs)
    assert bot.cli.main(["sync", "--docs", str(docs)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: EVENTS_REPO file:///nonexistent/events.git: cannot fetch: ")
    assert snapshot(docs) == before  # istio.io was fetched, but nothing is applied without both


def test_a_failure_is_one_log_line(upstream: tuple[Upstream, Upstream], tmp_path: Path,
                                   caplog: pytest.LogCaptureFixture) -> None:
    _, programs = upstream
    with caplog.at_level(logging.INFO, logger="embeddings"):
        outcome = run_sync("file:///nonexistent/istio.io.git", programs.bare, tmp_path / "docs", tmp_path / "cache")
    assert not outcome.ok and outcome.stage == "fetch"
    [record] = [r for r in caplog.records if r.name.startswith("embeddings")]
    assert record.levelno == logging.ERROR and "\n" not in record.getMessage()
    assert record.getMessage() == f"sync failed (fetch): {outcome.error}"
    assert outcome.error is not None and outcome.error.startswith("ISTIO_IO_REPO file:///nonexistent/istio.io.git")


def test_a_repository_that_is_not_istio_io_is_refused(upstream: tuple[Upstream, Upstream], tmp_path: Path) -> None:
    istio_io, programs = upstream
    outcome = run_sync(programs.bare, istio_io.bare, tmp_path / "docs", tmp_path / "cache")  # swapped
    assert not outcome.ok and outcome.error is not None
    assert outcome.error.endswith("no content/ directory (is it a checkout of istio/istio.io?)")
    assert not (tmp_path / "docs").exists()


def test_a_malformed_upstream_post_is_named_and_skipped(
    upstream: tuple[Upstream, Upstream], docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    istio_io, programs = upstream
    cache = tmp_path / "cache"
    synced(istio_io, programs, docs, cache)
    before = snapshot(docs)
    istio_io.commit("a broken recap and a good post", {BROKEN_SOURCE: BROKEN, NEW_POST_SOURCE: NEW_POST}, push=True)
    monkeypatch.setenv("CACHE_DIR", str(cache))
    monkeypatch.setattr(bot.cli, "update_index", lambda *a, **kw: "indexed")
    assert bot.cli.main(["sync", "--docs", str(docs), "--istio-io", str(istio_io.bare),
                         "--programs", str(programs.bare)]) == 0
    out = capsys.readouterr().out.splitlines()
    [named] = [line for line in out if line.startswith(f"skipped {BROKEN_SOURCE}: ")]
    assert "bad YAML front matter" in named
    assert diff(before, snapshot(docs)) == {NEW_POST_TARGET}  # the rest is synced
    status = read_status(cache)
    assert status is not None and status["ok"] is True
    assert BROKEN_SOURCE in {problem["source"] for problem in status["problems"]}


def test_one_sync_at_a_time(upstream: tuple[Upstream, Upstream], tmp_path: Path) -> None:
    from embeddings.sources import _locked

    istio_io, programs = upstream
    cache = tmp_path / "cache"
    with _locked(cache / "sources" / ".sync.lock"):
        outcome = run_sync(istio_io.bare, programs.bare, tmp_path / "docs", cache, log_errors=False)
    assert (outcome.ok, outcome.stage, outcome.error) == (False, "lock", "another sync is running")
    assert not (tmp_path / "docs").exists() and read_status(cache) is None


def test_an_index_that_cannot_be_updated_is_recorded(
    upstream: tuple[Upstream, Upstream], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    istio_io, programs = upstream
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))

    def no_index(settings: Any, errors: list[str], **kwargs: Any) -> None:
        errors.append("index directory is not writable")

    monkeypatch.setattr(bot.cli, "update_index", no_index)
    assert bot.cli.main(["sync", "--docs", str(tmp_path / "docs"), "--istio-io", str(istio_io.bare),
                         "--programs", str(programs.bare)]) == 1
    status = read_status(tmp_path / "cache")
    assert status is not None and (status["ok"], status["stage"]) == (False, "index")
    assert status["error"] == "index directory is not writable" and len(status["added"]) == 8


# --- a sync interrupted halfway -----------------------------------------------------------------------------------


@pytest.fixture
def pending(upstream: tuple[Upstream, Upstream], tmp_path: Path) -> tuple[Upstream, Upstream, Path, Path]:
    """docs/ synced once, then upstream changes waiting to be synced."""
    istio_io, programs = upstream
    docs, cache = copy_docs(tmp_path / "docs"), tmp_path / "cache"
    synced(istio_io, programs, docs, cache)
    push_changes(istio_io, programs)
    return istio_io, programs, docs, cache


def _fail_on_call(monkeypatch: pytest.MonkeyPatch, name: str, n: int) -> None:
    real = getattr(journal, name)
    calls = {"count": 0}

    def failing(*args: Any) -> Any:
        calls["count"] += 1
        if calls["count"] == n:
            raise OSError(28, "No space left on device")
        return real(*args)

    monkeypatch.setattr(journal, name, failing)


def test_a_failure_while_staging_leaves_docs_fully_old(
    pending: tuple[Upstream, Upstream, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    istio_io, programs, docs, cache = pending
    before = snapshot(docs)
    _fail_on_call(monkeypatch, "_write_durably", 2)  # the second of three new files
    outcome = run_sync(istio_io.bare, programs.bare, docs, cache, log_errors=False)
    assert not outcome.ok and outcome.stage == "apply"
    assert outcome.error is not None and "No space left on device" in outcome.error
    assert "docs/ was left as it was" in outcome.error
    assert snapshot(docs) == before  # no new file, no staged file, no journal
    monkeypatch.setattr(journal, "_write_durably", REAL_WRITE)
    again = synced(istio_io, programs, docs, cache)  # the next sync applies all of it
    assert diff(before, snapshot(docs)) == UPSTREAM_CHANGES and set(again.changed_files) == UPSTREAM_CHANGES


def test_a_failure_while_moving_is_finished_before_anything_reads_docs(
    pending: tuple[Upstream, Upstream, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    istio_io, programs, docs, cache = pending
    before = snapshot(docs)
    _fail_on_call(monkeypatch, "_move", 2)  # one file moved, then the failure
    outcome = run_sync(istio_io.bare, programs.bare, docs, cache, log_errors=False)
    assert not outcome.ok and outcome.error is not None and "the next sync or index build finishes it" in outcome.error
    assert (docs / JOURNAL).is_file()
    monkeypatch.setattr(journal, "_move", os.replace)
    assert len(finish_interrupted(docs)) == 2  # what the index build runs first: the two moves left
    after = snapshot(docs)
    assert diff(before, after) == UPSTREAM_CHANGES  # fully new
    assert not [path for path in after if path.endswith(STAGED_SUFFIX) or path.endswith(JOURNAL)]


KILLED_SYNC = """
import os, sys
from pathlib import Path
import embeddings.docs_journal as journal
from embeddings.sources import run_sync

moves = []
def move_then_die(source, target):
    if moves:
        os._exit(9)  # killed: no cleanup, no finally
    moves.append(target)
    os.replace(source, target)

journal._move = move_then_die
run_sync(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
"""


def test_a_sync_killed_halfway_leaves_docs_old_or_new(pending: tuple[Upstream, Upstream, Path, Path]) -> None:
    istio_io, programs, docs, cache = pending
    before = snapshot(docs)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", KILLED_SYNC, str(istio_io.bare), str(programs.bare), str(docs),
                           str(cache)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    assert (docs / JOURNAL).is_file()  # killed after the commit, with moves left
    again = synced(istio_io, programs, docs, cache)  # the next sync finishes the update first
    assert again.changed_files == ()
    after = snapshot(docs)
    assert diff(before, after) == UPSTREAM_CHANGES
    assert not [path for path in after if path.endswith(STAGED_SUFFIX) or path.endswith(JOURNAL)]


def test_the_index_build_finishes_an_interrupted_update_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import embeddings.index as index

    docs = make_docs(tmp_path / "docs", {"en/2024/a.md": "old\n"})
    (docs / "en/2024/.a.md.sync-new").write_text("new\n")
    (docs / JOURNAL).write_text(json.dumps({"files": ["en/2024/a.md"]}))
    index._finish_docs_update(docs)
    assert snapshot(docs) == {"en/2024/a.md": b"new\n"}
    monkeypatch.setattr(index, "finish_interrupted", lambda docs: (_ for _ in ()).throw(PermissionError("ro")))
    index._finish_docs_update(docs)  # a read-only docs/ is read as it is, with a warning


# --- fetch_source ---------------------------------------------------------------------------------------------------


def test_a_checkout_is_read_in_place(tmp_path: Path) -> None:
    checkout = make_docs(tmp_path / "istio.io", {"content/en/blog/_index.md": "x\n"})
    assert fetch_source(checkout, tmp_path / "cache", "istio.io") == checkout
    assert not (tmp_path / "cache").exists()


def test_a_rewritten_upstream_and_a_damaged_clone_are_cloned_afresh(
    upstream: tuple[Upstream, Upstream], tmp_path: Path
) -> None:
    istio_io, _ = upstream
    cache = tmp_path / "cache"
    clone = fetch_source(istio_io.bare, cache, "istio.io")
    (clone / ".git" / "index.lock").write_text("")  # a fetch killed while it held the lock
    istio_io.commit("a new post", {NEW_POST_SOURCE: NEW_POST})
    git("push", "--quiet", "--force", "origin", "main", cwd=istio_io.work)
    assert fetch_source(istio_io.bare, cache, "istio.io") == clone
    assert (clone / NEW_POST_SOURCE).read_text() == NEW_POST
    assert git("rev-parse", "HEAD", cwd=clone) == istio_io.head
    assert [p.name for p in (cache / "sources").iterdir() if not p.name.endswith(".lock")] == ["istio.io"]


def test_fetch_errors_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^cannot fetch: .*does not appear to be a git repository") as raised:
        fetch_source("file:///nonexistent/repo.git", tmp_path / "cache", "x")
    assert "\n" not in str(raised.value)
    with pytest.raises(SourceError, match=r"^no such directory or repository$"):
        fetch_source(tmp_path / "nowhere", tmp_path / "cache", "x")
    (tmp_path / "file").write_text("x")
    with pytest.raises(SourceError, match=r"^not a directory$"):
        fetch_source(tmp_path / "file", tmp_path / "cache", "x")
    assert not [p for p in (tmp_path / "cache" / "sources").iterdir() if not p.name.endswith(".lock")]


def test_a_slow_git_is_stopped(upstream: tuple[Upstream, Upstream], tmp_path: Path) -> None:
    istio_io, _ = upstream
    with pytest.raises(SourceError, match="took longer than"):
        fetch_source(istio_io.bare, tmp_path / "cache", "istio.io", timeout=0.001)
    assert not (tmp_path / "cache" / "sources" / "istio.io").exists()


@pytest.mark.parametrize(("source", "remote"), [
    ("https://github.com/istio/istio.io.git", True),
    ("git@github.com:istio/istio.io.git", True),
    ("file:///srv/istio.io.git", True),
    ("ssh://git@example.com/istio.io", True),
    ("/srv/istio.io", False),
    ("~/src/istio.io", False),
    ("istio.io", False),
    ("C:/not-a-url", False),
])
def test_is_remote(source: str, remote: bool) -> None:
    assert is_remote(source) is remote


def test_credentials_are_never_shown() -> None:
    assert redact("https://bot:s3cret@github.com/istio/istio.io.git") == "https://***@github.com/istio/istio.io.git"
    assert redact("/srv/istio.io") == "/srv/istio.io"
