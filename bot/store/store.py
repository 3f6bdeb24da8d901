"""The :class:`Store`: exactly-once claims, followed threads, the question log and votes in one SQL database."""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    cast,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from bot.settings import DEFAULT_CLAIM_TTL, DEFAULT_RETENTION_DAYS, StoreSettings
from bot.store.models import Answer, Claim, Meta, Thread, Vote

logger = logging.getLogger(__name__)

DEFAULT_THREAD_TTL = 7 * 24 * 3600.0
MAX_REASON_CHARS = 2000
SQLITE_BUSY_TIMEOUT = 10.0
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any fixed 64-bit number: processes migrating one PostgreSQL database queue on this advisory lock.
MIGRATION_LOCK_ID = 0x1571_0E0E_B075_7012
SALT_KEY = "user_hash_salt"
BUTTON = "button"
"""The vote source a click gives (the other is ``reaction``); a click outranks a reaction of the same value."""
ASSISTANT_THREADS = "assistant:"
"""Prefix of the ``threads.channel`` of assistant-panel threads, kept apart from the threads followed."""

# SQLAlchemy keeps an INSERT's rowcount (inserted, or ignored ON CONFLICT) only when asked.
_ROWCOUNT = {"preserve_rowcount": True}

_ALEMBIC_LOCK = threading.Lock()
"""Held around each in-process upgrade: Alembic's ``context`` proxy is process-global, so two stores
migrating in two threads at once would tear it down under each other."""

P = ParamSpec("P")
R = TypeVar("R")


class StoreError(RuntimeError):
    """The database cannot be reached or used; the message says which URL (password redacted) and why."""


class VoteOutcome(enum.Enum):
    NEW = "new"  # the person's first vote on this answer
    CHANGED = "changed"  # they switched between +1 and -1
    UNCHANGED = "unchanged"  # the same value again (e.g. a button click, then the matching reaction)
    UNKNOWN_ANSWER = "unknown_answer"  # no such answer (never logged, or pruned): nothing stored


@dataclass(frozen=True)
class AnswerRecord:
    """One answer the bot gave, as the listeners hand it to :meth:`Store.record_answer`."""

    surface: str  # "mention" | "dm" | "thread" | "assistant" | "command"
    question: str
    lang: str  # language code, e.g. "en", "es", "zh", "pt-br"
    declined: bool  # the bot said "I don't know"
    kind: str  # "passages" | "sessions" | "upcoming" | "none" | "error" | ...
    documents: tuple[str, ...] = ()  # cited document ids (URLs), in order
    passages: tuple[str, ...] = ()  # cited passage ids
    topic: str | None = None  # title of the first cited document
    user_hash: str | None = None  # Store.hash_user(...) of the asker, never a raw id
    asked_at: datetime | None = None  # UTC; None = now


@dataclass(frozen=True)
class StoredAnswer:
    """An :class:`AnswerRecord` as stored, with its id and where the bot's reply is."""

    id: int
    surface: str
    question: str
    lang: str
    declined: bool
    kind: str
    documents: tuple[str, ...]
    passages: tuple[str, ...]
    topic: str | None
    user_hash: str | None
    asked_at: datetime
    channel: str | None
    reply_ts: str | None


@dataclass(frozen=True)
class StoredVote:
    answer_id: int
    user_hash: str
    value: int  # +1 or -1
    source: str  # "button" | "reaction"
    reason: str | None
    cast_at: datetime


def _guarded(method: Callable[Concatenate[Store, P], R]) -> Callable[Concatenate[Store, P], R]:
    """Turn any database failure into a one-line :class:`StoreError`, so callers catch one type and degrade."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except (SQLAlchemyError, OSError, ImportError) as exc:
            raise self._error(exc) from exc

    return wrapper


def _as_url(url: str | URL) -> URL:
    """A SQLAlchemy URL; ``:memory:`` means a private in-memory SQLite database, and a bare ``postgres://``
    or ``postgresql://`` (as hosting platforms hand out) means the psycopg 3 driver this package depends on."""
    if isinstance(url, str) and url.strip() == ":memory:":
        return make_url("sqlite://")
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        parsed = parsed.set(database=str(Path(parsed.database).expanduser()))
    return parsed


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _to_answer(row: Any) -> StoredAnswer:
    return StoredAnswer(
        id=row.id,
        surface=row.surface,
        question=row.question,
        lang=row.lang,
        declined=bool(row.declined),
        kind=row.kind,
        documents=tuple(row.documents or ()),
        passages=tuple(row.passages or ()),
        topic=row.topic,
        user_hash=row.user_hash,
        asked_at=row.asked_at,
        channel=row.channel,
        reply_ts=row.reply_ts,
    )


def _to_vote(row: Any) -> StoredVote:
    return StoredVote(
        answer_id=row.answer_id,
        user_hash=row.user_hash,
        value=row.value,
        source=row.source,
        reason=row.reason,
        cast_at=row.cast_at,
    )


class Store:
    """The bot's database (see the package docstring). Safe to share between threads; processes and hosts
    coordinate through the database itself."""

    def __init__(
        self,
        url: str | URL,
        *,
        claim_ttl: float = DEFAULT_CLAIM_TTL,
        thread_ttl: float = DEFAULT_THREAD_TTL,
        retention_days: float = DEFAULT_RETENTION_DAYS,
        salt: str | None = None,
        migrate: bool = True,
    ) -> None:
        self.claim_ttl = claim_ttl
        self.thread_ttl = thread_ttl
        self.retention_days = retention_days
        self._salt = salt or None
        try:
            self._url = _as_url(url)
        except SQLAlchemyError:
            # The parser's message does not repeat the URL, so no password can leak through it.
            raise StoreError("DATABASE_URL is not a valid SQLAlchemy URL (e.g. postgresql+psycopg://...)") from None
        self._url_for_logs = self._url.render_as_string(hide_password=True)
        self._backend = self._url.get_backend_name()
        self._memory = self._backend == "sqlite" and self._url.database in (None, "", ":memory:")
        # A private in-memory database is one connection shared by all threads (StaticPool): serialise them.
        self._lock: AbstractContextManager[Any] = threading.RLock() if self._memory else nullcontext()
        self._engine = self._create_engine()
        if migrate:
            self.migrate()

    @classmethod
    def from_settings(cls, settings: StoreSettings, *, migrate: bool = True) -> Store:
        """The store ``settings`` describe (what ``istio-events-bot`` opens)."""
        return cls(settings.url, claim_ttl=settings.claim_ttl, retention_days=settings.retention_days,
                   salt=settings.salt, migrate=migrate)

    @classmethod
    def from_env(cls, url: str | None = None) -> Store:
        """The store the environment describes (:func:`bot.settings.load_settings`), ``url`` overriding
        ``DATABASE_URL``: for tests and library callers; the CLI builds its settings once and uses
        :meth:`from_settings`. A bad value raises :class:`bot.settings.ConfigError`."""
        from bot.settings import load_settings

        return cls.from_settings(load_settings(database_url=url).store_settings)

    @property
    def url(self) -> URL:
        """The database URL, password included (to hand to another process; never log it)."""
        return self._url

    @property
    def url_for_logs(self) -> str:
        """The database URL with its password replaced by ``***``."""
        return self._url_for_logs

    def __repr__(self) -> str:
        return f"Store({self._url_for_logs!r})"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- engine, transactions, errors -------------------------------------------------------------------

    @_guarded
    def _create_engine(self) -> Engine:
        if self._backend == "postgresql":
            connect_args: dict[str, Any] = {} if "connect_timeout" in self._url.query else {"connect_timeout": 10}
            return create_engine(self._url, pool_pre_ping=True, connect_args=connect_args)
        if self._backend != "sqlite":
            raise StoreError(f"database {self._url_for_logs}: unsupported backend (use sqlite or postgresql)")
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT}
        if self._memory:
            engine = create_engine(self._url, poolclass=StaticPool, connect_args=connect_args)
        else:
            Path(self._url.database or "").parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(self._url, connect_args=connect_args)
        event.listen(engine, "connect", functools.partial(_sqlite_connect, wal=not self._memory))
        event.listen(engine, "begin", _sqlite_begin)
        return engine

    @contextmanager
    def _begin(self, *, read_only: bool = False) -> Iterator[Connection]:
        """One transaction (on SQLite a write lock from the start, so check-then-write cannot interleave;
        ``read_only`` takes no write lock: for polls that mostly find nothing to do)."""
        with self._lock, self._engine.connect() as conn:
            if read_only:
                conn = conn.execution_options(read_only=True)
            with conn.begin():
                yield conn

    @contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[Connection]:
        """One transaction for the store's companions in this package (:mod:`bot.store.jobs`), any database
        failure raised as :class:`StoreError`."""
        try:
            with self._begin(read_only=read_only) as conn:
                yield conn
        except StoreError:
            raise
        except (SQLAlchemyError, OSError) as exc:
            raise self._error(exc) from exc

    def insert(self, entity: type[Any]) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which has ON CONFLICT."""
        return self._insert(entity)

    def now(self) -> datetime:
        return self._now()

    @property
    def backend(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._backend

    def _error(self, exc: BaseException) -> StoreError:
        reason = str(exc.orig) if isinstance(exc, DBAPIError) else str(exc)
        reason = " ".join(reason.split()) or type(exc).__name__
        password = self._url.password
        if password:
            reason = reason.replace(str(password), "***")
        kind = type(exc.orig if isinstance(exc, DBAPIError) else exc).__name__
        return StoreError(f"database {self._url_for_logs}: {kind}: {reason[:500]}")

    def _insert(self, entity: type[Any]) -> postgresql.Insert | sqlite.Insert:
        """The dialect's INSERT, which has ON CONFLICT."""
        return postgresql.insert(entity) if self._backend == "postgresql" else sqlite.insert(entity)

    def _now(self) -> datetime:
        return datetime.now(UTC)

    @_guarded
    def migrate(self) -> None:
        """Upgrade the schema to the newest migration (``alembic upgrade head``); a no-op when current.

        Processes starting together are safe: PostgreSQL queues them on an advisory lock held for the
        upgrade's transaction; SQLite's write lock does the same (``BEGIN IMMEDIATE``), retried while
        another process holds it past the busy timeout.
        """
        # Imported here: Alembic is only needed when migrating (e.g. not by workers opened with migrate=False).
        from alembic import command
        from alembic.config import Config
        from alembic.util.exc import CommandError

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
        attempts = 5
        for attempt in range(attempts):
            try:
                # Alembic keeps its migration context in module globals: one migration at a time per process.
                with _ALEMBIC_LOCK, self._begin() as conn:
                    if self._backend == "postgresql":
                        conn.execute(select(func.pg_advisory_xact_lock(MIGRATION_LOCK_ID)))
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                return
            except CommandError as exc:  # e.g. the database is at a revision this code does not know
                raise self._error(exc) from exc
            except OperationalError as exc:
                if self._backend != "sqlite" or "locked" not in str(exc.orig) or attempt == attempts - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))
            finally:
                config.attributes.pop("connection", None)

    def close(self) -> None:
        """Close the pool's connections (the store can still reconnect if used again)."""
        self._engine.dispose()

    # -- exactly once -----------------------------------------------------------------------------------

    @_guarded
    def claim(self, channel: str, ts: str) -> bool:
        """True for the first claim of this message within ``claim_ttl``, False for every repeat, in any
        thread, process or host using this database.

        Bounded by expiry: each claim first removes expired claims, so the table holds at most the
        messages of the last ``claim_ttl`` seconds (no entry cap as in the old Dedupe).
        """
        now = self._now()
        key = f"{channel}:{ts}"
        # Other expired claims go in passing, skipping rows another claim is deleting (no lock waits, no
        # deadlocks); an expired claim of this very key is deleted for certain (waiting on that one row).
        expired = select(Claim.key).where(Claim.expires < now).with_for_update(skip_locked=True)
        stmt = self._insert(Claim).values(key=key, expires=now + timedelta(seconds=self.claim_ttl))
        with self._begin() as conn:
            conn.execute(delete(Claim).where(Claim.key.in_(expired)))
            conn.execute(delete(Claim).where(Claim.key == key, Claim.expires < now))
            return conn.execute(stmt.on_conflict_do_nothing(), execution_options=_ROWCOUNT).rowcount == 1

    @_guarded
    def advance(self, key: str, value: int) -> bool:
        """Move the counter ``key`` forward to ``value``: True for the one caller, in any process or host, that
        moved it (a later period of a schedule), False when it is already there or beyond."""
        start = self._insert(Meta).values(key=key, value="-1").on_conflict_do_nothing()
        forward = update(Meta).where(Meta.key == key, cast(Meta.value, BigInteger) < value).values(value=str(value))
        with self._begin() as conn:
            conn.execute(start)
            return conn.execute(forward).rowcount == 1

    @_guarded
    def follow_thread(self, channel: str, thread_ts: str) -> None:
        """Remember that the bot answered in this thread, for ``thread_ttl`` from now."""
        expires = self._now() + timedelta(seconds=self.thread_ttl)
        stmt = self._insert(Thread).values(channel=channel, thread_ts=thread_ts, expires=expires)
        stmt = stmt.on_conflict_do_update(
            index_elements=[Thread.channel, Thread.thread_ts], set_={"expires": stmt.excluded.expires}
        )
        with self._begin() as conn:
            conn.execute(stmt)

    @_guarded
    def mark_assistant_thread(self, channel: str, thread_ts: str) -> None:
        """Remember a thread of Slack's assistant panel (its DM replies are not the panel's otherwise)."""
        self.follow_thread(ASSISTANT_THREADS + channel, thread_ts)

    @_guarded
    def is_assistant_thread(self, channel: str, thread_ts: str) -> bool:
        return self.follows_thread(ASSISTANT_THREADS + channel, thread_ts)

    @_guarded
    def follows_thread(self, channel: str, thread_ts: str) -> bool:
        """Whether the bot answered in this thread within ``thread_ttl``."""
        query = select(Thread.channel).where(
            Thread.channel == channel, Thread.thread_ts == thread_ts, Thread.expires >= self._now()
        )
        with self._begin() as conn:
            return conn.execute(query).first() is not None

    # -- question log -----------------------------------------------------------------------------------

    @_guarded
    def record_answer(self, record: AnswerRecord) -> int:
        """Log one answer; returns its id (for the vote buttons and the reply's location)."""
        values = {
            "surface": record.surface,
            "question": record.question,
            "lang": record.lang,
            "declined": record.declined,
            "kind": record.kind,
            "documents": list(record.documents),
            "passages": list(record.passages),
            "topic": record.topic,
            "user_hash": record.user_hash,
            "asked_at": _utc(record.asked_at) if record.asked_at else self._now(),
        }
        with self._begin() as conn:
            key = conn.execute(insert(Answer).values(values)).inserted_primary_key
            if key is None:
                raise StoreError("the database returned no id for the new answer")
            return int(key[0])

    @_guarded
    def attach_reply(self, answer_id: int, channel: str, reply_ts: str) -> None:
        """Where the bot's reply to this answer is, so a reaction on it finds the answer."""
        with self._begin() as conn:
            conn.execute(update(Answer).where(Answer.id == answer_id).values(channel=channel, reply_ts=reply_ts))

    @_guarded
    def answer_by_id(self, answer_id: int) -> StoredAnswer | None:
        with self._begin() as conn:
            row = conn.execute(select(*Answer.__table__.c).where(Answer.id == answer_id)).first()
        return _to_answer(row) if row else None

    @_guarded
    def answer_for_reply(self, channel: str, reply_ts: str) -> StoredAnswer | None:
        """The answer the bot posted as this message, if it was logged."""
        query = select(*Answer.__table__.c).where(Answer.channel == channel, Answer.reply_ts == reply_ts)
        with self._begin() as conn:
            row = conn.execute(query).first()
        return _to_answer(row) if row else None

    # -- votes ------------------------------------------------------------------------------------------

    @_guarded
    def cast_vote(self, answer_id: int, user_hash: str, value: int, source: str) -> VoteOutcome:
        """One vote per (answer, person): a button click and a reaction of the same value are one vote.

        Switching the value replaces the vote (its source becomes this one, and its reason, which
        explained the old value, is cleared).
        """
        if value not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, not {value!r}")
        now = self._now()
        key = (Vote.answer_id == answer_id, Vote.user_hash == user_hash)
        try:
            with self._begin() as conn:
                if conn.execute(select(Answer.id).where(Answer.id == answer_id)).first() is None:
                    return VoteOutcome.UNKNOWN_ANSWER
                new = self._insert(Vote).values(
                    answer_id=answer_id, user_hash=user_hash, value=value, source=source, cast_at=now
                )
                if conn.execute(new.on_conflict_do_nothing(), execution_options=_ROWCOUNT).rowcount == 1:
                    return VoteOutcome.NEW
                change = (
                    update(Vote)
                    .where(*key, Vote.value != value)
                    .values(value=value, source=source, reason=None, cast_at=now)
                )
                if conn.execute(change).rowcount == 1:
                    return VoteOutcome.CHANGED
                if source == BUTTON:
                    # The same vote, now also clicked: the button shows it, so removing the reaction must
                    # not withdraw it.
                    conn.execute(update(Vote).where(*key).values(source=BUTTON))
                return VoteOutcome.UNCHANGED
        except IntegrityError:
            # The answer was pruned between the check and the insert (the foreign key refused the vote).
            return VoteOutcome.UNKNOWN_ANSWER

    @_guarded
    def retract_vote(self, answer_id: int, user_hash: str, value: int, source: str) -> bool:
        """Undo a vote when its reaction is removed: only if the vote is still that value from that source
        (a later button click, or the other reaction, stays)."""
        stmt = delete(Vote).where(
            Vote.answer_id == answer_id, Vote.user_hash == user_hash, Vote.value == value, Vote.source == source
        )
        with self._begin() as conn:
            return conn.execute(stmt).rowcount == 1

    @_guarded
    def add_reason(self, answer_id: int, user_hash: str, reason: str) -> bool:
        """Attach the person's explanation to their vote (trimmed to 2000 characters); False without a vote."""
        text = reason.strip()[:MAX_REASON_CHARS] or None
        stmt = update(Vote).where(Vote.answer_id == answer_id, Vote.user_hash == user_hash).values(reason=text)
        with self._begin() as conn:
            return conn.execute(stmt).rowcount == 1

    # -- reading, retention -----------------------------------------------------------------------------

    @_guarded
    def answers_since(self, since: datetime) -> list[StoredAnswer]:
        """Answers asked at or after ``since`` (naive = UTC), oldest first."""
        query = select(*Answer.__table__.c).where(Answer.asked_at >= _utc(since)).order_by(Answer.asked_at, Answer.id)
        with self._begin() as conn:
            return [_to_answer(row) for row in conn.execute(query)]

    @_guarded
    def votes_since(self, since: datetime) -> list[StoredVote]:
        """Votes cast (or last changed) at or after ``since`` (naive = UTC), oldest first."""
        query = (
            select(*Vote.__table__.c)
            .where(Vote.cast_at >= _utc(since))
            .order_by(Vote.cast_at, Vote.answer_id, Vote.user_hash)
        )
        with self._begin() as conn:
            return [_to_vote(row) for row in conn.execute(query)]

    @_guarded
    def prune(self, now: datetime | None = None) -> int:
        """Delete answers (with their votes) and votes older than ``retention_days`` (0 keeps them forever),
        and expired claims and threads. Returns the number of rows removed."""
        now = _utc(now) if now else self._now()
        removed = 0
        with self._begin() as conn:
            if self.retention_days > 0:
                cutoff = now - timedelta(days=self.retention_days)
                old = select(Answer.id).where(Answer.asked_at < cutoff)
                # Votes explicitly, not only by ON DELETE CASCADE: the count should include them.
                old_votes = delete(Vote).where(or_(Vote.answer_id.in_(old), Vote.cast_at < cutoff))
                removed += conn.execute(old_votes).rowcount
                removed += conn.execute(delete(Answer).where(Answer.asked_at < cutoff)).rowcount
            removed += conn.execute(delete(Claim).where(Claim.expires < now)).rowcount
            removed += conn.execute(delete(Thread).where(Thread.expires < now)).rowcount
        return removed

    # -- privacy ----------------------------------------------------------------------------------------

    @_guarded
    def hash_user(self, team_id: str | None, user_id: str) -> str:
        """A stable pseudonym for a Slack user: HMAC-SHA256 of ``team:user`` keyed with the salt, so raw ids
        are never stored and cannot be recovered by hashing candidate ids without the salt."""
        key = self._user_salt().encode()
        return hmac.new(key, f"{team_id or ''}:{user_id}".encode(), hashlib.sha256).hexdigest()

    def _user_salt(self) -> str:
        """``USER_HASH_SALT``, else this database's random salt, created by whichever process asks first."""
        if self._salt is None:
            with self._begin() as conn:
                conn.execute(
                    self._insert(Meta).values(key=SALT_KEY, value=secrets.token_hex(32)).on_conflict_do_nothing()
                )
                self._salt = conn.execute(select(Meta.value).where(Meta.key == SALT_KEY)).scalar_one()
        return self._salt


def _sqlite_connect(dbapi_conn: Any, _record: Any, *, wal: bool) -> None:
    """Per connection: SQLAlchemy emits BEGIN itself (see :func:`_sqlite_begin`); WAL so readers never block
    the writer; foreign keys on (SQLite's default is off)."""
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    try:
        if wal:
            # Workers starting together race to switch a new file to WAL, which can answer "locked"
            # at once instead of waiting on the busy timeout: retry for as long as that timeout.
            deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT
            while True:
                try:
                    cursor.execute("PRAGMA journal_mode=WAL")
                    break
                except Exception as exc:  # sqlite3.OperationalError; the driver module is not imported here
                    if "locked" not in str(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses at most the last commits
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    """Take the write lock when a transaction starts: a read that later writes could otherwise fail with
    "locked" at once instead of waiting its turn (and claims must be serialised anyway). A transaction opened
    ``read_only`` (:meth:`Store.transaction`) takes none: WAL readers never wait."""
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE")
