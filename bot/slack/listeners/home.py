"""``app_home_opened``: publish the Home tab in the viewer's Slack language (built once per day and language
and cached: one ``views.publish`` per open, and one ``users.info`` per person and day for the language)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.delivery import Handler, Responder, log_ids
from bot.slack.work import Work, WorkKind, request_key

logger = logging.getLogger(__name__)


def handle_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") not in (None, "home") or not event.get("user"):
        return  # the Messages tab, or a malformed event
    responder: Responder = context["responder"]
    responder.defer(Work.of(WorkKind.HOME, request_key("home", body), "home", body), event["user"])


def publish_home(responder: Responder, client: WebClient, work: Work) -> None:
    """The view comes from the index: deferred like answers, so an open before the index loads still gets it
    (and the language lookup never delays the ack)."""
    ids, user = log_ids(work.body), work.event["user"]
    try:
        client.views_publish(user_id=user, view=responder.home_tabs.view(responder.locales.language(client, user)))
    except SlackApiError as exc:
        logger.warning("views.publish failed (%s) %s", exc.response.get("error"), ids)
    except Exception as exc:
        logger.error("could not publish the Home tab (%s: %s) %s", type(exc).__name__, exc, ids)


WORK: dict[WorkKind, Handler] = {WorkKind.HOME: publish_home}


def register(app: App) -> None:
    app.event("app_home_opened")(handle_home_opened)
