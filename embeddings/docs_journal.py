"""Write a set of files into ``docs/`` all at once or not at all, with a journal (what ``sync`` applies).

:func:`apply_files` works in three steps:

1. **stage**: every new file is written (and flushed to disk) beside its target as ``.<name>.sync-new``;
2. **commit**: the journal ``docs/.sync-journal.json``, naming every target, is written atomically (a
   temporary file renamed into place). This is the point of no return;
3. **move**: each staged file is renamed over its target (``os.replace``: a reader sees the old file or
   the new one, never half of one); then the journal is removed.

A failure or a kill before the commit leaves ``docs/`` exactly as it was (the staged files are hidden, so no
reader counts them, and the next apply removes them); after the commit, whatever moves are left are
finished by :func:`finish_interrupted`, which the next apply runs first and which every index build runs
before it reads ``docs/`` (``embeddings.index``): so the index is never built from half an update.
Staged files and the journal start with a dot, and every reader of ``docs/`` ignores hidden files.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path

logger = logging.getLogger(__name__)

JOURNAL = ".sync-journal.json"
STAGED_SUFFIX = ".sync-new"


def staged_path(target: Path) -> Path:
    """Where the new version of ``target`` waits until the journal is committed."""
    return target.with_name(f".{target.name}{STAGED_SUFFIX}")


def _write_durably(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())


def _move(source: Path, target: Path) -> None:
    """One staged file into place (a function of its own so that a test can interrupt the moves)."""
    os.replace(source, target)


def _commit(docs: Path, targets: list[str]) -> None:
    journal = docs / JOURNAL
    tmp = journal.with_name(f"{JOURNAL}.{os.getpid()}.tmp")
    try:
        _write_durably(tmp, json.dumps({"files": targets}, ensure_ascii=False).encode("utf-8"))
        os.replace(tmp, journal)
    finally:
        tmp.unlink(missing_ok=True)


def _journal_targets(journal: Path) -> list[str]:
    """The targets a committed journal names (it is written atomically, so it is whole or absent)."""
    data = json.loads(journal.read_text(encoding="utf-8"))
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(item, str) for item in files):
        raise ValueError(f"{journal}: not a sync journal")
    return files


def _inside(docs: Path, rel: str) -> Path:
    target = docs / rel
    if Path(rel).is_absolute() or ".." in Path(rel).parts:
        raise ValueError(f"{rel!r} is not a path inside {docs}")
    return target


def finish_interrupted(docs: Path, sweep: bool = False) -> list[str]:
    """Finish an update that was committed but interrupted (the moves left), and return the targets moved.

    With ``sweep``, staged files that no journal names (an update that failed before its commit) are removed
    too. Without a journal this costs one ``stat``. Raises ``OSError`` when ``docs`` cannot be written."""
    journal = docs / JOURNAL
    moved: list[str] = []
    if journal.is_file():
        try:
            targets = _journal_targets(journal)
        except (ValueError, UnicodeDecodeError) as exc:
            logger.warning("%s is unreadable (%s); the interrupted update is dropped", journal, exc)
            targets = []
        for rel in targets:
            try:
                target = _inside(docs, rel)
            except ValueError as exc:
                logger.warning("%s: %s", journal, exc)
                continue
            staged = staged_path(target)
            if staged.is_file():
                _move(staged, target)
                moved.append(rel)
        journal.unlink()
        if moved:
            logger.info("finished an interrupted docs update in %s: %d files", docs, len(moved))
    if sweep and docs.is_dir():
        for stray in docs.rglob(f".*{STAGED_SUFFIX}"):
            stray.unlink(missing_ok=True)
    return moved


def apply_files(docs: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (paths relative to ``docs`` -> content) into ``docs``: all of them or, on a failure
    before the commit, none (see the module docstring). An earlier interrupted update is finished first."""
    finish_interrupted(docs, sweep=True)
    if not files:
        return
    targets = {rel: _inside(docs, rel) for rel in files}
    staged: list[Path] = []
    try:
        for rel, content in files.items():
            target = targets[rel]
            target.parent.mkdir(parents=True, exist_ok=True)
            path = staged_path(target)
            staged.append(path)
            _write_durably(path, content)
        _commit(docs, list(files))
    except BaseException:
        for path in staged:
            path.unlink(missing_ok=True)
        raise
    for target in targets.values():
        _move(staged_path(target), target)
    (docs / JOURNAL).unlink()
