"""``app_mention``: answer in the mention's thread, with the bot's mention taken out of the question.

A mention is always answered, whatever it says (thread manners apply only to unmentioned follow-ups).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack.delivery import Handler, Responder, strip_mentions
from bot.slack.listeners.messages import file_note
from bot.slack.work import Work, WorkKind, message_key


def handle_mention(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    """Reply in the thread the mention started (or is in); bots and edited messages are ignored."""
    if event.get("bot_id") or event.get("subtype") not in (None, "file_share") or not {"ts", "channel"} <= set(event):
        return
    question = strip_mentions(event.get("text") or "", context.bot_user_id)
    thread_ts = event.get("thread_ts") or event["ts"]
    responder: Responder = context["responder"]
    responder.defer(Work.of(WorkKind.REPLY, message_key(event["channel"], event["ts"]), "mention", body,
                            question=question, thread_ts=thread_ts, note=file_note(event, question)),
                    event.get("user"))


def reply(responder: Responder, client: WebClient, work: Work) -> None:
    """Answer a message (a mention, a DM, a followed thread's follow-up) where it was asked."""
    responder.reply(client, work.body, work.question, thread_ts=work.thread_ts, surface=work.surface, note=work.note)


WORK: dict[WorkKind, Handler] = {WorkKind.REPLY: reply}


def register(app: App) -> None:
    app.event("app_mention")(handle_mention)
