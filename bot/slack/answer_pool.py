"""Where answers are worked out: a few threads that take turns between askers.

Bolt runs listeners in its own thread pool, and a slash command's ``ack()`` runs inside its listener: if
that pool is busy answering, the ack waits and Slack gives up after 3 seconds. So listeners only check
the message and hand the answer to an :class:`AnswerPool`, which runs it later on its own threads.

The pool is fair: each asker has a queue and at most ``per_asker`` answers in progress, and the threads
serve askers in turn. One person sending ten 40,000-character questions waits for their own answers;
everyone else's question goes in the next free turn.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.settings import DEFAULT_WORKERS

logger = logging.getLogger(__name__)

DEFAULT_PER_ASKER = 1
DEFAULT_MAX_WAITING = 20
"""Questions one asker may have waiting; more are dropped (and logged): a flood, not a conversation. The
first drop of a flood calls the submitter's ``on_flood`` (the asker gets one note); the flood ends when
the asker has nothing waiting any more."""


@dataclass
class _Task:
    work: Callable[[], Any]
    ids: dict[str, Any]
    queued_at: float = field(default_factory=time.monotonic)


class AnswerPool:
    """Runs answer work on ``workers`` threads, one turn per asker at a time.

    ``on_wait`` is told how long each task waited for its turn (for the metrics).
    """

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        per_asker: int = DEFAULT_PER_ASKER,
        max_waiting: int = DEFAULT_MAX_WAITING,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.workers, self.per_asker, self.max_waiting = workers, per_asker, max_waiting
        self.on_wait = on_wait
        self._queues: dict[str, deque[_Task]] = {}
        self._running: dict[str, int] = {}
        self._turns: deque[str] = deque()  # askers with waiting work and a free slot, in turn order
        self._flooded: set[str] = set()  # askers who had work dropped since they last had nothing waiting
        self._cond = threading.Condition()
        self._closed = False
        self._threads: list[threading.Thread] = []

    @classmethod
    def from_env(cls, **kwargs: Any) -> AnswerPool:
        """``ANSWER_WORKERS`` threads (:func:`bot.settings.load_settings`) when not given: for tests and library
        callers; ``serve`` passes the number from the settings it was started with."""
        workers = kwargs.pop("workers", None)
        if workers is None:
            from bot.settings import load_settings

            workers = load_settings().answer_workers
        return cls(workers=max(1, workers), **kwargs)

    def submit(
        self, asker: str, work: Callable[[], Any], ids: dict[str, Any] | None = None,
        on_flood: Callable[[], Any] | None = None,
    ) -> bool:
        """Queue ``work`` in ``asker``'s turn; False (logged) when that asker already has too much waiting.

        ``on_flood`` is called (in the caller's thread, outside the pool's lock) when this is the first work
        of ``asker``'s dropped since they last had nothing waiting: once per flood, not once per drop."""
        ids = ids or {}
        with self._cond:
            if self._closed:
                logger.warning("answer pool closed: work dropped %s", ids)
                return False
            queue = self._queues.setdefault(asker, deque())
            if len(queue) >= self.max_waiting:
                logger.warning("one asker has %d questions waiting: this one is dropped %s", len(queue), ids)
                first_drop = asker not in self._flooded
                self._flooded.add(asker)
            else:
                queue.append(_Task(work, ids))
                self._offer_turn(asker)
                self._start_threads()
                self._cond.notify()
                return True
        if first_drop and on_flood is not None:
            try:
                on_flood()
            except Exception:
                logger.exception("the flood note failed %s", ids)
        return False

    def waiting(self) -> int:
        """Tasks queued and not yet started."""
        with self._cond:
            return sum(len(queue) for queue in self._queues.values())

    def close(self, timeout: float = 5.0) -> None:
        """Stop taking work, let the threads finish what they started."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    def _offer_turn(self, asker: str) -> None:
        if self._queues.get(asker) and self._running.get(asker, 0) < self.per_asker and asker not in self._turns:
            self._turns.append(asker)

    def _start_threads(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(target=self._run, name=f"answer-{len(self._threads)}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _next(self) -> tuple[str, _Task] | None:
        with self._cond:
            while not self._turns and not self._closed:
                self._cond.wait()
            if not self._turns:
                return None
            asker = self._turns.popleft()
            task = self._queues[asker].popleft()
            if not self._queues[asker]:
                self._flooded.discard(asker)  # nothing waiting: the flood, if any, is over
            self._running[asker] = self._running.get(asker, 0) + 1
            self._offer_turn(asker)
            return asker, task

    def _done(self, asker: str) -> None:
        with self._cond:
            self._running[asker] -= 1
            if not self._running[asker]:
                del self._running[asker]
            if not self._queues.get(asker):
                self._queues.pop(asker, None)
            self._offer_turn(asker)
            self._cond.notify()

    def _run(self) -> None:
        while (item := self._next()) is not None:
            asker, task = item
            if self.on_wait is not None:
                self.on_wait(time.monotonic() - task.queued_at)
            try:
                task.work()
            except Exception:
                logger.exception("answer work failed %s", task.ids)
            finally:
                self._done(asker)
