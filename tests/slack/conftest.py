"""Fixtures: the real Answerer (the session's, from tests/conftest.py), the mock Web API, and the app
served over real HTTP.

One uvicorn server runs for the whole session on a loopback port; each test gets a freshly built
Bolt app (its own store in a fresh SQLite file, clean call record) swapped into it, so tests cannot leak
into each other. The same app can be driven over Socket Mode instead (``transport``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from slack_apps import BUILT, Transport, make_app
from slack_bolt import App
from slack_harness import BotServer
from socket_harness import SocketBot

from bot.core.answerer import Answerer
from bot.store import Store
from slack_testkit.mock_slack import MockSlack


@pytest.fixture(scope="session")
def warm_answerer(answerer: Answerer) -> Answerer:
    """The real pipeline over docs/, with first-question costs (tokenizers, jieba) paid up front."""
    answerer.warm_up()
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
def slack_store(tmp_path: Path) -> Iterator[Store]:
    """The test app's store: a SQLite file of its own, readable by the test (and by the CLI)."""
    store = Store(f"sqlite:///{tmp_path / 'bot.sqlite'}")
    yield store
    store.close()


@pytest.fixture(autouse=True)
def stop_runners() -> Iterator[None]:
    """Stop the runners of the apps the test built (:func:`slack_apps.make_slack`)."""
    yield
    while BUILT:
        BUILT.pop().close()


@pytest.fixture
def bot(
    bot_server: BotServer, mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> Iterator[BotServer]:
    """A fresh app (own store) behind the session's server, with an empty call record."""
    bot_server.slot.fill(make_app(warm_answerer, mock_slack, slack_store), len(warm_answerer.index.passages))
    mock_slack.reset()
    yield bot_server
    mock_slack.settle(quiet=0.2)
    bot_server.slot.app = None


# -- the same scenarios over either transport ----------------------------------------------------

@pytest.fixture(scope="session")
def socket_bot(mock_slack: MockSlack) -> Iterator[SocketBot]:
    """The mock Socket Mode server for the session; the mock's ``apps.connections.open`` points at it."""
    bot = SocketBot().start()
    mock_slack.socket_url = bot.server.url
    yield bot
    bot.stop()
    mock_slack.socket_url = None


@contextmanager
def driving(request: pytest.FixtureRequest, app: App, mock_slack: MockSlack, answerer: Answerer) -> Iterator[Transport]:
    """``app`` behind the session's HTTP server, or on a new Socket Mode connection, per ``request.param``."""
    driver: Transport
    if request.param == "http":
        driver = request.getfixturevalue("bot_server")
        driver.slot.fill(app, len(answerer.index.passages))
    else:
        driver = request.getfixturevalue("socket_bot")
        driver.connect(app)
    mock_slack.reset()
    yield driver
    mock_slack.settle(quiet=0.2)
    if isinstance(driver, SocketBot):
        driver.disconnect()
    else:
        driver.slot.app = None


@pytest.fixture(params=["http", "socket"])
def transport(
    request: pytest.FixtureRequest, mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> Iterator[Transport]:
    """A fresh app behind the session's HTTP server, or on a new Socket Mode connection; empty call record.

    The socket server starts only when a test asks for it; ``@pytest.mark.parametrize("transport",
    ["socket"], indirect=True)`` picks one transport.
    """
    with driving(request, make_app(warm_answerer, mock_slack, slack_store), mock_slack, warm_answerer) as driver:
        yield driver


@pytest.fixture(params=["http", "socket"])
def follow_threads_off(
    request: pytest.FixtureRequest, mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> Iterator[Transport]:
    """Like ``transport``, for an app configured with ``FOLLOW_THREADS=off``."""
    app = make_app(warm_answerer, mock_slack, slack_store, follow_threads=False)
    with driving(request, app, mock_slack, warm_answerer) as driver:
        yield driver
