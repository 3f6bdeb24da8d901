"""What ``serve`` does on a clock: sync from the sources every ``SYNC_INTERVAL``, on one host.

Every host runs a :class:`Schedule`; at each period, the one host that moves the store's counter to that
period (:meth:`bot.store.Store.advance`, exactly once across hosts and restarts) runs
``istio-events-bot sync`` as a child process at a lower CPU priority (fetching with git and embedding
changed passages must not slow the acks). The sync writes a new index build; every answering process swaps
to it within seconds (:mod:`bot.slack.reload`), so no host restarts. A sync that fails leaves ``docs/`` and
the index as they were (``embeddings/sources.py``); its outcome, like every sync's, is in
``CACHE_DIR/sync-status.json``, which ``/metrics`` reads.

Several hosts that should serve the same new build share ``CACHE_DIR`` and the index directory (a volume
they all mount); a single host needs nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.store import Store, StoreError

if TYPE_CHECKING:
    from slack_sdk import WebClient

logger = logging.getLogger(__name__)

SYNC_TIMEOUT = 1800.0
"""Seconds a scheduled sync may run before it is stopped."""
NICENESS = 10
SYNC_KEY = "schedule:sync"
REMIND_KEY = "schedule:remind"
DAY = 24 * 3600.0


def run_cli_sync(arguments: Sequence[str], timeout: float = SYNC_TIMEOUT) -> bool:
    """``istio-events-bot <arguments>`` (a sync) as a child process, at lower priority; True when it succeeded.
    Its output goes to this process's log; the environment (and so every setting) is this process's."""
    command = [sys.executable, "-m", "bot.cli", *arguments]
    try:
        done = subprocess.run(command, timeout=timeout, capture_output=True, text=True, check=False,
                              preexec_fn=lambda: os.nice(NICENESS))
    except subprocess.TimeoutExpired:
        logger.error("scheduled sync stopped after %.0f s", timeout)
        return False
    last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
    if done.returncode != 0:
        logger.error("scheduled sync failed (exit %d): %s", done.returncode, last[0][:300])
        return False
    logger.info("scheduled sync done: %s", (done.stdout.strip().splitlines()[-1:] or ["nothing changed"])[0][:300])
    return True


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def sync_and_announce(
    store: Store, client: WebClient, index_dir: Path, arguments: Sequence[str],
    today: Callable[[], dt.date] = utc_today,
) -> bool:
    """The scheduled sync, then the announcements of what it brought to subscribed channels (new events,
    recaps, recordings: :func:`bot.slack.announce.announce_after_sync`), comparing the live build's catalogue
    before and after."""
    from bot.slack.announce import announce_after_sync
    from embeddings.index import current_events

    before = current_events(index_dir)
    if not run_cli_sync(arguments):
        return False
    after = current_events(index_dir)
    outcome = announce_after_sync(store, client, before, after, today())
    logger.info("announcements after the sync: %s", vars(outcome))
    return True


def remind_today(
    store: Store, client: WebClient, index_dir: Path, today: Callable[[], dt.date] = utc_today
) -> bool:
    """The day's reminders (a week and a day before events, before CFPs close) in subscribed channels."""
    from bot.slack.announce import remind
    from embeddings.index import current_events

    outcome = remind(store, client, current_events(index_dir), today())
    logger.info("reminders: %s", vars(outcome))
    return True


class Schedule:
    """Runs ``task`` once per ``interval`` seconds across every host sharing ``store`` (``key`` names the
    schedule's counter in the store)."""

    def __init__(
        self, store: Store, interval: float, task: Callable[[], bool], *, key: str = SYNC_KEY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store, self.interval, self.task, self.clock, self.key = store, interval, task, clock, key
        self._stop = threading.Event()

    def period(self) -> int:
        return int(self.clock() // self.interval)

    def tick(self) -> bool:
        """Run the task if no host has run it in this period yet; True when this host ran it."""
        period = self.period()
        try:
            if not self.store.advance(self.key, period):
                return False
        except StoreError as exc:
            logger.warning("could not claim the scheduled sync (%s); next period", exc)
            return False
        logger.info("%s: period %d runs here", self.key, period)
        try:
            self.task()
        except Exception:
            logger.exception("%s raised", self.key)
        return True

    def start(self) -> Schedule:
        threading.Thread(target=self._loop, name="schedule", daemon=True).start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.tick()
            until_next = (self.period() + 1) * self.interval - self.clock()
            self._stop.wait(min(max(until_next, 1.0), 60.0))  # wake at least each minute: clocks jump
