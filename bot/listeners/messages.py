"""``message`` events: direct messages, and follow-ups in threads the bot has already answered in.

All message events are taken here (so Slack never sees an unhandled event and retries it), and
everything that is not a person's new message (edits, deletions, joins, any bot) is dropped. A
mention outside a followed thread is left to ``app_mention``; where both fire for one message, the
responder's (channel, ts) claim lets only one of them answer.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.delivery import strip_mentions


def is_person_message(event: dict[str, Any]) -> bool:
    """A new message written by a person: no subtype (edit, delete, join…), no bot."""
    return not event.get("subtype") and not event.get("bot_id") and bool(event.get("user")) and "ts" in event


def handle_message(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if not is_person_message(event):
        return
    responder = context["responder"]
    question = strip_mentions(event.get("text") or "", context.bot_user_id)
    thread_ts = event.get("thread_ts")
    in_dm = event.get("channel_type") == "im"
    in_thread = bool(thread_ts) and thread_ts != event["ts"]
    follow_up = in_thread and responder.dedupe.follows_thread(event["channel"], thread_ts)
    if in_dm or follow_up:
        responder.reply(client, body, question, thread_ts=thread_ts)


def register(app: App) -> None:
    app.event("message")(handle_message)
