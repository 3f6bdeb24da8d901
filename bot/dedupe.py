"""Exactly one reply per Slack message, across retries, double deliveries and worker processes.

Slack may deliver one message several times: as ``app_mention`` *and* ``message``, and again with
``X-Slack-Retry-Num`` when an ack was slow. The first listener to :meth:`Dedupe.claim` a message's
``(channel, ts)`` answers it; every later claim fails. The same store remembers the threads the bot
answered in, so follow-ups there can be answered without a new mention.

Limits (by design):

* Keys live ``ttl`` seconds (default 1 hour; Slack retries within minutes). A duplicate arriving
  after that would be answered again; followed threads are remembered for ``thread_ttl`` (7 days).
* At most ``max_entries`` keys are kept (oldest dropped first), so the file stays small.
* The SQLite file is shared by processes on one host (one volume). Several hosts need a shared store
  (e.g. Redis with ``SET NX EX``); implement :class:`Dedupe`'s two methods over it.
* A claim is taken before answering; if the process dies mid-answer, Slack's retry is not answered.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

DEFAULT_TTL = 3600.0
DEFAULT_THREAD_TTL = 7 * 24 * 3600.0
DEFAULT_MAX_ENTRIES = 100_000


class Dedupe:
    """A claim-once set of keys with expiry, in one SQLite file (``:memory:`` for one process)."""

    def __init__(
        self,
        path: str | Path = ":memory:",
        ttl: float = DEFAULT_TTL,
        thread_ttl: float = DEFAULT_THREAD_TTL,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self.path = str(path)
        self.ttl = ttl
        self.thread_ttl = thread_ttl
        self.max_entries = max_entries
        self._lock = threading.Lock()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # One connection shared by this process's listener threads, serialised by the lock; other
        # processes coordinate through SQLite's file locking (WAL, busy timeout).
        self._db = sqlite3.connect(self.path, timeout=10.0, check_same_thread=False, isolation_level=None)
        self._set_up()

    def _set_up(self, attempts: int = 50) -> None:
        """WAL mode and the table. Workers starting together race for the file: switching to WAL can
        answer "database is locked" without waiting on the busy timeout, so it is retried."""
        for attempt in range(attempts):
            try:
                if self.path != ":memory:":
                    self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("CREATE TABLE IF NOT EXISTS seen (key TEXT PRIMARY KEY, expires REAL NOT NULL)")
                self._db.execute("CREATE INDEX IF NOT EXISTS seen_expires ON seen (expires)")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))

    @classmethod
    def from_env(cls, path: str | Path | None = None) -> Dedupe:
        """``DEDUPE_DB`` (default ``slack-dedupe.sqlite`` in ``CACHE_DIR``) and ``DEDUPE_TTL`` seconds."""
        from embeddings.config import PROJECT_ROOT

        cache = Path(os.environ.get("CACHE_DIR") or PROJECT_ROOT / ".cache").expanduser()
        chosen = path or os.environ.get("DEDUPE_DB") or cache / "slack-dedupe.sqlite"
        return cls(chosen, ttl=float(os.environ.get("DEDUPE_TTL") or DEFAULT_TTL))

    def _claim_key(self, key: str, ttl: float) -> bool:
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute("DELETE FROM seen WHERE expires < ?", (now,))
                cursor = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (key, now + ttl))
                claimed = cursor.rowcount == 1
                if claimed:
                    self._db.execute(
                        "DELETE FROM seen WHERE key IN (SELECT key FROM seen ORDER BY expires DESC LIMIT -1 OFFSET ?)",
                        (self.max_entries,),
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return claimed

    def claim(self, channel: str, ts: str) -> bool:
        """True for the first claim of this message within the TTL, False for every repeat."""
        return self._claim_key(f"msg:{channel}:{ts}", self.ttl)

    def follow_thread(self, channel: str, thread_ts: str) -> None:
        """Remember that the bot answered in this thread (refreshing the expiry)."""
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO seen VALUES (?, ?)", (f"thread:{channel}:{thread_ts}", now + self.thread_ttl)
            )

    def follows_thread(self, channel: str, thread_ts: str) -> bool:
        """Whether the bot answered in this thread within ``thread_ttl``."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM seen WHERE key = ? AND expires >= ?", (f"thread:{channel}:{thread_ts}", time.time())
            ).fetchone()
        return row is not None

    def close(self) -> None:
        with self._lock:
            self._db.close()
