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
import threading
import time
from typing import Any

from slack_bolt import App, Assistant, BoltContext, SetStatus, SetSuggestedPrompts, SetTitle
from slack_sdk import WebClient

from bot.core.language import UI_LANGUAGES, detect_language, ui_language
from bot.core.markup import clip
from bot.core.strings import t
from bot.slack.blocks import Message, section
from bot.slack.delivery import Delivery, Responder, log_ids, post_message, strip_mentions
from bot.slack.home import suggested_prompts
from bot.slack.listeners.messages import file_note
from bot.store import StoreError

logger = logging.getLogger(__name__)

MAX_TITLE_CHARS = 80
LOCALE_TTL = 24 * 3600.0


class Locales:
    """Users' Slack languages (``users.info``), kept a day in memory: one lookup per person and day, and a
    failed lookup is not remembered."""

    def __init__(self, ttl: float = LOCALE_TTL, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._known: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def language(self, client: WebClient, user: str) -> str:
        """``es-ES`` → ``es``; English for other locales, or when the locale cannot be read."""
        now = time.monotonic()
        with self._lock:
            known = self._known.get(user)
        if known and known[1] > now:
            return known[0]
        try:
            locale = str(client.users_info(user=user, include_locale=True)["user"].get("locale") or "")
        except Exception:
            logger.info("could not read the user's locale; using English", exc_info=True)
            return "en"
        code = locale.split("-")[0].lower()
        lang = code if code in UI_LANGUAGES else "en"
        with self._lock:
            if len(self._known) >= self.max_entries:
                self._known.clear()
            self._known[user] = (lang, now + self.ttl)
        return lang


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
    if not responder.claim(channel, thread_ts, ids):  # the thread's own ts: no user message has it
        logger.info("duplicate assistant_thread_started ignored %s", ids)
        return
    try:  # now, not in the queue: the user's first message must find the thread known
        responder.store.mark_assistant_thread(channel, thread_ts)
    except StoreError as exc:
        logger.warning("could not remember the assistant thread (%s) %s", exc, ids)
    responder.queue(user, "assistant", lambda: greet(client, responder, context["locales"], set_suggested_prompts,
                                                     channel, thread_ts, user, ids), ids)


def greet(
    client: WebClient, responder: Responder, locales: Locales, set_suggested_prompts: SetSuggestedPrompts,
    channel: str, thread_ts: str, user: str | None, ids: dict[str, Any],
) -> None:
    """The greeting and the suggested prompts (from the index: queued like answers)."""
    lang = locales.language(client, user) if user else "en"
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
    if not in_assistant_thread(responder, payload):  # a reply in a thread of an ordinary DM
        responder.queue(payload.get("user"), "dm", lambda: responder.reply(
            client, body, question, thread_ts=payload["thread_ts"], surface="dm", note=note), log_ids(body),
            flooded=responder.flood_note(client, body, question, payload["thread_ts"]))
        return
    responder.queue(payload.get("user"), "assistant", lambda: answer_in_panel(
        client, body, payload, question, note, responder, set_status, set_title), log_ids(body),
        flooded=responder.flood_note(client, body, question, payload["thread_ts"]))


def answer_in_panel(
    client: WebClient, body: dict[str, Any], payload: dict[str, Any], question: str, note: str | None,
    responder: Responder, set_status: SetStatus, set_title: SetTitle,
) -> None:
    """Status and title while it works, then the reply; the status is cleared if nothing could be posted."""
    lang = ui_language(detect_language(question)) if question else "en"
    first = not responder.follows(payload["channel"], payload["thread_ts"])

    def working() -> None:
        if first and question:
            set_title(clip(question, MAX_TITLE_CHARS))
        set_status(t(lang, "status_searching"))

    delivery = responder.reply(client, body, question, thread_ts=payload["thread_ts"], surface="assistant",
                               note=note, working=working)
    if delivery is Delivery.FAILED:
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
