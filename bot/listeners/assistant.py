"""Slack's assistant panel (split view), through Bolt's ``Assistant`` middleware.

On a new thread: a short greeting and up to four suggested prompts in the user's language, drawn from
what the bot knows (:func:`bot.home.suggested_prompts`). On each message: a "searching" status while it
works, the thread titled after the first question, and the same answer a mention gets (cited, with
feedback buttons, exactly once). The panel's channel context is not used, so it is not stored.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

from slack_bolt import App, Assistant, BoltContext, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient

from bot.blocks import Message, clip, section
from bot.delivery import Responder, log_ids, post_message, strip_mentions
from bot.home import suggested_prompts
from bot.i18n import t
from bot.language import UI_LANGUAGES, detect_language, ui_language
from bot.listeners.messages import file_note

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 80


@lru_cache(maxsize=4096)
def _locale_language(client: WebClient, user: str) -> str:
    """The user's Slack locale as a UI language (``es-ES`` → ``es``); English if it cannot be read."""
    try:
        locale = str(client.users_info(user=user, include_locale=True)["user"].get("locale") or "")
    except Exception:
        logger.info("could not read the user's locale; greeting in English", exc_info=True)
        return "en"
    code = locale.split("-")[0].lower()
    return code if code in UI_LANGUAGES else "en"


def handle_thread_started(
    body: dict[str, Any], event: dict[str, Any], client: WebClient, set_suggested_prompts: SetSuggestedPrompts,
    context: BoltContext,
) -> None:
    thread = event.get("assistant_thread") or {}
    channel, thread_ts, user = thread.get("channel_id"), thread.get("thread_ts"), thread.get("user_id")
    if not channel or not thread_ts:
        logger.warning("assistant thread without a channel or ts: ignored %s", log_ids(body))
        return
    lang = _locale_language(client, user) if user else "en"
    greeting = t(lang, "assistant_greeting")
    post_message(client, channel, Message(text=greeting, blocks=[section(greeting)]), log_ids(body),
                 thread_ts=thread_ts)
    responder: Responder = context["responder"]
    prompts = suggested_prompts(responder.answerer.index, responder.answerer.today(), lang)
    try:
        set_suggested_prompts(prompts=[{"title": clip(p.title, 75), "message": p.message} for p in prompts],
                              title=t(lang, "assistant_prompts_title"))
    except Exception:
        logger.info("could not set the suggested prompts %s", log_ids(body), exc_info=True)


def handle_user_message(
    body: dict[str, Any], payload: dict[str, Any], client: WebClient, set_status: SetStatus, set_title: SetTitle,
    context: BoltContext,
) -> None:
    if not {"channel", "ts", "thread_ts"} <= set(payload):
        logger.warning("assistant message without a channel or ts: ignored %s", log_ids(body))
        return
    responder: Responder = context["responder"]
    question = strip_mentions(payload.get("text") or "", context.bot_user_id)
    lang = ui_language(detect_language(question)) if question else "en"
    first = not responder.follows(payload["channel"], payload["thread_ts"])

    def working() -> None:
        if first and question:
            set_title(clip(question, MAX_TITLE_CHARS))
        set_status(t(lang, "status_searching"))

    posted = responder.reply(client, body, question, thread_ts=payload["thread_ts"], surface="assistant",
                             note=file_note(payload, question), working=working)
    if not posted:
        try:
            set_status("")  # nothing was posted, so Slack will not clear it
        except Exception:
            logger.info("could not clear the status %s", log_ids(body), exc_info=True)


def ignore_context_change() -> None:
    """The panel's channel context is not used: nothing to save (Bolt's default would write it to Slack)."""


def register(app: App) -> None:
    assistant = Assistant()
    assistant.thread_started(handle_thread_started)
    assistant.user_message(handle_user_message)
    assistant.thread_context_changed(ignore_context_change)
    app.assistant(assistant)
