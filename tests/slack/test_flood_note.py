"""Floods get one polite note: a person whose questions are dropped (too many waiting) is told once per flood,
in their language, where they asked; others are still answered, and dropped questions are not logged."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import ADMIN_USER
from slack_harness import BOT_TOKEN, SIGNING_SECRET, BotServer, mention

from bot.core.answerer import Answerer
from bot.core.strings import t
from bot.settings import BotOptions
from bot.slack.answer_pool import AnswerPool
from bot.slack.app import create_app
from bot.slack.metrics import Metrics
from bot.store import Store
from slack_testkit.mock_slack import MockSlack

MAX_WAITING = 3
FLOOD = 8
"""Questions the flooding person sends at once: one may run, ``MAX_WAITING`` wait, the rest are dropped."""
HOG = "U0000HOG"


class Gate:
    """Holds every answer to a question containing ``inundación`` until opened (the pool's workers block
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


class CountingPool(AnswerPool):
    """The app's pool, counting what it took and dropped, so the test waits for every question to arrive."""

    def __init__(self) -> None:
        super().__init__(workers=2, per_asker=1, max_waiting=MAX_WAITING)
        self.taken, self.dropped = 0, 0
        self.counted = threading.Condition()

    def submit(self, asker: str, work: Any, ids: dict[str, Any] | None = None, on_flood: Any = None) -> bool:
        accepted = super().submit(asker, work, ids, on_flood)
        with self.counted:
            self.taken += accepted
            self.dropped += not accepted
            self.counted.notify_all()
        return accepted

    def wait_for(self, total: int) -> None:
        """Until ``total`` submissions in all have been taken or dropped."""
        with self.counted:
            assert self.counted.wait_for(lambda: self.taken + self.dropped >= total, timeout=30)


@pytest.fixture
def flood_bot(
    bot_server: BotServer, mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> Iterator[tuple[BotServer, CountingPool]]:
    """The session's HTTP server with an app whose pool lets one asker have ``MAX_WAITING`` questions waiting."""
    pool = CountingPool()
    app = create_app(warm_answerer, token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=mock_slack.api_url,
                     store=slack_store, options=BotOptions(admin_user_ids=frozenset({ADMIN_USER})), metrics=Metrics(),
                     pool=pool)
    bot_server.slot.fill(app, len(warm_answerer.index.passages))
    mock_slack.reset()
    yield bot_server, pool
    mock_slack.settle(quiet=0.2)
    bot_server.slot.app = None


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
    flood_bot: tuple[BotServer, CountingPool], mock_slack: MockSlack, slack_store: Store, gate: Gate
) -> None:
    bot, pool = flood_bot
    sent = flood(bot, 1)
    pool.wait_for(FLOOD)
    [note] = mock_slack.wait_for("chat.postMessage", timeout=30)  # while every answer is held
    assert note.body["text"] == t("es", "flood_note") and note.body["thread_ts"] in sent
    assert pool.dropped >= FLOOD - MAX_WAITING - 1

    assert bot.event(mention("Who gave the opening keynote at IstioCon 2021?", user="U0000ANA")).status_code == 200
    posts = mock_slack.wait_for("chat.postMessage", count=2, timeout=30)  # answered beside the held flood
    assert any(post.body.get("thread_ts") not in sent for post in posts if post is not note)

    gate.open.set()
    answered = pool.taken - 1  # the hog's, without ana's
    mock_slack.wait_for("chat.postMessage", count=2 + answered, timeout=60)
    mock_slack.settle(quiet=0.3)
    assert len(notes(mock_slack)) == 1
    first_round = hog_questions(slack_store)
    assert len(first_round) == answered  # the dropped questions are not in the question log
    assert all(question in sent.values() for question in first_round)

    gate.close()  # the queue has drained: a new flood is a new flood
    before = pool.taken
    sent_again = flood(bot, 2)
    pool.wait_for(2 * FLOOD + 1)
    mock_slack.wait_for("chat.postMessage", count=3 + answered, timeout=30)
    [_, second] = notes(mock_slack)
    assert second.body["text"] == t("es", "flood_note") and second.body["thread_ts"] in sent_again
    gate.open.set()
    answered_again = pool.taken - before
    mock_slack.wait_for("chat.postMessage", count=3 + answered + answered_again, timeout=60)
    mock_slack.settle(quiet=0.3)
    assert len(notes(mock_slack)) == 2
    assert len(hog_questions(slack_store)) == answered + answered_again
