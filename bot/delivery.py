"""Answering a Slack message: claim it once, show :eyes:, answer, post, and never fail loudly.

The listeners for mentions, DMs and thread follow-ups differ only in which messages they take; this
module is what they share. Slack Web API failures are logged with the event's ids and degrade the
reply (plain text instead of blocks, no reaction) rather than losing it; users never see exception
text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answer import Answer, Answerer
from bot.blocks import Message, answer_message, error_message, help_message
from bot.dedupe import Dedupe
from bot.language import detect_language, ui_language
from bot.markup import unmark

logger = logging.getLogger(__name__)

WORKING_REACTION = "eyes"
REJECTED_BLOCKS = frozenset(
    {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long", "invalid_arguments",
     "too_many_blocks"}
)
"""``chat.postMessage`` errors meaning "this rich message is not acceptable": retry as plain text."""
_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def log_ids(body: dict[str, Any]) -> dict[str, Any]:
    """The ids that let a log line be matched with Slack's side (never tokens)."""
    event = body.get("event") or {}
    ids = {
        "event_id": body.get("event_id"),
        "team": body.get("team_id") or (body.get("team") or {}).get("id"),
        "channel": event.get("channel") or body.get("channel_id") or (body.get("channel") or {}).get("id"),
        "ts": event.get("ts"),
        "trigger_id": body.get("trigger_id"),
    }
    return {key: value for key, value in ids.items() if value}


def strip_mentions(text: str, bot_user_id: str | None = None) -> str:
    """The question without the bot's mention (or any leading user mention when the id is unknown)."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = _MENTION.sub(" ", text, count=1)
    return " ".join(text.split())


def post_message(client: WebClient, channel: str, message: Message, ids: dict[str, Any], **extra: Any) -> bool:
    """``chat.postMessage`` with blocks; if Slack rejects the blocks, the plain text alone. True if posted."""
    try:
        client.chat_postMessage(channel=channel, **message.post_kwargs(), **extra)
        return True
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error not in REJECTED_BLOCKS:
            logger.error("chat.postMessage failed (%s) %s", error, ids)
            return False
        logger.warning("chat.postMessage rejected the blocks (%s); posting plain text %s", error, ids)
    try:
        client.chat_postMessage(channel=channel, **message.plain_kwargs(), **extra)
        return True
    except SlackApiError as exc:
        logger.error("plain-text chat.postMessage failed (%s) %s", exc.response.get("error"), ids)
        return False


def _react(client: WebClient, method: Callable[..., Any], channel: str, ts: str, ids: dict[str, Any]) -> bool:
    """Add or remove the working reaction; a missing ``reactions:write`` scope only costs the signal."""
    try:
        method(channel=channel, timestamp=ts, name=WORKING_REACTION)
        return True
    except SlackApiError as exc:
        logger.info("reaction %s skipped (%s) %s", method.__name__, exc.response.get("error"), ids)
        return False
    except Exception:
        logger.warning("reaction %s failed %s", method.__name__, ids, exc_info=True)
        return False


@dataclass
class Responder:
    """Answers messages for every listener: one reply per message, in the right thread."""

    answerer: Answerer
    dedupe: Dedupe

    def safe_ask(self, question: str, ids: dict[str, Any], lang: str | None = None) -> tuple[Answer | None, str]:
        """The answer (None on an internal failure, which is logged) and the UI language to use."""
        try:
            answer = self.answerer.ask(question, lang=lang)
            return answer, ui_language(answer.lang)
        except Exception:
            logger.exception("answering failed %s", ids)
            try:
                return None, ui_language(lang or detect_language(question))
            except Exception:
                return None, "en"

    def reply(
        self,
        client: WebClient,
        body: dict[str, Any],
        question: str,
        *,
        thread_ts: str | None,
    ) -> bool:
        """Answer the event's message once (``thread_ts`` None means in the channel itself, as in DMs)."""
        event = body["event"]
        channel, ts = event["channel"], event["ts"]
        ids = log_ids(body)
        if not self.dedupe.claim(channel, ts):
            logger.info("duplicate delivery ignored %s", ids)
            return False
        reacted = _react(client, client.reactions_add, channel, ts, ids)
        try:
            if not unmark(question):  # nothing but mentions or links of people
                message = help_message(detect_language(event.get("text") or ""))
            else:
                from bot.listeners.commands import build, parse  # the slash command's words work here too

                kind, arg, lang = parse(question)
                if kind in ("help", "events", "videos"):
                    message = build(self, kind, arg, lang, ids, share=False)
                else:
                    answer, lang = self.safe_ask(question, ids)
                    today = self.answerer.today()
                    message = answer_message(answer, today=today) if answer is not None else error_message(lang)
            extra = {"thread_ts": thread_ts} if thread_ts else {}
            posted = post_message(client, channel, message, ids, **extra)
            if posted and thread_ts:
                self.dedupe.follow_thread(channel, thread_ts)
            return posted
        finally:
            if reacted:
                _react(client, client.reactions_remove, channel, ts, ids)
