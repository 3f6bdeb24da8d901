"""``app_mention``: answer in the mention's thread, with the bot's mention taken out of the question.

A mention is always answered, whatever it says (thread manners apply only to unmentioned follow-ups).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack.delivery import Responder, log_ids, strip_mentions
from bot.slack.listeners.messages import file_note


def handle_mention(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Reply in the thread the mention started (or is in); bots and edited messages are ignored."""
    if event.get("bot_id") or event.get("subtype") not in (None, "file_share") or not {"ts", "channel"} <= set(event):
        return
    question = strip_mentions(event.get("text") or "", context.bot_user_id)
    thread_ts = event.get("thread_ts") or event["ts"]
    responder: Responder = context["responder"]
    responder.queue(event.get("user"), "mention", lambda: responder.reply(
        client, body, question, thread_ts=thread_ts, surface="mention", note=file_note(event, question)),
        log_ids(body), flooded=responder.flood_note(client, body, question, thread_ts))


def register(app: App) -> None:
    app.event("app_mention")(handle_mention)
