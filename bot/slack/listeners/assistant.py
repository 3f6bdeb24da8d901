"""Slack's assistant panel (split view), through Bolt's ``Assistant`` middleware.

On a new thread: a short greeting and up to four suggested prompts in the user's language, drawn from
what the bot knows (:func:`bot.slack.home.suggested_prompts`). On each message: a "searching" status while it
works, the thread titled after the first question, and the same answer a mention gets (cited, with
feedback buttons, exactly once). The panel's channel context is not used, so it is not stored.

Bolt's ``Assistant`` takes every reply in a DM thread; the threads the panel opened are remembered in the
store, and replies in other DM threads are answered as direct messages.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Assistant, BoltContext, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient

from bot.core.language import detect_language, ui_language
from bot.core.markup import clip
from bot.core.strings import t
from bot.slack.blocks import Message, section
from bot.slack.delivery import Delivery, Handler, Responder, log_ids, post_message, strip_mentions
from bot.slack.home import suggested_prompts
from bot.slack.listeners.messages import file_note
from bot.slack.work import Work, WorkKind, message_key
from bot.store import StoreError

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 80


def handle_thread_started(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, set_suggested_prompts: SetSuggestedPrompts,
    context: BoltContext,
) -> None:
    thread = event.get("assistant_thread") or {}
    channel, thread_ts, user = thread.get("channel_id"), thread.get("thread_ts"), thread.get("user_id")
    ids = log_ids(body)
    if not channel or not thread_ts:
        logger.warning("assistant thread without a channel or ts: ignored %s", ids)
        return
    responder: Responder = context["responder"]
    try:  # now, not in the runner: the user's first message must find the thread known
        responder.store.mark_assistant_thread(channel, thread_ts)
    except StoreError as exc:
        logger.warning("could not remember the assistant thread (%s) %s", exc, ids)
    responder.defer(Work.of(WorkKind.GREET, f"thread:{channel}:{thread_ts}", "assistant", body), user)


def greet(responder: Responder, client: WebClient, work: Work) -> None:
    """The greeting and the suggested prompts (from the index: deferred like answers)."""
    thread = work.event.get("assistant_thread") or {}
    channel, thread_ts, user = thread["channel_id"], thread["thread_ts"], thread.get("user_id")
    ids = log_ids(work.body)
    set_suggested_prompts = SetSuggestedPrompts(client, channel, thread_ts)
    lang = responder.locales.language(client, user) if user else "en"
    greeting = t(lang, "assistant_greeting")
    post_message(client, channel, Message(text=greeting, blocks=[section(greeting)]), ids, thread_ts=thread_ts)
    prompts = suggested_prompts(responder.answerer.index, responder.answerer.today(), lang)
    try:
        set_suggested_prompts(prompts=[{"title": clip(p.title, 75), "message": p.message} for p in prompts],
                              title=t(lang, "assistant_prompts_title"))
    except Exception:
        logger.info("could not set the suggested prompts %s", ids, exc_info=True)


def in_assistant_thread(responder: Responder, payload: dict[str, Any]) -> bool:
    """Bolt hands every DM thread reply to the assistant; only threads the panel opened are its own."""
    try:
        return responder.store.is_assistant_thread(payload["channel"], payload["thread_ts"])
    except StoreError as exc:
        logger.warning("could not read the assistant threads (%s); answering as a DM", exc)
        return False


def handle_user_message(
    body: dict[str, Any], payload: dict[str, Any], client: WebClient, set_status: SetStatus, set_title: SetTitle,
    context: BoltContext,
) -> None:
    if not {"channel", "ts", "thread_ts"} <= set(payload):
        logger.warning("assistant message without a channel or ts: ignored %s", log_ids(body))
        return
    responder: Responder = context["responder"]
    question = strip_mentions(payload.get("text") or "", context.bot_user_id)
    note = file_note(payload, question)
    key = message_key(payload["channel"], payload["ts"])
    if not in_assistant_thread(responder, payload):  # a reply in a thread of an ordinary DM
        responder.defer(Work.of(WorkKind.REPLY, key, "dm", body, question=question, thread_ts=payload["thread_ts"],
                                note=note), payload.get("user"))
        return
    responder.defer(Work.of(WorkKind.PANEL, key, "assistant", body, question=question,
                            thread_ts=payload["thread_ts"], note=note), payload.get("user"))


def answer_in_panel(responder: Responder, client: WebClient, work: Work) -> None:
    """Status and title while it works, then the reply; the status is cleared if nothing could be posted."""
    payload, body, question = work.event, work.body, work.question
    set_status = SetStatus(client, payload["channel"], payload["thread_ts"])
    set_title = SetTitle(client, payload["channel"], payload["thread_ts"])
    lang = ui_language(detect_language(question)) if question else "en"
    first = not responder.follows(payload["channel"], payload["thread_ts"])

    def working() -> None:
        if first and question:
            set_title(clip(question, MAX_TITLE_CHARS))
        set_status(t(lang, "status_searching"))

    delivery = responder.reply(client, body, question, thread_ts=payload["thread_ts"], surface="assistant",
                               note=work.note, working=working)
    if delivery is Delivery.FAILED:
        try:
            set_status("")  # nothing was posted, so Slack will not clear it
        except Exception:
            logger.info("could not clear the status %s", log_ids(body), exc_info=True)


def ignore_context_change() -> None:
    """The panel's channel context is not used: nothing to save (Bolt's default would write it to Slack)."""


WORK: dict[WorkKind, Handler] = {WorkKind.GREET: greet, WorkKind.PANEL: answer_in_panel}


def register(app: App) -> None:
    assistant = Assistant()
    assistant.thread_started(handle_thread_started)
    assistant.user_message(handle_user_message)
    assistant.thread_context_changed(ignore_context_change)
    app.assistant(assistant)
