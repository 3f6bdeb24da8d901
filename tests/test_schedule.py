"""The scheduled sync runs once per period across hosts and restarts, and never again for a period a clock
jumped back to (bot/slack/schedule.py on the store's counters)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.slack.schedule import Schedule
from bot.store import Store


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_one_host_runs_each_period_and_a_restart_does_not_run_it_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    clock = Clock(10_000.0)
    ran: list[str] = []

    def task(name: str) -> Callable[[], bool]:
        return lambda: bool(ran.append(name)) or True

    hosts = [Schedule(Store(url), 60, task(name), clock=clock) for name in ("a", "b")]
    assert [host.tick() for host in hosts] == [True, False]
    assert [host.tick() for host in hosts] == [False, False]  # same period
    restarted = Schedule(Store(url), 60, task("a, restarted"), clock=clock)
    assert restarted.tick() is False
    clock.now += 60  # the next period: one of them runs it
    assert sorted(host.tick() for host in [*hosts, restarted]) == [False, False, True]
    clock.now -= 3600  # a clock that jumps back does not run an old period again
    assert not any(host.tick() for host in [*hosts, restarted])
    assert len(ran) == 2


def test_a_failing_task_is_logged_and_the_schedule_goes_on(tmp_path: Path) -> None:
    clock = Clock(0.0)

    def broken() -> bool:
        raise RuntimeError("git exploded")

    schedule = Schedule(Store(f"sqlite:///{tmp_path / 'bot.sqlite'}"), 60, broken, clock=clock)
    assert schedule.tick() is True
    clock.now += 60
    assert schedule.tick() is True
