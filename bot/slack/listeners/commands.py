"""``/istio-events``: ``help``, ``events``, ``videos [topic or event]``, ``report [7d]`` (admins), or any question.

The command is acknowledged before anything else (Slack allows 3 seconds); the answer follows as
an ephemeral message through ``response_url``, with a "Share in channel" button whose value is what
:mod:`bot.slack.listeners.actions` needs to post the same reply for everyone.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core import catalogue as catalog
from bot.core.language import detect_language, ui_language
from bot.core.markup import unmark
from bot.core.strings import SUBCOMMANDS, t
from bot.slack.blocks import (
    Message,
    answer_message,
    defang,
    error_message,
    events_message,
    help_message,
    neutralize,
    section,
    videos_message,
)
from bot.slack.delivery import Responder, log_ids

logger = logging.getLogger(__name__)
_DURATION = re.compile(r"^\d+\s*[mhdw]$", re.IGNORECASE)


def parse(text: str) -> tuple[str, str, str]:
    """``(subcommand, argument, UI language)``; text that starts with no subcommand word is a question."""
    text = neutralize(unmark(text))  # Slack markup read as words; what is left of mentions made inert
    if not text:
        return "help", "", "en"
    word, _, rest = text.partition(" ")
    known = SUBCOMMANDS.get(word.casefold())
    if known is None:
        return "ask", text, ui_language(detect_language(text))
    sub, word_lang = known
    if sub == "report" and rest and not _DURATION.match(rest):
        return "ask", text, ui_language(detect_language(text))  # "informe de la IstioCon 2022" is a question
    lang = word_lang if word_lang != "en" or not rest else ui_language(detect_language(rest))
    return sub, rest, lang


def build(
    responder: Responder,
    kind: str,
    arg: str,
    lang: str,
    ids: dict[str, Any],
    *,
    share: bool = True,
    shared_by: str | None = None,
    body: dict[str, Any] | None = None,
    user: str | None = None,
    answer_id: int | None = None,
) -> Message:
    """The reply for a parsed command.

    ``share`` adds the "Share in channel" button; ``shared_by`` marks a shared copy. A question's answer is
    logged once (``body`` and ``user`` say where from) and gets the feedback buttons; a shared copy passes the
    ``answer_id`` it was logged under instead of logging it again.
    """
    value: dict[str, Any] = {"k": kind, "a": arg, "l": lang}
    if kind == "help":
        return help_message(lang)
    index = responder.answerer.index
    today = responder.answerer.today()
    try:
        if kind == "events":
            upcoming, past = catalog.events(index, today, arg)
            return events_message(upcoming, past, lang, arg, share=value if share else None, shared_by=shared_by)
        if kind == "videos":
            found = catalog.videos(index, lang, arg, responder.answerer.retriever)
            return videos_message(found, lang, arg, share=value if share else None, shared_by=shared_by)
    except Exception:
        logger.exception("listing %s failed %s", kind, ids)
        return error_message(lang)
    answer, ui_lang = responder.safe_ask(arg, ids, lang=lang)
    if answer_id is None and body is not None:
        answer_id = responder.log_answer(answer, arg, "command", ui_lang, body, user)
    if answer is None:
        return error_message(ui_lang)
    if answer_id is not None:
        value["i"] = answer_id
    return answer_message(answer, echo_question=True, share=value if share else None, today=today,
                          shared_by=shared_by, feedback=answer_id)


def report(responder: Responder, arg: str, user: str, lang: str, ids: dict[str, Any]) -> Message:
    """The gap report for admins (``ADMIN_USER_IDS``); everyone else gets a polite refusal."""
    from bot.slack.blocks import report_message
    from bot.store import StoreError
    from bot.store.report import DEFAULT_SINCE, gap_report, parse_since

    if user not in responder.options.admin_user_ids:
        logger.info("report refused to a non-admin %s", ids)
        text = t(lang, "report_refused")
        return Message(text=text, blocks=[section(text)])
    try:
        since = parse_since(arg) if arg.strip() else DEFAULT_SINCE
    except ValueError as exc:
        return Message(text=str(exc), blocks=[section(defang(str(exc)))])
    try:
        return report_message(gap_report(responder.store, since))
    except StoreError as exc:
        logger.error("report unavailable (%s) %s", exc, ids)
        text = t(lang, "report_failed")
        return Message(text=text, blocks=[section(text)])


def send_ephemeral(respond: Respond, client: WebClient, command: dict[str, Any], message: Message, ids: dict) -> str:
    """Through ``response_url`` (works in any conversation); plain text if refused; postEphemeral last.

    Says what became of it: ``posted`` or ``failed``."""
    for kwargs in (message.post_kwargs(), message.plain_kwargs()):
        try:
            response = respond(response_type="ephemeral", **kwargs)
            if response.status_code == 200:
                return "posted"
            logger.warning("response_url refused the reply (%s %s) %s", response.status_code, response.body, ids)
        except Exception as exc:
            logger.warning("response_url failed (%s: %s) %s", type(exc).__name__, exc, ids)
    try:
        client.chat_postEphemeral(channel=command["channel_id"], user=command["user_id"], **message.plain_kwargs())
        return "posted"
    except Exception as exc:
        logger.error("could not deliver the command's reply (%s: %s) %s", type(exc).__name__, exc, ids)
        return "failed"


def handle_command(
    ack: Ack, body: dict[str, Any], command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()  # first, and nothing slow before it: the answer is worked out in the responder's pool
    ids = log_ids(body)
    responder: Responder = context["responder"]
    user = command.get("user_id") or ""

    def answer() -> None:
        kind, arg, lang = parse(command.get("text") or "")
        if kind == "report":
            message = report(responder, arg, user, lang, ids)
        else:
            message = build(responder, kind, arg, lang, ids, body=body, user=user)
        responder.metrics.replies.labels("command", send_ephemeral(respond, client, command, message, ids)).inc()

    responder.queue(user, "command", answer, ids)


def register(app: App) -> None:
    app.command("/istio-events")(handle_command)
