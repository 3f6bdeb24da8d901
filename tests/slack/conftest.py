"""Fixtures: the real Answerer (the session's, from tests/conftest.py), the mock Web API, and the app
served over real HTTP.

One uvicorn server runs for the whole session on a loopback port; each test gets a freshly built
Bolt app (new dedupe store, clean call record) swapped into it, so tests cannot leak into each other.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_harness import BOT_TOKEN, SIGNING_SECRET, BotServer

from bot.answer import Answerer
from bot.app import create_app
from bot.dedupe import Dedupe
from bot.mock_slack import MockSlack


@pytest.fixture(scope="session")
def warm_answerer(answerer: Answerer) -> Answerer:
    """The real pipeline over docs/, with first-question costs (tokenizers, jieba) paid up front."""
    answerer.ask("warm up")
    return answerer


@pytest.fixture(scope="session")
def mock_slack() -> Iterator[MockSlack]:
    server = MockSlack().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def bot_server() -> Iterator[BotServer]:
    server = BotServer().start()
    yield server
    server.stop()


@pytest.fixture
def bot(bot_server: BotServer, mock_slack: MockSlack, warm_answerer: Answerer) -> Iterator[BotServer]:
    """A fresh app (own dedupe store) behind the session's server, with an empty call record."""
    app = create_app(warm_answerer, token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=mock_slack.api_url,
                     dedupe=Dedupe(":memory:"))
    bot_server.slot.fill(app, len(warm_answerer.index.passages))
    mock_slack.reset()
    yield bot_server
    mock_slack.settle(quiet=0.2)
    bot_server.slot.app = None
