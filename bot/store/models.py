"""The schema, as SQLAlchemy 2 declarative models; ``migrations/versions`` creates the same tables.

A test compares this metadata with the migrated database (``alembic.autogenerate.compare_metadata``),
so a change here needs a new migration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Explicit constraint and index names, so the migration and the models name things alike on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend.

    PostgreSQL keeps ``timestamptz``; SQLite has no time zones, so values are stored as naive UTC and
    read back as UTC. A naive value given to the store is taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Claim(Base):
    """An exactly-once claim: the first listener to insert a message's key answers it."""

    __tablename__ = "claims"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Thread(Base):
    """A thread the bot answered in, so follow-ups there are answered without a new mention."""

    __tablename__ = "threads"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    thread_ts: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Answer(Base):
    """One answer the bot gave (the question log); ``channel``/``reply_ts`` locate the reply for votes."""

    __tablename__ = "answers"
    # AUTOINCREMENT on SQLite: ids are never reused after a prune, so an old vote button cannot land on a new answer.
    __table_args__ = (
        Index("ix_answers_channel_reply_ts", "channel", "reply_ts", unique=True),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    surface: Mapped[str] = mapped_column(String(32))
    question: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(16))
    declined: Mapped[bool]
    kind: Mapped[str] = mapped_column(String(32))
    documents: Mapped[list[str]] = mapped_column(JSON)
    passages: Mapped[list[str]] = mapped_column(JSON)
    topic: Mapped[str | None] = mapped_column(Text)
    user_hash: Mapped[str | None] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    channel: Mapped[str | None] = mapped_column(String(64))
    reply_ts: Mapped[str | None] = mapped_column(String(32))


class Vote(Base):
    """One person's vote on one answer: a button click and a reaction by the same person share this row."""

    __tablename__ = "votes"
    __table_args__ = (CheckConstraint("value IN (-1, 1)", name="value"),)

    answer_id: Mapped[int] = mapped_column(ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True)
    user_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class Job(Base):
    """Work a host accepted (and Slack was told so): waiting while ``lease_until`` is null, taken by ``owner``
    until ``lease_until``, done once ``done_at`` is set. ``key`` makes accepting exactly once."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_waiting", "done_at", "lease_until", "id"),
        Index("ix_jobs_asker", "asker", "done_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    asker: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    owner: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(32))


class Subscription(Base):
    """A channel that gets announcements and reminders, in its language; it gets the notices recorded after
    ``after_notice`` (the newest notice's id when it subscribed), so subscribing never floods it with old news."""

    __tablename__ = "subscriptions"

    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    lang: Mapped[str] = mapped_column(String(16))
    subscribed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    subscribed_by_hash: Mapped[str | None] = mapped_column(String(64))
    after_notice: Mapped[int] = mapped_column(Integer, default=0)


class Notice(Base):
    """Something to tell every subscribed channel once (``event:<key>``, ``recap:<doc>``, ``reminder:…``): ``key``
    makes recording it exactly once across hosts. ``payload`` is what the message is written from; a ``quiet``
    notice is never posted (a 7-day reminder the 1-day one made stale)."""

    __tablename__ = "notices"
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    quiet: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class NoticeDelivery(Base):
    """One notice taken for one channel: recorded before it is posted, so no host posts it there twice."""

    __tablename__ = "notice_deliveries"

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ts: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str | None] = mapped_column(String(32))


class Meta(Base):
    """Per-database settings, e.g. the random salt of the user hash."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


metadata = Base.metadata
