"""``app_mention``: answer in the mention's thread, with the bot's mention taken out of the question."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.delivery import strip_mentions


def handle_mention(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Reply in the thread the mention started (or is in); bots and edited messages are ignored."""
    if event.get("bot_id") or event.get("subtype"):
        return
    question = strip_mentions(event.get("text") or "", context.bot_user_id)
    thread_ts = event.get("thread_ts") or event["ts"]
    context["responder"].reply(client, body, question, thread_ts=thread_ts)


def register(app: App) -> None:
    app.event("app_mention")(handle_mention)
