"""The embedding cache: passage vectors keyed by (model, text), shared by every index on this machine.

A rebuild embeds only text it has not seen, so index changes, corrupt builds and new settings cost
seconds, not the full ~100 s of embedding ``docs/``. Being only a cache, a damaged file is set aside and
refilled rather than stopping a build.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """Damage to the file itself (not a locked or unreachable database, which a new file would not fix)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code in {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
    return not isinstance(exc, sqlite3.OperationalError)


class CorruptCache(sqlite3.DatabaseError):
    """``PRAGMA quick_check`` found damage."""

    sqlite_errorcode = sqlite3.SQLITE_CORRUPT


class EmbeddingCache:
    """Passage vectors keyed by (model, text hash), shared by every index on this machine.

    It is only a cache: a damaged file (found by ``PRAGMA quick_check`` on open, or by a read or write
    failing) is moved aside with a warning naming it, and the build goes on with an empty one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db, self._inode = self._open_checked()

    def _open_checked(self) -> tuple[sqlite3.Connection, int | None]:
        try:
            db = self._open(self.path)
            inode = self._stat_inode()
            try:
                problem = db.execute("PRAGMA quick_check(1)").fetchone()[0]
                if problem != "ok":
                    raise CorruptCache(f"quick_check: {problem}")
            except sqlite3.DatabaseError:
                db.close()
                raise
            return db, inode
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                raise
            self._set_aside(exc, inode=None)
            return self._open(self.path), self._stat_inode()

    def _stat_inode(self) -> int | None:
        try:
            return self.path.stat().st_ino
        except OSError:
            return None

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return db

    def _set_aside(self, exc: sqlite3.DatabaseError, inode: int | None) -> None:
        """Move the damaged file (and its journals) aside, unless another process already replaced it."""
        if inode is not None and self._stat_inode() not in (inode, None):
            logger.warning("embedding cache %s was damaged (%s); another process replaced it", self.path, exc)
            return
        aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        try:
            os.replace(self.path, aside)
            where = f"moved aside to {aside.name}"
        except FileNotFoundError:
            where = "already gone"
        except OSError:
            self.path.unlink(missing_ok=True)
            where = "deleted"
        for suffix in ("-journal", "-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        logger.warning("embedding cache %s is corrupt (%s); %s, starting an empty one", self.path, exc, where)

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """Replace a connection to a file found damaged mid-build by one to a new, empty cache."""
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        self._set_aside(exc, self._inode)
        self._db, self._inode = self._open(self.path), self._stat_inode()

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        try:
            return self._get_many(keys)
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                raise
            self._recover(exc)
            return {}

    def _get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM embeddings WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows)
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        rows = [(key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items]
        try:
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?)", rows)
        except sqlite3.DatabaseError as exc:
            if not is_corruption(exc):
                raise
            self._recover(exc)
            with self._db:
                self._db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?)", rows)

    def close(self) -> None:
        self._db.close()
