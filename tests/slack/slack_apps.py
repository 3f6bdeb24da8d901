"""The Slack tests' apps: how a test builds one (the real pipeline, the mock Web API, its own store), the admin
user, and the two transports a scenario runs over. A plain module, so test modules import it by a name no other
conftest.py shadows."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

from slack_bolt import App
from slack_harness import BOT_TOKEN, SIGNING_SECRET, BotServer
from socket_harness import SocketBot

from bot.core.answerer import Answerer
from bot.slack.app import SlackApp, create_slack
from bot.slack.delivery import BotOptions
from bot.slack.metrics import Metrics
from bot.store import Store
from slack_testkit.mock_slack import MockSlack

ADMIN_USER = "U0000ADM"
"""The one user in ``ADMIN_USER_IDS`` of the test apps (may run ``/istio-events report``)."""


BUILT: list[SlackApp] = []
"""Apps built by the current test: their runners are stopped after it (``stop_runners`` in conftest.py)."""


def make_slack(
    answerer: Answerer | Future[Answerer], mock_slack: MockSlack, store: Store, *, metrics: Metrics | None = None,
    **options: Any,
) -> SlackApp:
    """A fresh app as the Slack tests build it: the real pipeline, the mock Web API, its own store, a runner
    answering in this process (stopped after the test)."""
    bot_options = BotOptions(**{"admin_user_ids": frozenset({ADMIN_USER}), **options})
    built = create_slack(answerer, token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=mock_slack.api_url,
                         store=store, options=bot_options, metrics=metrics)
    BUILT.append(built)
    return built


def make_app(
    answerer: Answerer | Future[Answerer], mock_slack: MockSlack, store: Store, *, metrics: Metrics | None = None,
    **options: Any,
) -> App:
    """:func:`make_slack`'s Bolt app."""
    return make_slack(answerer, mock_slack, store, metrics=metrics, **options).app


Transport = BotServer | SocketBot
"""Both deliver with ``event(event, *, event_id=None, retry_attempt=0, ...)``, ``command(text,
response_url)`` and ``interaction(payload)``, and answer with ``status_code`` 200 once acknowledged."""
