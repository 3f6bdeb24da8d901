"""The answer pool: askers take turns, one asker's backlog never blocks another's question."""

from __future__ import annotations

import threading
import time

from bot.slack.answer_pool import AnswerPool


def wait_until(condition, timeout: float = 60.0) -> None:  # bounds a hang only
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_askers_take_turns_and_one_backlog_does_not_block_others() -> None:
    pool = AnswerPool(workers=2, per_asker=1)
    gate = threading.Event()
    done: list[str] = []
    try:
        for n in range(5):
            pool.submit("hog", lambda n=n: (gate.wait(120), done.append(f"hog{n}")))
        pool.submit("ana", lambda: done.append("ana"))
        pool.submit("bob", lambda: done.append("bob"))
        # one thread holds hog's first question; the other serves ana and bob, not hog's backlog
        wait_until(lambda: {"ana", "bob"} <= set(done))
        assert not any(item.startswith("hog") for item in done)
        gate.set()
        wait_until(lambda: len(done) == 7)
        assert [item for item in done if item.startswith("hog")] == [f"hog{n}" for n in range(5)]  # in order
    finally:
        gate.set()
        pool.close()


def test_one_asker_never_runs_more_than_its_share_at_once() -> None:
    pool = AnswerPool(workers=4, per_asker=1)
    running, peak, lock = [0], [0], threading.Lock()

    def work() -> None:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1

    try:
        for _ in range(6):
            pool.submit("same", work)
        wait_until(lambda: pool.waiting() == 0 and running[0] == 0)
        assert peak[0] == 1
    finally:
        pool.close()


def test_a_flood_from_one_asker_is_capped_and_failures_do_not_stop_the_pool() -> None:
    pool = AnswerPool(workers=1, per_asker=1, max_waiting=3)
    gate = threading.Event()
    done: list[int] = []
    try:
        assert pool.submit("hog", lambda: gate.wait(10))
        wait_until(lambda: pool.waiting() == 0)  # the first one is running
        accepted = [pool.submit("hog", lambda n=n: done.append(n)) for n in range(5)]
        assert accepted == [True, True, True, False, False]
        assert pool.submit("ana", lambda: 1 / 0)  # raises: logged, the thread goes on
        gate.set()
        wait_until(lambda: len(done) == 3)
        assert pool.submit("ana", lambda: done.append(99))
        wait_until(lambda: 99 in done)
    finally:
        gate.set()
        pool.close()


def test_wait_times_are_reported() -> None:
    waits: list[float] = []
    pool = AnswerPool(workers=1, on_wait=waits.append)
    try:
        pool.submit("a", lambda: None)
        wait_until(lambda: len(waits) == 1)
        assert waits[0] >= 0
    finally:
        pool.close()
