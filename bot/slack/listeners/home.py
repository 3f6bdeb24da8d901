"""``app_home_opened``: publish the Home tab in the viewer's Slack language (built once per day and language
and cached: one ``views.publish`` per open, and one ``users.info`` per person and day for the language)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.delivery import Responder, log_ids
from bot.slack.listeners.assistant import Locales

logger = logging.getLogger(__name__)


def handle_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") not in (None, "home") or not event.get("user"):
        return  # the Messages tab, or a malformed event
    ids = log_ids(body)
    responder: Responder = context["responder"]
    locales: Locales = context["locales"]
    user = event["user"]
    responder.queue(user, "home", lambda: publish_home(client, responder, locales, user, ids), ids)


def publish_home(client: WebClient, responder: Responder, locales: Locales, user: str, ids: dict[str, Any]) -> None:
    """The view comes from the index: queued like answers, so an open before the index loads still gets it
    (and the language lookup never delays the ack)."""
    try:
        client.views_publish(user_id=user, view=responder.home_tabs.view(locales.language(client, user)))
    except SlackApiError as exc:
        logger.warning("views.publish failed (%s) %s", exc.response.get("error"), ids)
    except Exception as exc:
        logger.error("could not publish the Home tab (%s: %s) %s", type(exc).__name__, exc, ids)


def register(app: App) -> None:
    app.event("app_home_opened")(handle_home_opened)
