"""Announcements and reminders in subscribed channels: each notice posted once per channel, in its language.

Two entry points, both safe to call on every host, as often as wanted:

- :func:`announce_after_sync` ``(store, client, before, after, today)``: after a sync, the news between the
  catalogue before and after it (:func:`bot.core.notices.announcements`);
- :func:`remind` ``(store, client, catalogue, today)``: the reminders due ``today``
  (:func:`bot.core.notices.reminders`), from a daily (or more frequent) tick.

Each records its notices in the store first, by key, once (:class:`bot.store.subscriptions.Subscriptions`),
then posts every pending notice (:func:`deliver_pending`): for each subscribed channel, the notice is *taken*
for that channel in the store, then posted. So two hosts never post one notice twice in a channel, and a
notice recorded by a host that died before posting it everywhere is posted by the next call, on any host.
The window left: a host that dies after taking a notice for a channel and before Slack has it (one
``chat.postMessage``) loses that message for that channel; it is never posted twice. A Slack that cannot be
reached gives the notice back (posted by the next call); a channel Slack refuses for good (the bot is not in
it, it was archived) is logged and not retried. A reminder still pending when its event has started is
dropped, not posted late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core.citations import Part
from bot.core.notices import Notice, announcements, notice_text, reminders
from bot.slack.blocks import Message, context, escape, parts_mrkdwn, section
from bot.slack.delivery import REJECTED_BLOCKS
from bot.store import Store, StoreError
from bot.store.subscriptions import Subscriptions
from embeddings.events import Event

logger = logging.getLogger(__name__)

RETRYABLE = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
"""``chat.postMessage`` errors that say nothing about the channel: the notice is given back and posted later."""
MAX_ROUNDS = 20
"""Batches of pending notices one call works through at most (each up to 500 channel copies)."""


@dataclass
class Outcome:
    """What one call did: notices recorded (new to the store), messages posted, refused, given back, dropped."""

    recorded: int = 0
    posted: int = 0
    failed: int = 0
    retry: int = 0
    stale: int = 0


def notice_message(notice: Notice, lang: str, today: dt.date) -> Message:
    """The notice as Block Kit in ``lang``: the headline in bold, its lines (the post, the event's line with
    its links), and a footer saying how to stop them; the same as plain text for notifications."""
    text = notice_text(notice, lang, today)
    lines = ["• " + parts_mrkdwn(list(parts)) for parts in text.lines]
    blocks = [section(f"*{escape(text.headline)}*"), section("\n".join(lines)), context(text.footer)]
    plain = "\n".join([text.headline, *(" · ".join(_plain(p) for p in parts) for parts in text.lines)])
    return Message(text=plain, blocks=list(blocks))


def _plain(part: Part) -> str:
    return f"{part.text} ({part.url})" if part.url and part.url != part.text else part.text


def record(subs: Subscriptions, notices: Sequence[Notice]) -> int:
    """Record ``notices`` (each once, by key); what each supersedes is silenced first. How many were new."""
    new = 0
    for notice in notices:
        for stale in notice.supersedes:
            subs.silence(stale, notice.kind)
        new += subs.record(notice.key, notice.kind, notice.payload())
    return new


def announce_after_sync(
    store: Store, client: WebClient, before: Sequence[Event], after: Sequence[Event], today: dt.date
) -> Outcome:
    """Tell subscribed channels what a sync brought (new events, recap posts, recordings), once each.

    ``before`` and ``after`` are the catalogues (``Index.events``, ``Corpus.events``) before and after the
    sync; an empty ``before`` announces nothing (no catalogue to compare with)."""
    subs = Subscriptions(store)
    outcome = Outcome(recorded=record(subs, announcements(before, after, today)))
    return deliver_pending(store, client, today, outcome)


def remind(store: Store, client: WebClient, catalogue: Sequence[Event], today: dt.date) -> Outcome:
    """Post the reminders due ``today`` (a week and a day before each event, before a CFP closes), once each."""
    subs = Subscriptions(store)
    outcome = Outcome(recorded=record(subs, reminders(catalogue, today)))
    return deliver_pending(store, client, today, outcome)


def deliver_pending(store: Store, client: WebClient, today: dt.date, outcome: Outcome | None = None) -> Outcome:
    """Post every recorded notice some subscribed channel has not had, each once per channel."""
    subs = Subscriptions(store)
    outcome = outcome or Outcome()
    for _ in range(MAX_ROUNDS):
        batch = subs.pending()
        if not batch:
            break
        progressed = False
        for stored, subscriber in batch:
            notice = Notice.from_payload(stored.payload)
            if not subs.take(stored.id, subscriber.channel):
                continue  # another host has it (or it was silenced meanwhile)
            progressed = True
            if not notice.relevant(today):
                subs.failed(stored.id, subscriber.channel, "stale")
                outcome.stale += 1
                logger.info("notice %s dropped for %s: no longer relevant", stored.key, subscriber.channel)
                continue
            ts, error = _post(client, subscriber.channel, notice_message(notice, subscriber.lang, today))
            if ts is not None:
                subs.posted(stored.id, subscriber.channel, ts)
                outcome.posted += 1
            elif error in RETRYABLE or error is None:
                subs.give_back(stored.id, subscriber.channel)
                outcome.retry += 1
                return outcome  # Slack is down or busy: everything else waits for the next run too
            else:
                subs.failed(stored.id, subscriber.channel, error[:32])
                outcome.failed += 1
        if not progressed:
            break
    return outcome


def _post(client: WebClient, channel: str, message: Message) -> tuple[str | None, str | None]:
    """``chat.postMessage`` (plain text if the blocks are refused): the message's ts, else Slack's error (None
    when Slack could not be reached)."""
    ids = {"channel": channel}
    for kwargs in (message.post_kwargs(), message.plain_kwargs()):
        try:
            return str(client.chat_postMessage(channel=channel, **kwargs).get("ts") or ""), None
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "error") if exc.response is not None else "error"
            if error not in REJECTED_BLOCKS or "blocks" not in kwargs:
                logger.error("announcement not posted (%s) %s", error, ids)
                return None, error
            logger.warning("announcement blocks refused (%s); posting plain text %s", error, ids)
        except Exception as exc:  # Slack unreachable after the client's retries
            logger.error("announcement not posted: Slack unreachable (%s: %s) %s", type(exc).__name__, exc, ids)
            return None, None
    return None, "error"


__all__ = ["Outcome", "StoreError", "announce_after_sync", "deliver_pending", "notice_message", "record", "remind"]
