"""Where answers are worked out: threads that take :class:`~bot.slack.work.Work` from the store and run it.

Every serving process that answers runs one :class:`Runner`: with ``ANSWER_PROCESSES=0`` the process that
acks (its threads then share that process's GIL with the acks), otherwise each answer process started by
``serve`` (:mod:`bot.slack.workers`), so that acking never waits behind retrieval. A runner holds a lease on
each job it runs and renews it from one heartbeat thread; if the process dies, the leases run out and
another runner, on any host, takes the work (:mod:`bot.store.jobs`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.slack.work import Work, WorkKind
from bot.store import StoreError
from bot.store.jobs import JobQueue, TakenJob

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.slack.delivery import Handler, Responder

logger = logging.getLogger(__name__)

MIN_POLL = 0.01
MAX_POLL = 0.2
"""Seconds an idle runner waits between two looks at the store (doubling from :data:`MIN_POLL`); work accepted
by this process wakes it at once (:meth:`Runner.wake`)."""
STORE_DOWN_WAIT = 1.0


def owner_name() -> str:
    """Who holds a lease, in logs and the store: host, process and a random part (pids are reused)."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Runner:
    """``threads`` threads taking jobs from ``jobs`` and running them with ``handlers``."""

    def __init__(
        self, jobs: JobQueue, handlers: Mapping[WorkKind, Handler], responder: Responder, client: WebClient,
        threads: int, *, owner: str | None = None,
    ) -> None:
        self.jobs, self.handlers, self.responder, self.client = jobs, handlers, responder, client
        self.threads = max(1, threads)
        self.owner = owner or owner_name()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._held: set[int] = set()
        self._held_lock = threading.Lock()
        self._workers: list[threading.Thread] = []

    def start(self) -> Runner:
        for number in range(self.threads):
            thread = threading.Thread(target=self._loop, name=f"answer-{number}", daemon=True)
            self._workers.append(thread)
            thread.start()
        threading.Thread(target=self._heartbeat, name="lease-heartbeat", daemon=True).start()
        return self

    def wake(self) -> None:
        """Work was accepted: look at the store now rather than at the next poll."""
        self._wake.set()

    def close(self, timeout: float = 5.0) -> None:
        """Take no more work; let the threads finish what they hold (unfinished work stays in the store)."""
        self._closed.set()
        self._wake.set()
        for thread in self._workers:
            thread.join(timeout)

    def _loop(self) -> None:
        poll = MIN_POLL
        while not self._closed.is_set():
            try:
                job = self.jobs.take(self.owner)
            except StoreError as exc:
                logger.error("could not take work from the store (%s)", exc)
                self._closed.wait(STORE_DOWN_WAIT)
                continue
            if job is None:
                self._wake.wait(poll)
                self._wake.clear()
                poll = min(MAX_POLL, poll * 2)
                continue
            poll = MIN_POLL
            self._run(job)

    def _run(self, job: TakenJob) -> None:
        metrics = self.responder.metrics
        metrics.wait_seconds.observe(max(0.0, (datetime.now(UTC) - job.created_at).total_seconds()))
        with self._held_lock:
            self._held.add(job.id)
        outcome = "done"
        try:
            work = Work.from_payload(job.kind, job.key, job.payload)
            handler = self.handlers[work.kind]
            if job.attempt > 1:
                logger.warning("taking over %s (attempt %d): its earlier taker stopped", job.key, job.attempt)
            handler(self.responder, self.client, work)
            metrics.reply_seconds.labels(work.surface).observe(
                max(0.0, (datetime.now(UTC) - job.created_at).total_seconds()))
        except Exception:
            outcome = "failed"
            metrics.errors.labels("answer").inc()
            logger.exception("work %s failed", job.key)
        finally:
            with self._held_lock:
                self._held.discard(job.id)
            self._finish(job, outcome)

    def _finish(self, job: TakenJob, outcome: str) -> None:
        """Mark the job done, retrying while the store is briefly away: undone, it would be answered again."""
        for attempt in range(5):
            try:
                self.jobs.finish(job.id, self.owner, outcome)
                return
            except StoreError as exc:
                logger.error("could not mark %s done (%s); retrying", job.key, exc)
                self._closed.wait(STORE_DOWN_WAIT * (attempt + 1))
        logger.error("%s stays unfinished: it will be answered again when its lease runs out", job.key)

    def _heartbeat(self) -> None:
        interval = self.jobs.lease / 3
        while not self._closed.wait(interval):
            with self._held_lock:
                held = list(self._held)
            for job_id in held:
                try:
                    if not self.jobs.renew(job_id, self.owner):
                        logger.warning("lost the lease of job %d (it ran out); another runner may answer it too",
                                       job_id)
                except StoreError as exc:
                    logger.error("could not renew a lease (%s)", exc)
