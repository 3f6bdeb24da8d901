"""The "Share in channel" button: post the ephemeral reply again, for everyone, then drop the original.

Ephemeral messages are not sent back with the click, so the button's value carries the command
(kind, argument, language) and the reply is rebuilt from it: the answer pipeline is deterministic.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core.commands import Command, CommandKind
from bot.slack.blocks import SHARE_ACTION_ID
from bot.slack.delivery import Responder, log_ids, post_message

logger = logging.getLogger(__name__)


def handle_share(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    ack()
    ids = log_ids(body)
    user = (body.get("user") or {}).get("id", "")
    context["responder"].queue(user, "share", lambda: share(body, action, respond, client, context["responder"], ids),
                               ids)


def share(
    body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient, responder: Responder,
    ids: dict[str, Any],
) -> None:
    """Rebuild the reply from the button's value and post it for everyone."""
    try:
        value = json.loads(action.get("value") or "{}")
        command = Command(CommandKind(str(value["k"])), str(value.get("a", "")), str(value.get("l", "en")))
        answer_id = int(value["i"]) if "i" in value else None
    except (ValueError, KeyError, TypeError):
        logger.warning("share button with an unreadable value %s", ids)
        return
    user = (body.get("user") or {}).get("id", "")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    message = responder.command_reply(command, ids, share=False, shared_by=user, answer_id=answer_id)
    posted = post_message(client, channel, message, ids) if channel else None
    if posted is not None and channel:
        responder.attach(answer_id, channel, posted)  # reactions on the shared copy count as votes
    else:
        # Not a member of the channel (or a DM with someone else): response_url can still post there.
        try:
            respond(response_type="in_channel", replace_original=False, **message.post_kwargs())
        except Exception:
            logger.error("could not share the reply %s", ids, exc_info=True)
            return
    try:
        respond(delete_original=True)
    except Exception:
        logger.info("could not delete the ephemeral original %s", ids, exc_info=True)


def register(app: App) -> None:
    app.action(SHARE_ACTION_ID)(handle_share)
