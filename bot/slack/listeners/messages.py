"""``message`` events: direct messages, and follow-ups in threads the bot has already answered in.

All message events are taken here (so Slack never sees an unhandled event and retries it), and
everything that is not a person's new message (edits, deletions, joins, any bot) is dropped. A
mention outside a followed thread is left to ``app_mention``; where both fire for one message, the
responder's (channel, ts) claim lets only one of them answer.

Thread manners (:mod:`bot.slack.followups`): in a followed thread only messages that ask something are
answered, not "thanks", "ok", emoji or people talking to each other; ``FOLLOW_THREADS=off`` turns
following off. A DM with a file gets a note that the bot reads text only, and an answer if it asks
something.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.core.language import detect_language, ui_language
from bot.core.strings import t
from bot.slack.delivery import Responder, strip_mentions
from bot.slack.followups import is_meant_for_the_bot
from bot.slack.work import Work, WorkKind, message_key

PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")
"""Message subtypes that are a person writing (a file with a comment, a reply also sent to the channel)."""


def is_person_message(event: dict[str, Any]) -> bool:
    """A new message written by a person: no edit, delete or join subtype, no bot."""
    return (
        event.get("subtype") in PERSON_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
        and "ts" in event
        and "channel" in event
    )


def file_note(event: dict[str, Any], question: str) -> str | None:
    """The "I read text only" note for a message with files, in the asker's language."""
    if not event.get("files") and event.get("subtype") != "file_share":
        return None
    return t(ui_language(detect_language(question)) if question else "en", "file_note")


def handle_message(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    if not is_person_message(event):
        return
    responder: Responder = context["responder"]
    text = event.get("text") or ""
    question = strip_mentions(text, context.bot_user_id)
    thread_ts = event.get("thread_ts")
    key = message_key(event["channel"], event["ts"])
    if event.get("channel_type") == "im":
        responder.defer(Work.of(WorkKind.REPLY, key, "dm", body, question=question, thread_ts=thread_ts,
                                note=file_note(event, question)), event.get("user"))
        return
    in_thread = bool(thread_ts) and thread_ts != event["ts"]
    if not in_thread or not responder.options.follow_threads:
        return
    if context.bot_user_id and f"<@{context.bot_user_id}" in text:
        return  # a mention: app_mention answers it, whatever it says
    if is_meant_for_the_bot(text, context.bot_user_id) and responder.follows(event["channel"], str(thread_ts)):
        responder.defer(Work.of(WorkKind.REPLY, key, "thread", body, question=question, thread_ts=thread_ts),
                        event.get("user"))


def register(app: App) -> None:
    app.event("message")(handle_message)
