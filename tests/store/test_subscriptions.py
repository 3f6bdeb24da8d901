"""Subscriptions and notices on SQLite and on a real PostgreSQL server: a channel gets only what is recorded
after it subscribed, each notice is recorded once and taken once per channel across two stores (two hosts) on
one database, a silenced notice is never taken, and a notice given back is pending again."""

from __future__ import annotations

import threading
from collections import Counter

from bot.store import Store
from bot.store.subscriptions import Subscriptions


def test_subscribe_update_and_unsubscribe(store: Store) -> None:
    subs = Subscriptions(store)
    assert subs.subscribe("C1", "es", "a" * 64)
    assert not subs.subscribe("C1", "zh", "b" * 64)  # already subscribed: the language changes
    assert [(s.channel, s.lang) for s in subs.subscribers()] == [("C1", "zh")]
    assert subs.subscriber("C2") is None
    assert subs.unsubscribe("C1") and not subs.unsubscribe("C1")
    assert subs.subscribers() == []


def test_a_channel_gets_only_notices_recorded_after_it_subscribed(store: Store) -> None:
    subs = Subscriptions(store)
    subs.subscribe("C-old", "en", None)
    assert subs.record("event:old", "new_event", {"n": 1})
    subs.subscribe("C-new", "es", None)
    assert subs.record("event:new", "new_event", {"n": 2})
    assert not subs.record("event:new", "new_event", {"n": 3})  # known: recorded once
    pending = [(notice.key, sub.channel, notice.payload) for notice, sub in subs.pending()]
    assert pending == [("event:old", "C-old", {"n": 1}), ("event:new", "C-new", {"n": 2}),
                       ("event:new", "C-old", {"n": 2})]


def test_taken_once_per_channel_across_two_stores_on_one_database(store: Store, store_url: str) -> None:
    """Two hosts (two stores) race to take every notice for every channel: each pair is taken exactly once."""
    subs = Subscriptions(store)
    for channel in ("C1", "C2", "C3"):
        subs.subscribe(channel, "en", None)
    for number in range(20):
        subs.record(f"event:{number}", "new_event", {"n": number})
    with Store(store_url, migrate=False) as other:
        hosts = [Subscriptions(store), Subscriptions(other)]
        won: list[tuple[int, str]] = []
        lock = threading.Lock()

        def run(host: Subscriptions) -> None:
            for notice, sub in host.pending():
                if host.take(notice.id, sub.channel):
                    with lock:
                        won.append((notice.id, sub.channel))
                    host.posted(notice.id, sub.channel, "1.0")

        threads = [threading.Thread(target=run, args=(host,)) for host in hosts * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(won) == 60 and set(Counter(won).values()) == {1}
    assert subs.pending() == []
    assert subs.deliveries("event:3") == {"C1": "posted", "C2": "posted", "C3": "posted"}


def test_a_silenced_notice_is_never_taken(store: Store) -> None:
    subs = Subscriptions(store)
    subs.subscribe("C1", "en", None)
    subs.subscribe("C2", "en", None)
    subs.record("reminder:x:7d", "reminder_7d", {"n": 1})
    (first, sub), _ = subs.pending()
    assert subs.take(first.id, sub.channel)  # C1 got it; C2 not yet
    subs.silence("reminder:x:7d", "reminder_7d")  # the 1-day reminder is due: the 7-day one is stale
    assert subs.pending() == [] and not subs.take(first.id, "C2")
    subs.silence("reminder:y:7d", "reminder_7d")  # never recorded: recorded quiet, so it cannot be later
    assert not subs.record("reminder:y:7d", "reminder_7d", {"n": 2}) and subs.pending() == []


def test_a_notice_given_back_is_pending_again(store: Store) -> None:
    subs = Subscriptions(store)
    subs.subscribe("C1", "en", None)
    subs.record("event:a", "new_event", {"n": 1})
    ((notice, _),) = subs.pending()
    assert subs.take(notice.id, "C1") and subs.pending() == []
    subs.give_back(notice.id, "C1")  # Slack could not be reached
    assert [n.key for n, _ in subs.pending()] == ["event:a"]
    assert subs.take(notice.id, "C1")
    subs.failed(notice.id, "C1", "not_in_channel")  # refused for good: not retried
    assert subs.pending() == [] and subs.deliveries("event:a") == {"C1": "not_in_channel"}


def test_who_subscribed_is_stored_as_a_hash_only(store: Store, store_url: str) -> None:
    from test_store import RAW_USER, database_text

    subs = Subscriptions(store)
    subs.subscribe("C1", "en", store.hash_user(None, RAW_USER))
    assert RAW_USER not in database_text(store_url)
