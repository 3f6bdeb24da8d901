"""``/istio-events``: ``help``, ``events``, ``videos [topic or event]``, ``report [7d]`` (admins), ``subscribe
[en|es|zh]`` and ``unsubscribe`` (workspace admins and ``ADMIN_USER_IDS``), or any question.

The command is acknowledged before anything else (Slack allows 3 seconds); the answer follows as
an ephemeral message through ``response_url``, with a "Share in channel" button whose value is what
:mod:`bot.slack.listeners.actions` needs to post the same reply for everyone.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core.commands import SUBSCRIPTIONS, Command, CommandKind, language_code, parse
from bot.core.strings import language_name, t
from bot.slack.blocks import Message, defang, report_message, text_message
from bot.slack.delivery import Handler, Responder, log_ids
from bot.slack.work import Work, WorkKind, request_key
from bot.store import StoreError
from bot.store.report import DEFAULT_SINCE, gap_report, parse_since
from bot.store.subscriptions import Subscriptions

logger = logging.getLogger(__name__)


def report(responder: Responder, arg: str, user: str, lang: str, ids: dict[str, Any]) -> Message:
    """The gap report for admins (``ADMIN_USER_IDS``); everyone else gets a polite refusal."""
    if user not in responder.options.admin_user_ids:
        logger.info("report refused to a non-admin %s", ids)
        return text_message(t(lang, "report_refused"))
    try:
        since = parse_since(arg) if arg.strip() else DEFAULT_SINCE
    except ValueError as exc:
        return Message(text=str(exc), blocks=text_message(defang(str(exc))).blocks)
    try:
        return report_message(gap_report(responder.store, since))
    except StoreError as exc:
        logger.error("report unavailable (%s) %s", exc, ids)
        return text_message(t(lang, "report_failed"))


def is_workspace_admin(client: WebClient, user: str) -> bool:
    """Whether Slack says ``user`` is an admin or owner of the workspace (``users.info``); False if unknown."""
    try:
        info = client.users_info(user=user)["user"]
    except Exception:
        logger.info("could not read whether the user is a workspace admin", exc_info=True)
        return False
    return bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))


def subscription(responder: Responder, client: WebClient, command: Command, body: dict[str, Any]) -> Message:
    """``subscribe [language]`` or ``unsubscribe`` the channel the command was typed in.

    The channel's language is the argument's (``subscribe es``), else the command word's (``suscribirse``,
    ``订阅``), else the user's Slack locale. Only workspace admins and owners and ``ADMIN_USER_IDS`` may."""
    ids, user, channel = log_ids(body), body.get("user_id") or "", body.get("channel_id") or ""
    said = command.lang if command.lang != "en" else responder.locales.language(client, user)
    if user not in responder.options.admin_user_ids and not is_workspace_admin(client, user):
        logger.info("%s refused to a non-admin %s", command.kind, ids)
        return text_message(t(said, "subscribe_refused"))
    subs = Subscriptions(responder.store)
    try:
        if command.kind == CommandKind.UNSUBSCRIBE:
            was = subs.subscriber(channel)
            if not subs.unsubscribe(channel):
                return text_message(t(said, "not_subscribed"))
            logger.info("channel unsubscribed %s", ids)
            return text_message(t(was.lang if was else said, "unsubscribed"))
        lang = language_code(command.arg) if command.arg else said
        if lang is None:
            return text_message(t(said, "subscribe_languages"))
        new = subs.subscribe(channel, lang, responder.user_hash(user))
    except StoreError as exc:
        logger.error("subscription not saved (%s) %s", exc, ids)
        return text_message(t(said, "subscribe_failed"))
    logger.info("channel subscribed in %s (%s) %s", lang, "new" if new else "language updated", ids)
    return text_message(t(lang, "subscribed" if new else "subscription_updated", language=language_name(lang, lang)))


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


def handle_command(ack: Ack, body: dict[str, Any], command: dict[str, Any], context: BoltContext) -> None:
    """Record the command for a runner, then ack: Slack does not retry a command, so one that cannot be
    recorded gets a "try again" note in the ack instead of silence."""
    responder: Responder = context["responder"]
    try:
        responder.defer(Work.of(WorkKind.COMMAND, request_key("cmd", body), "command", body,
                                question=command.get("text") or ""), command.get("user_id"))
    except StoreError as exc:
        logger.error("command not recorded (%s) %s", exc, log_ids(body))
        ack(response_type="ephemeral", text=t(parse(command.get("text") or "").lang, "busy_retry"))
        return
    ack()


def answer(responder: Responder, client: WebClient, work: Work) -> None:
    """The command's reply, privately, through its ``response_url``."""
    command, ids = work.body, log_ids(work.body)
    user = command.get("user_id") or ""
    parsed = parse(work.question)
    if parsed.kind == CommandKind.REPORT:
        message = report(responder, parsed.arg, user, parsed.lang, ids)
    elif parsed.kind in SUBSCRIPTIONS:
        message = subscription(responder, client, parsed, command)
    else:
        message = responder.command_reply(parsed, ids, body=command, user=user)
    outcome = send_ephemeral(respond_to(command), client, command, message, ids)
    responder.metrics.replies.labels("command", outcome).inc()


def flood_note(responder: Responder, client: WebClient, work: Work) -> None:
    """The "many questions waiting" note, as privately as the answers would have come."""
    note = text_message(t(parse(work.question).lang, "flood_note"))
    send_ephemeral(respond_to(work.body), client, work.body, note, log_ids(work.body))


def respond_to(body: dict[str, Any]) -> Respond:
    """Bolt's ``respond`` for a request's ``response_url`` (what the listener was given, rebuilt later)."""
    return Respond(response_url=body.get("response_url"))


WORK: dict[WorkKind, Handler] = {WorkKind.COMMAND: answer}


def register(app: App) -> None:
    app.command("/istio-events")(handle_command)
