"""Votes on answers: Slack's 👍 / 👎 feedback buttons, the same reactions on the bot's reply, and the
"what was wrong?" modal a 👎 button opens.

A button's value names the stored answer (``good:42``); a reaction is matched to the answer through the
reply's (channel, ts). Either way the vote is stored once per person and answer (:meth:`Store.cast_vote`),
under a salted hash of the user id, so a click and a reaction by the same person are one vote, and a
repeated click counts once. Payloads that name no answer we logged, and a store that is down, get a log
line and, where the user clicked something, a polite ephemeral reply.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.core.strings import t
from bot.slack.blocks import (
    FEEDBACK_ACTION_ID,
    MAX_REASON_CHARS,
    REASON_CALLBACK_ID,
    ReasonContext,
    parse_feedback_value,
    reason_modal,
)
from bot.slack.delivery import Responder, log_ids
from bot.store import StoreError, VoteOutcome

logger = logging.getLogger(__name__)

VOTE_REACTIONS = {"+1": 1, "thumbsup": 1, "-1": -1, "thumbsdown": -1}
"""Reactions counted as votes (skin tones included: ``+1::skin-tone-3``)."""


def reaction_vote(name: str) -> int | None:
    return VOTE_REACTIONS.get(name.split("::")[0])


def _tell(respond: Respond, text: str, ids: dict[str, Any]) -> None:
    """An ephemeral note to the person who clicked (through the action's response_url)."""
    try:
        respond(text=text, response_type="ephemeral", replace_original=False)
    except Exception:
        logger.info("could not send the feedback note %s", ids, exc_info=True)


def handle_feedback_button(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    ids = log_ids(body)
    responder: Responder = context["responder"]
    feedback = parse_feedback_value(str(action.get("value") or ""))
    user = (body.get("user") or {}).get("id")
    if feedback is None or not user:
        logger.warning("feedback button with an unreadable value or no user: ignored %s", ids)
        return
    try:
        outcome = responder.store.cast_vote(feedback.answer_id, responder.store.hash_user(None, user),
                                            feedback.vote, "button")
    except StoreError as exc:
        logger.error("could not store a feedback vote (%s) %s", exc, ids)
        _tell(respond, t(feedback.lang, "feedback_failed"), ids)
        return
    if outcome is VoteOutcome.UNKNOWN_ANSWER:
        logger.warning("feedback on answer %d, which is not on record (pruned or forged) %s",
                       feedback.answer_id, ids)
        _tell(respond, t(feedback.lang, "feedback_unknown"), ids)
        return
    logger.info("vote %+d on answer %d by button (%s) %s", feedback.vote, feedback.answer_id,
                outcome.name.lower(), ids)
    if outcome in (VoteOutcome.NEW, VoteOutcome.CHANGED):  # a click after the same reaction is the same vote
        responder.metrics.votes.labels("up" if feedback.vote > 0 else "down", "button").inc()
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
    if feedback.vote < 0 and body.get("trigger_id"):
        try:
            reason = ReasonContext(feedback.answer_id, channel, feedback.lang)
            client.views_open(trigger_id=body["trigger_id"], view=reason_modal(reason))
            return
        except Exception:
            logger.info("could not open the reason modal %s", ids, exc_info=True)
    _tell(respond, t(feedback.lang, "feedback_thanks"), ids)


def _reaction(event: dict[str, Any], body: dict[str, Any], context: BoltContext, added: bool) -> None:
    value = reaction_vote(str(event.get("reaction") or ""))
    item = event.get("item") or {}
    user = event.get("user")
    if value is None or item.get("type") != "message" or not user or user == context.bot_user_id:
        return
    if event.get("item_user") not in (None, context.bot_user_id):
        return  # a reaction on someone else's message
    ids = {**log_ids(body), "channel": item.get("channel"), "ts": item.get("ts")}
    responder: Responder = context["responder"]
    try:
        stored = responder.store.answer_for_reply(str(item.get("channel")), str(item.get("ts")))
        if stored is None:
            logger.info("reaction on a message that carries no logged answer: not a vote %s", ids)
            return
        user_hash = responder.store.hash_user(None, user)  # as for buttons: one person, one hash
        if added:
            outcome = responder.store.cast_vote(stored.id, user_hash, value, "reaction")
            logger.info("vote %+d on answer %d by reaction (%s) %s", value, stored.id, outcome.name.lower(), ids)
            if outcome in (VoteOutcome.NEW, VoteOutcome.CHANGED):
                responder.metrics.votes.labels("up" if value > 0 else "down", "reaction").inc()
        elif responder.store.retract_vote(stored.id, user_hash, value, "reaction"):
            logger.info("vote %+d on answer %d withdrawn %s", value, stored.id, ids)
    except StoreError as exc:
        responder.metrics.errors.labels("store").inc()
        logger.error("could not store a reaction vote (%s) %s", exc, ids)


def handle_reaction_added(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    _reaction(event, body, context, added=True)


def handle_reaction_removed(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    _reaction(event, body, context, added=False)


def reason_text(view: dict[str, Any]) -> str:
    """The chosen reasons (their codes) and the free text, as one line."""
    values = (view.get("state") or {}).get("values") or {}
    chosen = [o.get("value", "") for o in ((values.get("choices") or {}).get("choices") or {}).get("selected_options")
              or []]
    details = (((values.get("details") or {}).get("details") or {}).get("value") or "").strip()
    return "; ".join(part for part in (", ".join(c for c in chosen if c), details[:MAX_REASON_CHARS]) if part)


def handle_reason(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    """Close the modal at once (Slack allows 3 seconds; the store may be slower), then keep the reason; if
    it cannot be kept, say so to the user where the answer was."""
    ack()
    responder: Responder = context["responder"]
    ids = log_ids(body)
    reason_context = ReasonContext.decode(str(view.get("private_metadata") or ""))
    user = (body.get("user") or {}).get("id")
    reason = reason_text(view)
    if reason_context is None or not user:
        logger.warning("reason modal with unreadable metadata or no user: ignored %s", ids)
        return
    if not reason:
        return
    try:
        kept = responder.store.add_reason(reason_context.answer_id, responder.store.hash_user(None, user), reason)
    except StoreError as exc:
        logger.error("could not store a feedback reason (%s) %s", exc, ids)
        if reason_context.channel:
            try:
                client.chat_postEphemeral(channel=reason_context.channel, user=user,
                                          text=t(reason_context.lang, "feedback_failed"))
            except Exception:
                logger.info("could not tell the user %s", ids, exc_info=True)
        return
    if not kept:
        logger.warning("reason for answer %d without a vote on record: dropped %s", reason_context.answer_id, ids)


def register(app: App) -> None:
    app.action(FEEDBACK_ACTION_ID)(handle_feedback_button)
    app.event("reaction_added")(handle_reaction_added)
    app.event("reaction_removed")(handle_reaction_removed)
    app.view(REASON_CALLBACK_ID)(handle_reason)
