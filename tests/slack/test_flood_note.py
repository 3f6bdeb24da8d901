"""Floods get one polite note: a person whose questions are dropped (too many waiting) is told once per flood,
in their language, where they asked; others are still answered, and dropped questions are not logged."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_apps import ADMIN_USER
from slack_harness import BOT_TOKEN, SIGNING_SECRET, BotServer, mention

from bot.core.answerer import Answerer
from bot.core.strings import t
from bot.settings import BotOptions
from bot.slack.app import create_slack
from bot.slack.metrics import Metrics
from bot.store import Store
from bot.store.jobs import JobQueue, Sealer
from slack_testkit.mock_slack import MockSlack

MAX_WAITING = 3
FLOOD = 8
"""Questions the flooding person sends at once: one may run, ``MAX_WAITING`` wait, the rest are dropped."""
HOG = "U0000HOG"


class Gate:
    """Holds every answer to a question containing ``inundación`` until opened (the runner's threads block
    on an event the test controls, not on a sleep)."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def close(self) -> None:
        self.open = threading.Event()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    held = Gate()
    real_ask = Answerer.ask

    def ask(self: Answerer, message: str, lang: str | None = None) -> Any:
        if "inundación" in message:
            held.open.wait(timeout=60)
        return real_ask(self, message, lang)

    monkeypatch.setattr(Answerer, "ask", ask)
    yield held
    held.open.set()


class Counts:
    """What the app's metrics say of the flood: questions taken (recorded to answer) and dropped."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def _sample(self, name: str, labels: dict[str, str]) -> int:
        return int(self.metrics.registry.get_sample_value(name, labels) or 0)

    @property
    def dropped(self) -> int:
        return self._sample("istio_events_bot_errors_total", {"stage": "dropped"})

    @property
    def taken(self) -> int:
        """Mentions recorded to answer: every one that arrived, less the dropped (each was recorded or dropped
        before its 200 went out)."""
        return self._sample("istio_events_bot_events_total", {"surface": "mention"}) - self.dropped


@pytest.fixture
def flood_bot(
    bot_server: BotServer, mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> Iterator[tuple[BotServer, Counts]]:
    """The session's HTTP server with an app that lets one asker have ``MAX_WAITING`` questions waiting."""
    metrics = Metrics()
    jobs = JobQueue(slack_store, Sealer(SIGNING_SECRET), max_waiting=MAX_WAITING)
    built = create_slack(warm_answerer, token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=mock_slack.api_url,
                         store=slack_store, options=BotOptions(admin_user_ids=frozenset({ADMIN_USER})),
                         metrics=metrics, jobs=jobs)
    bot_server.slot.fill(built.app, len(warm_answerer.index.passages))
    mock_slack.reset()
    yield bot_server, Counts(metrics)
    mock_slack.settle(quiet=0.2)
    bot_server.slot.app = None
    built.close()


def notes(mock_slack: MockSlack) -> list[Any]:
    return [call for call in mock_slack.of("chat.postMessage") if call.body.get("text") in
            {t(lang, "flood_note") for lang in ("en", "es", "zh")}]


def flood(bot: BotServer, round_: int) -> dict[str, str]:
    """``FLOOD`` Spanish questions from one person at once; their text by the ts of each."""
    sent: dict[str, str] = {}
    for n in range(FLOOD):
        text = f"¿Dónde puedo ver la charla de la inundación {round_}-{n} sobre la seguridad de Ambient Mesh?"
        event = mention(text, user=HOG)
        assert bot.event(event).status_code == 200
        sent[event["ts"]] = text
    return sent


def hog_questions(store: Store) -> list[str]:
    since = datetime.now(UTC) - timedelta(hours=1)
    return [answer.question for answer in store.answers_since(since) if "inundación" in answer.question]


def test_a_flood_gets_one_note_per_flood_and_dropped_questions_are_not_logged(
    flood_bot: tuple[BotServer, Counts], mock_slack: MockSlack, slack_store: Store, gate: Gate
) -> None:
    bot, counts = flood_bot
    sent = flood(bot, 1)
    [note] = mock_slack.wait_for("chat.postMessage", timeout=30)  # while every answer is held
    assert note.body["text"] == t("es", "flood_note") and note.body["thread_ts"] in sent
    assert counts.dropped >= FLOOD - MAX_WAITING - 1

    assert bot.event(mention("Who gave the opening keynote at IstioCon 2021?", user="U0000ANA")).status_code == 200
    posts = mock_slack.wait_for("chat.postMessage", count=2, timeout=30)  # answered beside the held flood
    assert any(post.body.get("thread_ts") not in sent for post in posts if post is not note)

    gate.open.set()
    answered = counts.taken - 1  # the hog's, without ana's
    mock_slack.wait_for("chat.postMessage", count=2 + answered, timeout=60)
    mock_slack.settle(quiet=0.3)
    assert len(notes(mock_slack)) == 1
    first_round = hog_questions(slack_store)
    assert len(first_round) == answered  # the dropped questions are not in the question log
    assert all(question in sent.values() for question in first_round)

    gate.close()  # the queue has drained: a new flood is a new flood
    before = counts.taken
    sent_again = flood(bot, 2)
    mock_slack.wait_for("chat.postMessage", count=3 + answered, timeout=30)
    [_, second] = notes(mock_slack)
    assert second.body["text"] == t("es", "flood_note") and second.body["thread_ts"] in sent_again
    gate.open.set()
    answered_again = counts.taken - before
    mock_slack.wait_for("chat.postMessage", count=3 + answered + answered_again, timeout=60)
    mock_slack.settle(quiet=0.3)
    assert len(notes(mock_slack)) == 2
    assert len(hog_questions(slack_store)) == answered + answered_again
