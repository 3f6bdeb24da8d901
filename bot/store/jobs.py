"""Work a host accepted, kept in the shared store until some host has done it: nothing acked is lost.

Slack never redelivers an event it got a 200 for. So a listener records the work here *before* the
acknowledgement goes out (:meth:`JobQueue.accept`), and answers are worked out by whoever takes it
(:meth:`JobQueue.take`): a thread of this process, another process, another host. Taking it is a *lease*:
the taker renews it while it works (:meth:`JobQueue.renew`) and marks the job done when the reply is posted
(:meth:`JobQueue.finish`). A host that dies stops renewing; once its lease has run out, the job is taken again
by someone else. A job taken :data:`MAX_ATTEMPTS` times without being finished (it kills whoever takes it)
is given up, and logged.

Exactly once: the job's ``key`` (e.g. ``msg:<channel>:<ts>``) is unique, so a retried or double delivery
(``app_mention`` and ``message`` for one message) is accepted once, on any host. One window is left: a
taker that dies after Slack took its reply and before :meth:`JobQueue.finish` is answered twice; that is
a few milliseconds of a reply's life, and the rest of it is covered.

Fairness: :meth:`JobQueue.take` takes the oldest job of an asker with nothing in progress (one answer in
progress per person, on all hosts together), so one person's twenty questions do not hold up everyone
else's one, and a person's answers come in the order they asked; and an asker may have at most ``max_waiting`` jobs
waiting (:meth:`JobQueue.accept` says :attr:`Accepted.FLOODED` beyond that, with a key that names the flood,
so its one note is accepted once).

Privacy: a job's payload is the Slack request (user ids, ``response_url``), so it is sealed
(:class:`Sealer`: Fernet, a key derived from the app's Slack secret that every host shares) and erased when
the job is done; the asker column is the store's salted hash. Done jobs stay ``claim_ttl`` seconds (so a
late retry is still recognised), then :meth:`JobQueue.prune` deletes them.

Why not procrastinate or pgqueuer: both are PostgreSQL-only, and the bot's default store is SQLite; one
queue on the store's own tables (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, SQLite's write lock) serves both
backends with the same code and the same tests.
"""

from __future__ import annotations

import base64
import enum
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import aliased

from bot.store.models import Job
from bot.store.store import Store, StoreError

logger = logging.getLogger(__name__)

DEFAULT_LEASE = 30.0
"""Seconds a taken job is its taker's without renewal; a dead host's work is taken again after this."""
DEFAULT_MAX_WAITING = 20
"""Jobs one asker may have waiting; more are a flood, not a conversation."""
MAX_BATCH = 200
"""Most jobs committed in one transaction by :meth:`JobQueue.accept`'s group commit."""
MAX_ATTEMPTS = 3
"""Times a job may be taken; a job whose takers all died is given up rather than kill every host in turn."""


class Accepted(enum.Enum):
    """What :meth:`JobQueue.accept` did."""

    QUEUED = "queued"  # recorded: it will be done
    DUPLICATE = "duplicate"  # this key was accepted before (a retry, or a second event for one message)
    FLOODED = "flooded"  # the asker has too much waiting: not recorded


@dataclass(frozen=True)
class Acceptance:
    outcome: Accepted
    flood_key: str | None = None
    """With :attr:`Accepted.FLOODED`: the same for every drop of one flood (it names the asker's oldest waiting
    job), so a note accepted under this key is accepted once per flood, on any host."""


@dataclass(frozen=True)
class TakenJob:
    """A job this taker holds the lease of."""

    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    attempt: int  # 1 for the first taker
    created_at: datetime


@dataclass(frozen=True)
class _Offer:
    """A job offered to :meth:`JobQueue.accept`, sealed, waiting for its batch's transaction."""

    key: str
    kind: str
    sealed: str
    asker: str | None


class _GroupCommit:
    """Hands offers from many threads to one writer thread that commits them in batches (at most
    :data:`MAX_BATCH`): each caller waits for its own batch's commit, and gets its own result or the error."""

    def __init__(self, write: Callable[[list[_Offer]], list[Acceptance]]) -> None:
        self._write = write
        self._waiting: list[tuple[_Offer, Future[Acceptance]]] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None

    def submit(self, offer: _Offer) -> Acceptance:
        done: Future[Acceptance] = Future()
        with self._cond:
            self._waiting.append((offer, done))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="job-group-commit", daemon=True)
                self._thread.start()
            self._cond.notify()
        return done.result()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting:
                    self._cond.wait()
                batch, self._waiting = self._waiting[:MAX_BATCH], self._waiting[MAX_BATCH:]
            try:
                results = self._write([offer for offer, _ in batch])
            except BaseException as exc:  # every caller of the batch gets the store's error
                for _, done in batch:
                    done.set_exception(exc)
                continue
            for (_, done), result in zip(batch, results, strict=True):
                done.set_result(result)


class SealError(ValueError):
    """A payload that cannot be opened (sealed under another secret, or damaged)."""


class Sealer:
    """Seals payloads with Fernet (AES-128-CBC and HMAC-SHA256), under a key derived from ``secret`` by HKDF.

    Every host of one app shares the secret (its Slack signing secret or bot token), so any host can open
    what another sealed. A rotated secret makes older waiting jobs unreadable: they are logged and dropped.
    """

    INFO = b"istio-events-bot jobs v1"

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a Sealer needs a non-empty secret")
        # Imported here: only serving hosts seal, and the import costs tens of milliseconds.
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=self.INFO).derive(secret.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, payload: dict[str, Any]) -> str:
        return self._fernet.encrypt(json.dumps(payload, separators=(",", ":")).encode()).decode("ascii")

    def open(self, sealed: str) -> dict[str, Any]:
        from cryptography.fernet import InvalidToken

        try:
            payload = json.loads(self._fernet.decrypt(sealed.encode("ascii")))
        except (InvalidToken, ValueError) as exc:
            raise SealError("the payload cannot be opened with this app's secret") from exc
        if not isinstance(payload, dict):
            raise SealError("the payload is not an object")
        return payload


class JobQueue:
    """Accept, take, renew and finish jobs in ``store`` (see the module docstring)."""

    def __init__(
        self, store: Store, sealer: Sealer, *, lease: float = DEFAULT_LEASE, max_waiting: int = DEFAULT_MAX_WAITING,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.store, self.sealer = store, sealer
        self.lease, self.max_waiting, self.max_attempts = lease, max_waiting, max_attempts
        self._batches = _GroupCommit(self._accept_all)

    def accept(self, key: str, kind: str, payload: dict[str, Any], asker: str | None = None) -> Acceptance:
        """Record a job unless ``key`` was accepted before or ``asker`` has ``max_waiting`` jobs waiting; returns
        once it is committed.

        Accepts from many threads are committed together (group commit: one transaction and three statements
        for every job that arrived while the previous batch was being written), so a burst of events costs the
        store, and SQLite's one write lock, a few transactions rather than one per event.
        Raises :class:`StoreError` when the store cannot record it: the caller must then not tell Slack it
        was received (an HTTP 500 makes Slack retry the event)."""
        offer = _Offer(key, kind, self.sealer.seal(payload), asker)
        return self._batches.submit(offer)

    def _accept_all(self, offers: list[_Offer]) -> list[Acceptance]:
        """One transaction for ``offers``, in order: duplicates (of earlier jobs or of each other) and floods
        refused, the rest inserted."""
        store = self.store
        now = store.now()
        with store.transaction() as conn:
            known = set(conn.execute(select(Job.key).where(Job.key.in_({o.key for o in offers}))).scalars())
            askers = {o.asker for o in offers if o.asker is not None}
            waiting: dict[str, tuple[int, str | None]] = {}
            if askers and self.max_waiting > 0:
                counts = (select(Job.asker, func.count().label("n"), func.min(Job.id).label("first"))
                          .where(Job.asker.in_(askers), Job.done_at.is_(None), Job.lease_until.is_(None))
                          .group_by(Job.asker).subquery())
                rows = conn.execute(select(counts.c.asker, counts.c.n, Job.key)
                                    .join(Job, Job.id == counts.c.first))
                waiting = {row.asker: (int(row.n), row.key) for row in rows}
            results: list[Acceptance] = []
            inserts: list[dict[str, Any]] = []
            for offer in offers:
                if offer.key in known:
                    results.append(Acceptance(Accepted.DUPLICATE))
                    continue
                if offer.asker is not None and self.max_waiting > 0:
                    count, oldest = waiting.get(offer.asker, (0, None))
                    if count >= self.max_waiting:
                        results.append(Acceptance(Accepted.FLOODED, flood_key=f"flood:{offer.asker}:{oldest}"))
                        continue
                    waiting[offer.asker] = (count + 1, oldest or offer.key)
                known.add(offer.key)
                inserts.append({"key": offer.key, "kind": offer.kind, "asker": offer.asker, "payload": offer.sealed,
                                "created_at": now, "attempts": 0})
                results.append(Acceptance(Accepted.QUEUED))
            if inserts:
                # another host may have taken a key since the check (PostgreSQL): it is theirs, once
                conn.execute(store.insert(Job).on_conflict_do_nothing(), inserts)
        return results

    def take(self, owner: str) -> TakenJob | None:
        """Lease the oldest job whose asker has nothing in progress to ``owner`` (a job whose lease ran out counts
        as waiting, not in progress). None when there is nothing to do.

        A cheap read comes first, so idle takers polling do not queue on SQLite's write lock."""
        store = self.store
        now = store.now()
        available = (Job.done_at.is_(None), or_(Job.lease_until.is_(None), Job.lease_until <= now))
        with store.transaction(read_only=True) as conn:
            if conn.execute(select(Job.id).where(*available).limit(1)).first() is None:
                return None
        running = aliased(Job)
        busy = exists().where(running.asker == Job.asker, running.done_at.is_(None), running.lease_until > now)
        query = (select(Job.id, Job.key, Job.kind, Job.payload, Job.attempts, Job.created_at)
                 .where(*available, ~busy).order_by(Job.id).limit(1).with_for_update(skip_locked=True, of=Job))
        while True:
            with store.transaction() as conn:
                row = conn.execute(query).first()
                if row is None:
                    return None
                if row.attempts >= self.max_attempts or row.payload is None:
                    conn.execute(update(Job).where(Job.id == row.id).values(
                        done_at=now, lease_until=None, owner=owner, payload=None, outcome="gave_up"))
                    logger.error("job %s was taken %d times and never finished: given up", row.key, row.attempts)
                    continue
                conn.execute(update(Job).where(Job.id == row.id).values(
                    lease_until=now + timedelta(seconds=self.lease), owner=owner, attempts=row.attempts + 1))
            try:
                payload = self.sealer.open(row.payload)
            except SealError as exc:
                logger.error("job %s dropped: %s", row.key, exc)
                self.finish(row.id, owner, "unreadable")
                continue
            return TakenJob(row.id, row.key, row.kind, payload, row.attempts + 1, row.created_at)

    def renew(self, job_id: int, owner: str) -> bool:
        """Extend ``owner``'s lease; False when it is no longer theirs (it ran out and someone else took it)."""
        until = self.store.now() + timedelta(seconds=self.lease)
        stmt = update(Job).where(Job.id == job_id, Job.owner == owner, Job.done_at.is_(None)).values(lease_until=until)
        with self.store.transaction() as conn:
            return conn.execute(stmt).rowcount == 1

    def finish(self, job_id: int, owner: str, outcome: str = "done") -> None:
        """Mark the job done and erase its payload (whoever holds the lease now: it is done either way)."""
        stmt = update(Job).where(Job.id == job_id, Job.done_at.is_(None)).values(
            done_at=self.store.now(), lease_until=None, owner=owner, payload=None, outcome=outcome)
        with self.store.transaction() as conn:
            conn.execute(stmt)

    def pending(self) -> int:
        """Jobs not yet done (waiting or in progress), on every host."""
        with self.store.transaction(read_only=True) as conn:
            return int(conn.execute(select(func.count()).where(Job.done_at.is_(None))).scalar_one())

    def prune(self) -> int:
        """Delete jobs done more than ``claim_ttl`` seconds ago; returns how many."""
        from sqlalchemy import delete

        cutoff = self.store.now() - timedelta(seconds=self.store.claim_ttl)
        with self.store.transaction() as conn:
            return int(conn.execute(delete(Job).where(Job.done_at < cutoff)).rowcount)


__all__ = ["Acceptance", "Accepted", "JobQueue", "SealError", "Sealer", "StoreError", "TakenJob"]
