"""``app_home_opened``: publish the Home tab (built once per day and cached: one ``views.publish`` per open)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.delivery import log_ids

logger = logging.getLogger(__name__)


def handle_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if event.get("tab") not in (None, "home") or not event.get("user"):
        return  # the Messages tab, or a malformed event
    ids = log_ids(body)
    try:
        client.views_publish(user_id=event["user"], view=context["home_tabs"].view())
    except SlackApiError as exc:
        logger.warning("views.publish failed (%s) %s", exc.response.get("error"), ids)
    except Exception:
        logger.error("could not publish the Home tab %s", ids, exc_info=True)


def register(app: App) -> None:
    app.event("app_home_opened")(handle_home_opened)
