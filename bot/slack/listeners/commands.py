"""``/istio-events``: ``help``, ``events``, ``videos [topic or event]``, ``report [7d]`` (admins), or any question.

The command is acknowledged before anything else (Slack allows 3 seconds); the answer follows as
an ephemeral message through ``response_url``, with a "Share in channel" button whose value is what
:mod:`bot.slack.listeners.actions` needs to post the same reply for everyone.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core.commands import CommandKind, parse
from bot.core.strings import t
from bot.slack.blocks import Message, defang, report_message, text_message
from bot.slack.delivery import Responder, log_ids
from bot.store import StoreError
from bot.store.report import DEFAULT_SINCE, gap_report, parse_since

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
        parsed = parse(command.get("text") or "")
        if parsed.kind == CommandKind.REPORT:
            message = report(responder, parsed.arg, user, parsed.lang, ids)
        else:
            message = responder.command_reply(parsed, ids, body=body, user=user)
        responder.metrics.replies.labels("command", send_ephemeral(respond, client, command, message, ids)).inc()

    def flood_note() -> None:
        """The "many questions waiting" note, as privately as the answers would have come."""
        send_ephemeral(respond, client, command, text_message(t(parse(command.get("text") or "").lang, "flood_note")),
                       ids)

    responder.queue(user, "command", answer, ids, flooded=flood_note)


def register(app: App) -> None:
    app.command("/istio-events")(handle_command)
