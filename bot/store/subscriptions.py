"""Channels subscribed to announcements, the notices to tell them, and which channel was told what.

Exactly once, across hosts and restarts, in two steps, each an ``INSERT … ON CONFLICT DO NOTHING``:

1. a notice is **recorded** under its key (``event:<event key>``, ``recap:<year>/<slug>``,
   ``recordings:<event key>:<count>``, ``reminder:<event key>:<start>:7d``, …): every host that computes the
   same news records it once, and it stays recorded (the key is never told again, even when the document that
   made it disappears and comes back);
2. for each subscribed channel, a notice is **taken** (a ``notice_deliveries`` row) before it is posted there:
   whoever inserts the row posts, nobody else. A host that dies between taking and posting loses that one
   message for that channel (the window is the one ``chat.postMessage`` call); a Slack that cannot be reached
   gives the row back, so the next run posts it.

A notice recorded but not yet taken for some channel (the host stopped halfway, Slack was down) is still
*pending*, and whichever host runs next posts it: nothing recorded is lost by a restart. A channel gets the
notices recorded after it subscribed (``after_notice``: the newest notice's id then), never the old ones.
A *quiet* notice is never posted: a 7-day reminder that the 1-day one made stale, recorded so a clock that
jumps back cannot post it late.

Privacy: who subscribed is kept as the store's salted hash (:meth:`Store.hash_user`), never a user id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, func, select, update

from bot.store.models import Notice, NoticeDelivery, Subscription
from bot.store.store import Store

_ROWCOUNT = {"preserve_rowcount": True}


@dataclass(frozen=True)
class Subscriber:
    channel: str
    lang: str
    subscribed_at: datetime
    after_notice: int


@dataclass(frozen=True)
class StoredNotice:
    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    created_at: datetime


class Subscriptions:
    """Subscriptions and notices in ``store`` (see the module docstring). Every database failure is a
    :class:`~bot.store.StoreError`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- channels ---------------------------------------------------------------------------------------

    def subscribe(self, channel: str, lang: str, user_hash: str | None) -> bool:
        """Subscribe ``channel`` in ``lang``; True when it is new, False when it was subscribed already (its
        language is then updated, and what it will be told is unchanged)."""
        store = self.store
        with store.transaction() as conn:
            newest = conn.execute(select(func.coalesce(func.max(Notice.id), 0))).scalar_one()
            row = {"channel": channel, "lang": lang, "subscribed_at": store.now(), "subscribed_by_hash": user_hash,
                   "after_notice": int(newest)}
            inserted = conn.execute(store.insert(Subscription).values(row).on_conflict_do_nothing(),
                                    execution_options=_ROWCOUNT).rowcount == 1
            if not inserted:
                conn.execute(update(Subscription).where(Subscription.channel == channel).values(lang=lang))
        return inserted

    def unsubscribe(self, channel: str) -> bool:
        """True when ``channel`` was subscribed."""
        with self.store.transaction() as conn:
            return conn.execute(delete(Subscription).where(Subscription.channel == channel)).rowcount == 1

    def subscriber(self, channel: str) -> Subscriber | None:
        with self.store.transaction(read_only=True) as conn:
            row = conn.execute(select(*_SUBSCRIBER).where(Subscription.channel == channel)).first()
        return Subscriber(*row) if row else None

    def subscribers(self) -> list[Subscriber]:
        with self.store.transaction(read_only=True) as conn:
            return [Subscriber(*row) for row in conn.execute(select(*_SUBSCRIBER).order_by(Subscription.channel))]

    # -- notices ----------------------------------------------------------------------------------------

    def record(self, key: str, kind: str, payload: dict[str, Any]) -> bool:
        """Record a notice for every subscribed channel; True when this call recorded it (False: known)."""
        row = {"key": key, "kind": kind, "payload": payload, "quiet": False, "created_at": self.store.now()}
        with self.store.transaction() as conn:
            stmt = self.store.insert(Notice).values(row).on_conflict_do_nothing()
            return conn.execute(stmt, execution_options=_ROWCOUNT).rowcount == 1

    def silence(self, key: str, kind: str) -> None:
        """Make sure ``key`` is never posted (again): recorded quiet, or made quiet where it waits."""
        store = self.store
        row = {"key": key, "kind": kind, "payload": None, "quiet": True, "created_at": store.now()}
        with store.transaction() as conn:
            if conn.execute(store.insert(Notice).values(row).on_conflict_do_nothing(),
                            execution_options=_ROWCOUNT).rowcount == 0:
                conn.execute(update(Notice).where(Notice.key == key).values(quiet=True))

    def recorded(self, key: str) -> bool:
        with self.store.transaction(read_only=True) as conn:
            return conn.execute(select(Notice.id).where(Notice.key == key)).first() is not None

    def pending(self, limit: int = 500) -> list[tuple[StoredNotice, Subscriber]]:
        """Notices some subscribed channel has not been given yet (oldest first), with that channel."""
        taken = exists().where(NoticeDelivery.notice_id == Notice.id, NoticeDelivery.channel == Subscription.channel)
        query = (select(Notice.id, Notice.key, Notice.kind, Notice.payload, Notice.created_at, *_SUBSCRIBER)
                 .join(Subscription, Notice.id > Subscription.after_notice)
                 .where(Notice.quiet.is_(False), Notice.payload.is_not(None), ~taken)
                 .order_by(Notice.id, Subscription.channel).limit(limit))
        with self.store.transaction(read_only=True) as conn:
            rows = conn.execute(query).all()
        return [(StoredNotice(*row[:5]), Subscriber(*row[5:])) for row in rows]

    def take(self, notice_id: int, channel: str) -> bool:
        """Take the notice for ``channel``: True for exactly one caller, on any host, ever (then post it).
        False when it was taken already, or has been silenced meanwhile."""
        store = self.store
        with store.transaction() as conn:
            if conn.execute(select(Notice.quiet).where(Notice.id == notice_id)).scalar_one_or_none() is not False:
                return False
            row = {"notice_id": notice_id, "channel": channel, "taken_at": store.now()}
            stmt = store.insert(NoticeDelivery).values(row).on_conflict_do_nothing()
            return conn.execute(stmt, execution_options=_ROWCOUNT).rowcount == 1

    def posted(self, notice_id: int, channel: str, ts: str) -> None:
        self._mark(notice_id, channel, ts=ts, outcome="posted")

    def failed(self, notice_id: int, channel: str, outcome: str) -> None:
        """Slack refused it for good (``channel_not_found``, ``not_in_channel``): kept as taken, not retried."""
        self._mark(notice_id, channel, outcome=outcome)

    def give_back(self, notice_id: int, channel: str) -> None:
        """Slack could not be reached: the notice is pending again for ``channel`` (the next run posts it)."""
        with self.store.transaction() as conn:
            conn.execute(delete(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id,
                                                      NoticeDelivery.channel == channel))

    def deliveries(self, key: str) -> dict[str, str | None]:
        """Channel → outcome of each delivery of the notice ``key`` (for tests and operators)."""
        query = (select(NoticeDelivery.channel, NoticeDelivery.outcome)
                 .join(Notice, Notice.id == NoticeDelivery.notice_id).where(Notice.key == key))
        with self.store.transaction(read_only=True) as conn:
            return {row.channel: row.outcome for row in conn.execute(query)}

    def _mark(self, notice_id: int, channel: str, **values: str) -> None:
        with self.store.transaction() as conn:
            conn.execute(update(NoticeDelivery).where(NoticeDelivery.notice_id == notice_id,
                                                      NoticeDelivery.channel == channel).values(**values))


_SUBSCRIBER = (Subscription.channel, Subscription.lang, Subscription.subscribed_at, Subscription.after_notice)

__all__ = ["StoredNotice", "Subscriber", "Subscriptions"]
