"""Answer processes: ``serve`` starts ``ANSWER_PROCESSES`` of them beside the process that acks.

The acking process verifies, records and acknowledges; it never runs retrieval, so an ack never waits for
the GIL behind an answer. Each answer process loads the index, takes work from the store with its own
:class:`~bot.slack.runner.Runner` and posts the replies. They run at a lower CPU priority than the acking
process (``nice``), so on a busy machine acks still come first. A process that dies is started again; when
the acking process dies, its answer processes stop too (they watch it), and what they held is taken over by
another host once its leases run out.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from typing import TYPE_CHECKING

from bot.settings import BotOptions, SlackConfig, StoreSettings
from embeddings.config import Settings

if TYPE_CHECKING:
    from multiprocessing.context import SpawnProcess
    from multiprocessing.sharedctypes import Synchronized

logger = logging.getLogger(__name__)

NICENESS = 10
"""How much lower the answer processes' CPU priority is than the acking process's."""
RESTART_WAIT = 1.0


@dataclass(frozen=True)
class AnswerSettings:
    """What an answer process needs: every part plain data, so it crosses to a spawned process."""

    index: Settings
    slack: SlackConfig
    store: StoreSettings
    options: BotOptions


def answer_process(settings: AnswerSettings, ready: Event, passages: Synchronized[int]) -> None:
    """The body of one answer process: load, take work until the acking process goes away."""
    from bot.core.answerer import Answerer
    from bot.slack.app import RedactTokens, create_job_queue, create_web_client
    from bot.slack.delivery import Responder
    from bot.slack.listeners import work_handlers
    from bot.slack.metrics import Metrics
    from bot.slack.runner import Runner
    from bot.store import Store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactTokens())
    _exit_with_parent()
    try:
        os.nice(NICENESS)
    except OSError:
        logger.info("could not lower this answer process's priority")
    store = Store.from_settings(settings.store, migrate=False)  # the acking process migrated it
    answerer = Answerer.load(settings.index)  # the parent built one if none was; a sync may be writing the next
    answerer.warm_up()
    metrics = Metrics()
    metrics.observe_index(answerer.index)
    client = create_web_client(settings.slack.bot_token, settings.slack.api_url)
    jobs = create_job_queue(store, settings.slack)
    responder = Responder(answerer, store, jobs, settings.options, metrics=metrics)
    Runner(jobs, work_handlers(), responder, client, settings.slack.answer_workers).start()
    responder.watch_index(settings.index.index_dir)
    logger.info("answer process %d ready: %d passages", os.getpid(), len(answerer.index.passages))
    passages.value = len(answerer.index.passages)
    ready.set()
    threading.Event().wait()


def _exit_with_parent() -> None:
    """Leave at once when the acking process is gone (killed included): its host is going away."""
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


class AnswerProcesses:
    """``count`` answer processes, started again when one dies; :meth:`ready` once one has loaded."""

    def __init__(self, settings: AnswerSettings, count: int) -> None:
        self.settings, self.count = settings, count
        self._context = multiprocessing.get_context("spawn")  # no fork: the parent has threads (uvicorn, Bolt)
        self._ready = self._context.Event()
        self._passages: Synchronized[int] = self._context.Value("i", 0)
        self._processes: list[SpawnProcess] = []
        self._stopping = threading.Event()

    def start(self) -> AnswerProcesses:
        for number in range(self.count):
            self._processes.append(self._spawn(number))
        threading.Thread(target=self._watch, name="answer-processes", daemon=True).start()
        return self

    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def passages(self) -> int:
        """Passages in the index the answer processes loaded (0 before)."""
        return int(self._passages.value)

    def wait_ready(self, timeout: float | None = None) -> bool:
        return self._ready.wait(timeout)

    def stop(self) -> None:
        self._stopping.set()
        for process in self._processes:
            process.terminate()
        for process in self._processes:
            process.join(5)

    def _spawn(self, number: int) -> SpawnProcess:
        process = self._context.Process(target=answer_process, args=(self.settings, self._ready, self._passages),
                                        name=f"answer-process-{number}", daemon=True)
        process.start()
        logger.info("answer process %d started (pid %s)", number, process.pid)
        return process

    def _watch(self) -> None:
        from multiprocessing.connection import wait

        while not self._stopping.is_set():
            wait([process.sentinel for process in self._processes])
            if self._stopping.is_set():
                return
            for number, process in enumerate(self._processes):
                if not process.is_alive():
                    if self._stopping.wait(RESTART_WAIT):  # the host is stopping (a signal to the whole group)
                        return
                    logger.error("answer process %d exited (code %s); starting it again", number, process.exitcode)
                    self._processes[number] = self._spawn(number)
