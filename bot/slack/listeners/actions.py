"""The "Share in channel" button: post the ephemeral reply again, for everyone, then drop the original.

Ephemeral messages are not sent back with the click, so the button's value carries the command
(kind, argument, language) and the reply is rebuilt from it: the answer pipeline is deterministic.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.core.commands import Command, CommandKind
from bot.slack.blocks import SHARE_ACTION_ID
from bot.slack.delivery import Handler, Responder, log_ids, post_message
from bot.slack.listeners.commands import respond_to
from bot.slack.work import Work, WorkKind, request_key

logger = logging.getLogger(__name__)


def handle_share(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    user = (body.get("user") or {}).get("id")
    context["responder"].defer(Work.of(WorkKind.SHARE, request_key("share", body), "share", body), user)
    ack()


def share(responder: Responder, client: WebClient, work: Work) -> None:
    """Rebuild the reply from the button's value and post it for everyone."""
    body, ids = work.body, log_ids(work.body)
    action = (body.get("actions") or [{}])[0]
    respond = respond_to(body)
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


WORK: dict[WorkKind, Handler] = {WorkKind.SHARE: share}


def register(app: App) -> None:
    app.action(SHARE_ACTION_ID)(handle_share)
