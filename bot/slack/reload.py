"""Hot reload: a serving process notices a new index build (``sync`` or ``index`` wrote one) and swaps to it.

Each answering process checks every :data:`CHECK_INTERVAL` seconds whether the index directory's ``CURRENT``
names another build than the one it serves. If so it loads the new build beside the old one (the query
encoder is shared, so only the index is loaded twice for a moment), answers a probe question with it, and
only then swaps it in: one attribute assignment, so a question is answered wholly by the old or wholly by
the new index. A build that fails to load or to answer leaves the old one serving; the failure is one log
line and a metric, and the same build is not tried again until ``CURRENT`` changes.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from bot.core.answerer import Answerer

logger = logging.getLogger(__name__)

CHECK_INTERVAL = 10.0
"""Seconds between two looks at ``CURRENT``: a new build serves within this (plus its load)."""
PROBE = "Who gave the opening keynote?"


class IndexWatcher:
    """Swaps ``current()`` for an answerer over the new build in ``index_dir`` (through ``swap``)."""

    def __init__(
        self, index_dir: Path, current: Callable[[], Answerer], swap: Callable[[Answerer], None], *,
        on_failure: Callable[[], None] | None = None, interval: float = CHECK_INTERVAL,
    ) -> None:
        from embeddings.index import current_build_name

        self.index_dir, self.current, self.swap = index_dir, current, swap
        self.on_failure, self.interval = on_failure, interval
        self.serving = current_build_name(index_dir)
        self._tried: str | None = None
        self._stop = threading.Event()

    def check(self) -> bool:
        """One look: True when a new build was swapped in."""
        from embeddings.index import IndexUnavailable, current_build_name, load_index
        from embeddings.search import HybridRetriever

        name = current_build_name(self.index_dir)
        if name is None or name == self.serving or name == self._tried:
            return False
        self._tried = name
        old = self.current()
        try:
            index = load_index(self.index_dir, old.index.model)  # the encoder in use must have built it
            fresh = Answerer(HybridRetriever(index, old.retriever.dense.model), today=old.today)  # type: ignore[attr-defined]
            fresh.ask(PROBE)
        except (IndexUnavailable, Exception) as exc:
            logger.error("new index build %s not served, the old one stays (%s: %s)", name, type(exc).__name__, exc)
            if self.on_failure is not None:
                self.on_failure()
            return False
        self.swap(fresh)
        self.serving = name
        logger.info("now serving index build %s: %d passages", name, len(index.passages))
        return True

    def start(self) -> IndexWatcher:
        threading.Thread(target=self._loop, name="index-watcher", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:
                logger.exception("checking for a new index build failed")
