"""The store on SQLite and on a real PostgreSQL server: claims, threads, the question log, votes,
retention, the user hash, failures, and exactly-once across processes."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import store_workers
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from bot.store import AnswerRecord, Store, StoredAnswer, StoreError, VoteOutcome
from bot.store.models import metadata
from bot.store.store import MIGRATIONS_DIR

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
RAW_USER = "U0RAWUSERID7"


def at(store: Store, when: datetime, monkeypatch: pytest.MonkeyPatch) -> None:
    """Set the store's clock (expiry and defaults are computed from it)."""
    monkeypatch.setattr(store, "_now", lambda: when)


def record(question: str = "When is IstioCon?", **changes: Any) -> AnswerRecord:
    fields: dict[str, Any] = {
        "surface": "mention",
        "question": question,
        "lang": "en",
        "declined": False,
        "kind": "passages",
        "documents": ("https://istio.io/a/", "https://istio.io/b/"),
        "passages": ("a#1", "b#3"),
        "topic": "Istio at KubeCon",
        "user_hash": "f" * 64,
        "asked_at": T0,
    }
    fields.update(changes)
    return AnswerRecord(**fields)


def database_text(url: str) -> str:
    """Everything in the database as text: every row of every table, and for SQLite the raw file bytes."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            parts = [
                repr(conn.execute(text(f'SELECT * FROM "{name}"')).all()) for name in inspect(conn).get_table_names()
            ]
    finally:
        engine.dispose()
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database:
        for path in Path(database).parent.glob(Path(database).name + "*"):  # the file, its -wal and -shm
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


# -- exactly once, followed threads -------------------------------------------------------------------------


def test_claim_once_per_message_until_the_ttl(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    at(store, T0, monkeypatch)
    assert store.claim("C1", "1700000000.000100")
    assert not store.claim("C1", "1700000000.000100")  # Slack's retry, or the second event type
    assert store.claim("C2", "1700000000.000100")  # same ts in another channel is another message
    assert store.claim("C1", "1700000000.000200")
    at(store, T0 + timedelta(seconds=store.claim_ttl - 1), monkeypatch)
    assert not store.claim("C1", "1700000000.000100")
    at(store, T0 + timedelta(seconds=store.claim_ttl + 1), monkeypatch)
    assert store.claim("C1", "1700000000.000100")  # expired: answered again, once
    assert not store.claim("C1", "1700000000.000100")


def test_expired_claims_are_removed_by_the_next_claim(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    at(store, T0, monkeypatch)
    for ts in range(5):
        store.claim("C", str(ts))
    at(store, T0 + timedelta(seconds=store.claim_ttl + 1), monkeypatch)
    store.claim("C", "new")
    assert store.prune() == 0  # nothing expired left over for prune


def test_claims_across_threads(store: Store) -> None:
    won: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for key in range(50):
            if store.claim("C", str(key)):
                with lock:
                    won.append(str(key))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won, key=int) == [str(key) for key in range(50)]


def test_followed_threads_expire_and_refresh(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    at(store, T0, monkeypatch)
    assert not store.follows_thread("C1", "1.1")
    store.follow_thread("C1", "1.1")
    assert store.follows_thread("C1", "1.1")
    assert not store.follows_thread("C2", "1.1")
    assert not store.follows_thread("C1", "1.2")
    at(store, T0 + timedelta(seconds=store.thread_ttl - 10), monkeypatch)
    assert store.follows_thread("C1", "1.1")
    store.follow_thread("C1", "1.1")  # answered again: remembered for another thread_ttl
    at(store, T0 + timedelta(seconds=store.thread_ttl + 10), monkeypatch)
    assert store.follows_thread("C1", "1.1")
    at(store, T0 + timedelta(seconds=2 * store.thread_ttl), monkeypatch)
    assert not store.follows_thread("C1", "1.1")


def test_in_memory_store_works_in_one_process() -> None:
    for url in (":memory:", "sqlite://"):
        with Store(url) as store:
            assert store.claim("C", "1")
            assert not store.claim("C", "1")
            answer_id = store.record_answer(record())
            assert store.answer_by_id(answer_id) is not None
            assert store.url_for_logs == "sqlite://"


# -- schema and migrations ----------------------------------------------------------------------------------


def head_revision() -> str:
    """The newest migration in bot/store/migrations."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return str(ScriptDirectory.from_config(config).get_current_head())


def test_migrate_twice_is_a_no_op(store_url: str) -> None:
    with Store(store_url) as store:
        answer_id = store.record_answer(record())
        store.migrate()
    with Store(store_url) as again:  # a restart migrates once more
        assert again.answer_by_id(answer_id) is not None
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(store: Store, store_url: str) -> None:
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            assert compare_metadata(context, metadata) == []
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert tables == {"alembic_version", "claims", "threads", "answers", "votes", "meta", "jobs", "subscriptions",
                      "notices", "notice_deliveries"}


# -- question log -------------------------------------------------------------------------------------------


def test_answer_round_trip(store: Store) -> None:
    eastern = timezone(timedelta(hours=-5))
    asked = datetime(2025, 3, 1, 7, 30, 15, 123456, tzinfo=eastern)
    answer_id = store.record_answer(record(asked_at=asked, lang="pt-br", question="Quando é o IstioCon? 你好"))
    other_id = store.record_answer(record(declined=True, kind="none", documents=(), passages=(), topic=None))
    assert other_id != answer_id

    stored = store.answer_by_id(answer_id)
    assert stored == StoredAnswer(
        id=answer_id,
        surface="mention",
        question="Quando é o IstioCon? 你好",
        lang="pt-br",
        declined=False,
        kind="passages",
        documents=("https://istio.io/a/", "https://istio.io/b/"),
        passages=("a#1", "b#3"),
        topic="Istio at KubeCon",
        user_hash="f" * 64,
        asked_at=datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        channel=None,
        reply_ts=None,
    )
    assert stored.asked_at.tzinfo == UTC

    assert store.answer_for_reply("C1", "1700000000.000300") is None
    store.attach_reply(answer_id, "C1", "1700000000.000300")
    by_reply = store.answer_for_reply("C1", "1700000000.000300")
    assert by_reply is not None
    assert (by_reply.id, by_reply.channel, by_reply.reply_ts) == (answer_id, "C1", "1700000000.000300")
    assert store.answer_for_reply("C2", "1700000000.000300") is None

    declined = store.answer_by_id(other_id)
    assert declined is not None
    assert (declined.declined, declined.documents, declined.passages, declined.topic) == (True, (), (), None)
    assert store.answer_by_id(10_000) is None


def test_answer_time_defaults_to_now(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    at(store, T0, monkeypatch)
    stored = store.answer_by_id(store.record_answer(record(asked_at=None)))
    assert stored is not None
    assert stored.asked_at == T0


# -- votes --------------------------------------------------------------------------------------------------


def test_one_vote_per_person_and_answer(store: Store) -> None:
    answer_id = store.record_answer(record())
    alice, bob = store.hash_user("T1", "UALICE"), store.hash_user("T1", "UBOB")
    assert store.cast_vote(answer_id, alice, 1, "button") is VoteOutcome.NEW
    assert store.cast_vote(answer_id, alice, 1, "button") is VoteOutcome.UNCHANGED
    assert store.cast_vote(answer_id, alice, -1, "button") is VoteOutcome.CHANGED
    assert store.cast_vote(answer_id, alice, -1, "reaction") is VoteOutcome.UNCHANGED  # click + reaction: one vote
    assert store.cast_vote(answer_id, bob, 1, "reaction") is VoteOutcome.NEW
    votes = {vote.user_hash: vote for vote in store.votes_since(T0 - timedelta(days=1))}
    assert set(votes) == {alice, bob}
    assert (votes[alice].value, votes[alice].source) == (-1, "button")
    assert (votes[bob].value, votes[bob].source) == (1, "reaction")
    with pytest.raises(ValueError):
        store.cast_vote(answer_id, alice, 2, "button")


def test_vote_on_unknown_answer_stores_nothing(store: Store) -> None:
    assert store.cast_vote(424242, "a" * 64, 1, "button") is VoteOutcome.UNKNOWN_ANSWER
    assert store.votes_since(datetime(2000, 1, 1, tzinfo=UTC)) == []


def test_retract_removes_only_the_matching_vote(store: Store) -> None:
    answer_id = store.record_answer(record())
    user = store.hash_user("T1", "U1")
    store.cast_vote(answer_id, user, 1, "button")
    assert not store.retract_vote(answer_id, user, 1, "reaction")  # the button vote stays
    assert not store.retract_vote(answer_id, user, -1, "button")
    assert len(store.votes_since(datetime(2000, 1, 1))) == 1
    assert store.retract_vote(answer_id, user, 1, "button")
    assert store.votes_since(datetime(2000, 1, 1)) == []
    store.cast_vote(answer_id, user, -1, "reaction")
    assert store.retract_vote(answer_id, user, -1, "reaction")
    assert not store.retract_vote(answer_id, user, -1, "reaction")


def test_a_click_after_the_matching_reaction_survives_removing_the_reaction(store: Store) -> None:
    answer_id = store.record_answer(record())
    user = store.hash_user(None, "U1")
    assert store.cast_vote(answer_id, user, 1, "reaction") is VoteOutcome.NEW
    assert store.cast_vote(answer_id, user, 1, "button") is VoteOutcome.UNCHANGED  # one vote, now shown by the button
    assert not store.retract_vote(answer_id, user, 1, "reaction")
    [vote] = store.votes_since(datetime(2000, 1, 1))
    assert (vote.value, vote.source) == (1, "button")


def test_assistant_threads_are_kept_apart_from_followed_threads(store: Store) -> None:
    store.mark_assistant_thread("D1", "1.1")
    assert store.is_assistant_thread("D1", "1.1")
    assert not store.follows_thread("D1", "1.1")
    store.follow_thread("D1", "2.2")
    assert not store.is_assistant_thread("D1", "2.2")


def test_reason_on_a_vote(store: Store) -> None:
    answer_id = store.record_answer(record())
    user = store.hash_user(None, "U1")
    assert not store.add_reason(answer_id, user, "no vote yet")
    store.cast_vote(answer_id, user, -1, "button")
    assert store.add_reason(answer_id, user, "  wrong date  ")
    assert store.votes_since(datetime(2000, 1, 1))[0].reason == "wrong date"
    assert store.add_reason(answer_id, user, "x" * 5000)
    assert store.votes_since(datetime(2000, 1, 1))[0].reason == "x" * 2000
    store.cast_vote(answer_id, user, 1, "button")  # the reason explained the old value
    assert store.votes_since(datetime(2000, 1, 1))[0].reason is None


def test_reading_since_a_time(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    late = store.record_answer(record("late", asked_at=T0 + timedelta(hours=2)))
    early = store.record_answer(record("early", asked_at=T0 - timedelta(hours=2)))
    middle = store.record_answer(record("middle", asked_at=T0 + timedelta(hours=1)))
    assert [a.id for a in store.answers_since(T0)] == [middle, late]
    assert [a.id for a in store.answers_since(T0 - timedelta(days=1))] == [early, middle, late]
    assert [a.id for a in store.answers_since(T0.replace(tzinfo=None))] == [middle, late]  # naive = UTC

    user = store.hash_user("T", "U")
    at(store, T0 - timedelta(hours=1), monkeypatch)
    store.cast_vote(early, user, 1, "button")
    at(store, T0 + timedelta(hours=3), monkeypatch)
    store.cast_vote(late, user, -1, "reaction")
    votes = store.votes_since(T0)
    assert [(v.answer_id, v.value, v.cast_at) for v in votes] == [(late, -1, T0 + timedelta(hours=3))]
    assert len(store.votes_since(T0 - timedelta(days=1))) == 2


# -- retention ----------------------------------------------------------------------------------------------


def test_prune_by_retention(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store(store_url, retention_days=30) as store:
        old = store.record_answer(record("old", asked_at=T0 - timedelta(days=31)))
        recent = store.record_answer(record("recent", asked_at=T0 - timedelta(days=29)))
        user = store.hash_user("T", "U")
        at(store, T0 - timedelta(days=30, hours=12), monkeypatch)
        store.cast_vote(old, user, -1, "button")
        at(store, T0, monkeypatch)
        store.cast_vote(recent, user, 1, "button")
        store.claim("C", "1")  # still valid at T0: kept
        assert store.prune(T0) == 2  # the old answer and its vote
        assert store.answer_by_id(old) is None
        assert store.answer_by_id(recent) is not None
        assert [v.answer_id for v in store.votes_since(datetime(2000, 1, 1))] == [recent]
        assert store.cast_vote(old, user, 1, "button") is VoteOutcome.UNKNOWN_ANSWER
        assert not store.claim("C", "1")


def test_prune_removes_expired_claims_and_threads(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    at(store, T0, monkeypatch)
    store.claim("C", "1")
    store.follow_thread("C", "1")
    assert store.prune(T0) == 0
    assert store.prune(T0 + timedelta(seconds=store.thread_ttl + 1)) == 2


def test_zero_retention_keeps_answers_forever(store_url: str) -> None:
    with Store(store_url, retention_days=0) as store:
        ancient = store.record_answer(record(asked_at=datetime(2001, 1, 1, tzinfo=UTC)))
        store.cast_vote(ancient, "b" * 64, 1, "button")
        assert store.prune() == 0
        assert store.answer_by_id(ancient) is not None
        assert len(store.votes_since(datetime(2000, 1, 1))) == 1


# -- privacy ------------------------------------------------------------------------------------------------


def test_user_hash_is_salted_per_database(store_url: str, tmp_path: Path) -> None:
    with Store(store_url) as store:
        hashed = store.hash_user("T0TEAM", RAW_USER)
        assert len(hashed) == 64 and int(hashed, 16) >= 0
        assert RAW_USER not in hashed and RAW_USER.lower() not in hashed
        assert hashed != store.hash_user("T0OTHER", RAW_USER)
        assert hashed != store.hash_user("T0TEAM", "U0SOMEONEELSE")
        answer_id = store.record_answer(record(user_hash=hashed))
        store.cast_vote(answer_id, hashed, -1, "reaction")
        store.add_reason(answer_id, hashed, "a reason")
    with Store(store_url) as reopened:  # another process later: the same salt from `meta`
        assert reopened.hash_user("T0TEAM", RAW_USER) == hashed
    with Store(store_url, salt="configured-salt") as salted:
        assert salted.hash_user("T0TEAM", RAW_USER) != hashed
    with Store(f"sqlite:///{tmp_path / 'other.sqlite'}") as other:  # another database, another random salt
        assert other.hash_user("T0TEAM", RAW_USER) != hashed
    dump = database_text(store_url)
    assert hashed in dump
    assert RAW_USER not in dump and "T0TEAM" not in dump


# -- failures -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_unreachable_database_raises_store_error(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql":
        import socket

        with socket.socket() as sock:  # a port nobody listens on
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        url = f"postgresql+psycopg://bot:s3cret-pw@127.0.0.1:{port}/bot"
        shown = f"postgresql+psycopg://bot:***@127.0.0.1:{port}/bot"
    else:
        blocker = tmp_path / "a-file"
        blocker.write_text("not a directory")
        url = f"sqlite:///{blocker}/sub/bot.sqlite"  # the directory cannot be created, even by root
        shown = url
    with pytest.raises(StoreError) as caught:
        Store(url)
    message = str(caught.value)
    assert shown in message and "s3cret-pw" not in message and "\n" not in message
    assert ("refused" in message) if backend == "postgresql" else ("Not a directory" in message)

    if backend == "postgresql":  # opened without migrating: every method fails the same way
        store = Store(url, migrate=False)
        assert store.url_for_logs == shown
        calls: list[Callable[[], object]] = [
            store.migrate,
            lambda: store.claim("C", "1"),
            lambda: store.follow_thread("C", "1"),
            lambda: store.follows_thread("C", "1"),
            lambda: store.record_answer(record()),
            lambda: store.attach_reply(1, "C", "1"),
            lambda: store.answer_by_id(1),
            lambda: store.answer_for_reply("C", "1"),
            lambda: store.cast_vote(1, "a" * 64, 1, "button"),
            lambda: store.retract_vote(1, "a" * 64, 1, "button"),
            lambda: store.add_reason(1, "a" * 64, "why"),
            lambda: store.answers_since(T0),
            lambda: store.votes_since(T0),
            store.prune,
            lambda: store.hash_user("T", "U"),
        ]
        for call in calls:
            with pytest.raises(StoreError, match="refused") as failed:
                call()
            assert "s3cret-pw" not in str(failed.value)
        store.close()


def test_a_malformed_url_raises_store_error() -> None:
    with pytest.raises(StoreError, match="not a valid"):
        Store("not a url at all")


# -- several processes --------------------------------------------------------------------------------------

PROCESSES = 4


def _run_processes(target: Callable[..., None], args: list[tuple[Any, ...]]) -> list[Any]:
    """One spawned process per ``args`` (fresh interpreters, as separate workers would be), released
    together by a barrier; returns what each reported."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(len(args)), context.Queue()
    processes = [context.Process(target=target, args=(barrier, results, *each)) for each in args]
    for process in processes:
        process.start()
    try:
        reports = [results.get(timeout=90) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    errors = [detail for status, detail in reports if status != "ok"]
    assert not errors, errors
    return [detail for _, detail in reports]


def test_exactly_once_across_processes(store: Store, store_url: str) -> None:
    won = _run_processes(store_workers.claim_keys, [(store_url, seed) for seed in range(PROCESSES)])
    counts = Counter(key for keys in won for key in keys)
    assert counts == Counter({str(key): 1 for key in range(store_workers.KEYS)})  # every key won, and only once


def test_processes_migrating_a_fresh_database_together(store_url: str) -> None:
    outcomes = _run_processes(store_workers.open_and_migrate, [(store_url,), (store_url,)])
    assert sorted(outcomes) == [False, True]  # both migrated, then exactly one claim won
    with Store(store_url) as store:
        assert not store.claim("C", "after-migrate")


def test_stores_of_several_databases_opened_in_threads_at_once_all_migrate(tmp_path: Path) -> None:
    """Alembic's migration context is process-global: stores of different databases opening together in
    one process (a server's loader thread and another) must not tear it down under each other."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_one(number: int) -> None:
        try:
            barrier.wait(timeout=10)
            Store(f"sqlite:///{tmp_path / f'db{number}.sqlite'}").close()
        except BaseException as exc:  # collected, and reported by the assertion below
            errors.append(exc)

    for _ in range(3):
        threads = [threading.Thread(target=open_one, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
