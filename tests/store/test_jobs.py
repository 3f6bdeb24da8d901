"""The queue of accepted work (bot/store/jobs.py), on SQLite and a real PostgreSQL: exactly once, leases that
run out, one answer in progress per asker, floods, sealed payloads."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.store import Store
from bot.store.jobs import Accepted, JobQueue, Sealer
from bot.store.models import Job

SECRET = "test-signing-secret"


@pytest.fixture
def jobs(store: Store) -> JobQueue:
    return JobQueue(store, Sealer(SECRET), lease=30, max_waiting=3)


def later(store: Store, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Set the store's clock ``seconds`` after the real now (what a dead host's lease sees)."""
    now = datetime.now(UTC) + timedelta(seconds=seconds)
    monkeypatch.setattr(store, "_now", lambda: now)


def test_a_key_is_accepted_once_and_taken_once(jobs: JobQueue) -> None:
    assert jobs.accept("msg:C1:1", "reply", {"question": "when?"}, "ana").outcome is Accepted.QUEUED
    assert jobs.accept("msg:C1:1", "reply", {"question": "when?"}, "ana").outcome is Accepted.DUPLICATE
    taken = jobs.take("host-a")
    assert taken is not None and taken.payload == {"question": "when?"} and taken.attempt == 1
    assert jobs.take("host-b") is None  # held by host-a
    jobs.finish(taken.id, "host-a")
    assert jobs.take("host-b") is None and jobs.pending() == 0
    # a retry of the same event after it was answered is still a duplicate
    assert jobs.accept("msg:C1:1", "reply", {"question": "when?"}, "ana").outcome is Accepted.DUPLICATE


def test_a_dead_takers_job_is_taken_again_when_its_lease_runs_out(
    jobs: JobQueue, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs.accept("msg:C1:2", "reply", {"n": 2}, "ana")
    first = jobs.take("host-a")
    assert first is not None
    assert jobs.take("host-b") is None
    later(store, monkeypatch, jobs.lease + 1)  # host-a died: nobody renewed
    again = jobs.take("host-b")
    assert again is not None and again.id == first.id and again.attempt == 2
    assert not jobs.renew(first.id, "host-a")  # host-a's lease is gone
    assert jobs.renew(again.id, "host-b")


def test_renewing_keeps_the_job(jobs: JobQueue, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs.accept("msg:C1:3", "reply", {}, "ana")
    taken = jobs.take("host-a")
    assert taken is not None
    later(store, monkeypatch, jobs.lease * 2 / 3)
    assert jobs.renew(taken.id, "host-a")
    later(store, monkeypatch, jobs.lease * 4 / 3)  # past the first lease, within the renewed one
    assert jobs.take("host-b") is None


def test_a_job_that_kills_every_taker_is_given_up(
    jobs: JobQueue, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs.accept("msg:C1:4", "reply", {}, "ana")
    for attempt in range(1, jobs.max_attempts + 1):
        later(store, monkeypatch, (jobs.lease + 1) * attempt)
        taken = jobs.take(f"host-{attempt}")
        assert taken is not None and taken.attempt == attempt
    later(store, monkeypatch, (jobs.lease + 1) * (jobs.max_attempts + 1))
    assert jobs.take("host-last") is None
    assert jobs.pending() == 0


def test_one_job_in_progress_per_asker_and_others_go_first(jobs: JobQueue) -> None:
    for n in range(3):
        jobs.accept(f"msg:hog:{n}", "reply", {"n": n}, "hog")
    jobs.accept("msg:ana:0", "reply", {"n": "ana"}, "ana")
    first = jobs.take("t1")
    assert first is not None and first.key == "msg:hog:0"
    second = jobs.take("t2")
    assert second is not None and second.key == "msg:ana:0"  # hog has one in progress
    assert jobs.take("t3") is None  # hog's next waits for their first
    jobs.finish(first.id, "t1")
    third = jobs.take("t3")
    assert third is not None and third.key == "msg:hog:1"  # in the order asked


def test_a_flood_is_refused_past_max_waiting_with_one_key_per_flood(jobs: JobQueue) -> None:
    outcomes = [jobs.accept(f"msg:hog:{n}", "reply", {}, "hog") for n in range(6)]
    assert [o.outcome for o in outcomes[:3]] == [Accepted.QUEUED] * 3
    flooded = outcomes[3:]
    assert {o.outcome for o in flooded} == {Accepted.FLOODED}
    assert len({o.flood_key for o in flooded}) == 1
    note = flooded[0].flood_key
    assert note is not None
    assert jobs.accept(note, "flood_note", {}).outcome is Accepted.QUEUED
    assert jobs.accept(note, "flood_note", {}).outcome is Accepted.DUPLICATE  # once per flood
    # the asker's queue drains: a later flood has another key
    while (taken := jobs.take("t")) is not None:
        jobs.finish(taken.id, "t")
    for n in range(6, 9):
        jobs.accept(f"msg:hog:{n}", "reply", {}, "hog")
    again = jobs.accept("msg:hog:9", "reply", {}, "hog")
    assert again.outcome is Accepted.FLOODED and again.flood_key != note


def test_payloads_are_sealed_and_erased_when_done(jobs: JobQueue, store: Store) -> None:
    jobs.accept("cmd:1", "command", {"user_id": "U0SECRET", "response_url": "https://hooks.slack.com/x"}, "h")
    with store.transaction() as conn:
        stored = conn.execute(select(Job.payload)).scalar_one()
    assert "U0SECRET" not in stored and "hooks.slack.com" not in stored
    taken = jobs.take("t")
    assert taken is not None and taken.payload["user_id"] == "U0SECRET"
    jobs.finish(taken.id, "t")
    with store.transaction() as conn:
        assert conn.execute(select(Job.payload)).scalar_one() is None


def test_a_payload_sealed_under_another_secret_is_dropped_not_retried(jobs: JobQueue, store: Store) -> None:
    JobQueue(store, Sealer("a rotated secret")).accept("msg:C9:1", "reply", {}, "ana")
    assert jobs.take("t") is None
    assert jobs.pending() == 0


def test_done_jobs_are_pruned_after_the_dedupe_window(
    jobs: JobQueue, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    jobs.accept("msg:C1:5", "reply", {}, "ana")
    taken = jobs.take("t")
    assert taken is not None
    jobs.finish(taken.id, "t")
    assert jobs.prune() == 0
    later(store, monkeypatch, store.claim_ttl + 1)
    assert jobs.prune() == 1


def test_takers_in_threads_take_each_job_once(store: Store) -> None:
    jobs = JobQueue(store, Sealer(SECRET), max_waiting=100)
    for n in range(60):
        jobs.accept(f"msg:C:{n}", "reply", {"n": n}, f"asker-{n % 7}")
    taken: list[int] = []
    lock = threading.Lock()

    def take_all(owner: str) -> None:
        while (job := jobs.take(owner)) is not None or jobs.pending():
            if job is None:
                continue
            with lock:
                taken.append(job.payload["n"])
            jobs.finish(job.id, owner)

    threads = [threading.Thread(target=take_all, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == list(range(60))


def test_accepts_from_many_threads_are_committed_together_each_key_once(store: Store) -> None:
    jobs = JobQueue(store, Sealer(SECRET), max_waiting=1000)
    results: list[tuple[str, Accepted]] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def offer(thread: int) -> None:
        start.wait()
        for n in range(40):
            key = f"msg:C:{n}"  # every thread offers the same 40 keys, as Slack's retries and double events do
            outcome = jobs.accept(key, "reply", {"n": n, "from": thread}, f"asker-{n % 5}").outcome
            with lock:
                results.append((key, outcome))

    threads = [threading.Thread(target=offer, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queued = [key for key, outcome in results if outcome is Accepted.QUEUED]
    assert sorted(queued) == sorted(f"msg:C:{n}" for n in range(40))  # each key queued exactly once
    assert jobs.pending() == 40
