"""Answering a Slack message: claim it once, show :eyes:, answer, post, and never fail loudly.

The listeners for mentions, DMs and thread follow-ups differ only in which messages they take; this
module is what they share. Slack Web API failures are logged with the event's ids and degrade the
reply (plain text instead of blocks, no reaction) rather than losing it; users never see exception
text.
"""

from __future__ import annotations

import enum
import logging
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.core import compose
from bot.core.answerer import Answerer
from bot.core.commands import LISTINGS, Command, CommandKind, listing, parse
from bot.core.language import detect_language, ui_language
from bot.core.markup import USER_MENTION as _USER_MENTION
from bot.core.markup import drop_lone_surrogates, unmark
from bot.core.reply import Reply, ReplyKind
from bot.core.strings import t
from bot.settings import BotOptions
from bot.slack.blocks import Message, reply_message, text_message
from bot.slack.locales import Locales
from bot.slack.metrics import Metrics
from bot.slack.work import Work, WorkKind
from bot.store import AnswerRecord, Store, StoreError
from bot.store.jobs import Accepted, JobQueue

if TYPE_CHECKING:
    from bot.slack.home import HomeTabs
    from bot.slack.reload import IndexWatcher

logger = logging.getLogger(__name__)

WORKING_REACTION = "eyes"
REJECTED_BLOCKS = frozenset(
    {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long", "invalid_arguments",
     "too_many_blocks"}
)
"""``chat.postMessage`` errors meaning "this rich message is not acceptable": retry as plain text."""
WARMING_NOTE_KINDS = frozenset({WorkKind.REPLY, WorkKind.PANEL, WorkKind.COMMAND})
"""Work whose asker hears that the bot is still starting (questions, not Home-tab opens or shares)."""
PRUNE_EVERY = 3600.0
"""Seconds between two applications of the store's retention (``FEEDBACK_RETENTION_DAYS``)."""
MAX_QUESTION_CHARS = 2000
"""Longer messages are cut here (and logged) as they come in, before anything reads them (:func:`cut_question`).
Slack allows 40,000 characters; the encoder reads 512 tokens (about 2,000 characters) anyway, and detecting
the language of, embedding or storing all of a long text costs seconds of a shared core and space for nothing."""


def cut_question(body: dict[str, Any]) -> None:
    """Cut the message's text to :data:`MAX_QUESTION_CHARS` in place (an event's ``text``, a slash command's
    ``text``), at the entry, so that language detection, the answerer and the question log only ever see the
    cut text. Called once per request, before any listener (:func:`bot.slack.listeners.register`)."""
    event = body.get("event")
    holder: dict[str, Any] | None = event if isinstance(event, dict) else body if body.get("command") else None
    if holder is None:
        return
    text = holder.get("text")
    if isinstance(text, str) and len(text) > MAX_QUESTION_CHARS:
        logger.info("question of %d characters cut to %d %s", len(text), MAX_QUESTION_CHARS, log_ids(body))
        holder["text"] = text[:MAX_QUESTION_CHARS]


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
    """The question without the bot's mention (or any leading user mention when the id is unknown), and
    without lone surrogates (:func:`bot.core.markup.drop_lone_surrogates`)."""
    text = drop_lone_surrogates(text)
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    else:
        text = _USER_MENTION.sub(" ", text, count=1)
    return " ".join(text.split())


def post_message(
    client: WebClient, channel: str, message: Message, ids: dict[str, Any], **extra: Any
) -> str | None:
    """``chat.postMessage`` with blocks; if Slack rejects the blocks, the plain text alone. The posted
    message's ``ts``, or None when nothing could be posted."""
    try:
        response = client.chat_postMessage(channel=channel, **message.post_kwargs(), **extra)
        return str(response.get("ts") or "")
    except SlackApiError as exc:
        error = exc.response.get("error") if exc.response is not None else None
        if error not in REJECTED_BLOCKS:
            logger.error("chat.postMessage failed (%s) %s", error, ids)
            return None
        logger.warning("chat.postMessage rejected the blocks (%s); posting plain text %s", error, ids)
    except Exception as exc:  # Slack unreachable (refused, reset, timed out) after the client's retries
        logger.error("chat.postMessage could not reach Slack (%s: %s) %s", type(exc).__name__, exc, ids)
        return None
    try:
        response = client.chat_postMessage(channel=channel, **message.plain_kwargs(), **extra)
        return str(response.get("ts") or "")
    except SlackApiError as exc:
        logger.error("plain-text chat.postMessage failed (%s) %s", exc.response.get("error"), ids)
        return None
    except Exception as exc:
        logger.error("plain-text chat.postMessage could not reach Slack (%s: %s) %s", type(exc).__name__, exc, ids)
        return None


def _react(client: WebClient, method: Callable[..., Any], channel: str, ts: str, ids: dict[str, Any]) -> bool:
    """Add or remove the working reaction; a missing ``reactions:write`` scope only costs the signal."""
    try:
        method(channel=channel, timestamp=ts, name=WORKING_REACTION)
        return True
    except SlackApiError as exc:
        logger.info("reaction %s skipped (%s) %s", method.__name__, exc.response.get("error"), ids)
        return False
    except Exception as exc:
        logger.warning("reaction %s failed (%s: %s) %s", method.__name__, type(exc).__name__, exc, ids)
        return False


class Delivery(enum.Enum):
    """What became of a message the bot was asked to answer."""

    POSTED = "posted"
    DUPLICATE = "duplicate"  # another delivery of the same message claimed it
    FAILED = "failed"  # Slack refused the reply, even as plain text


def answer_record(answer: Reply | None, question: str, surface: str, lang: str, user_hash: str | None) -> AnswerRecord:
    """What the question log keeps of one answer: what was asked and what was cited (never who asked, and
    no one else's user id: mentions of people in the question are stored as ``@someone``)."""
    question = _USER_MENTION.sub("@someone", question)
    if answer is None:
        return AnswerRecord(surface, question, lang, declined=False, kind="error", user_hash=user_hash)
    documents = tuple(dict.fromkeys(s.url for s in answer.quotes))
    passages = tuple(s.passage_id for s in answer.quotes if s.passage_id)
    topic = answer.quotes[0].title if answer.quotes else None
    if answer.kind == ReplyKind.SESSIONS:
        documents = tuple(dict.fromkeys(s.page for s in answer.sessions if s.page))
        passages = tuple(s.id for s in answer.sessions)
        topic = answer.sessions[0].event if answer.sessions else None
    elif answer.kind == ReplyKind.UPCOMING:
        documents = tuple(e.key for e in answer.events)
        topic = "upcoming events"
    return AnswerRecord(
        surface=surface, question=question, lang=answer.lang, declined=answer.abstained, kind=str(answer.kind),
        documents=documents, passages=passages, topic=topic, user_hash=user_hash,
    )


@dataclass
class Responder:
    """Answers messages for every listener: one reply per message, in the right thread, logged once.

    Listeners only :meth:`defer` work: it is recorded in the store (``jobs``) before Slack is told the request
    was received, and a runner (``bot.slack.runner``; ``wake`` when one runs in this process) takes it.
    ``source`` is the answerer, or its future while the index loads (work waits for it in the runner); None
    in a process that only acks, its answers worked out by answer processes.
    """

    source: Answerer | Future[Answerer] | None
    store: Store
    jobs: JobQueue
    options: BotOptions = field(default_factory=BotOptions)
    metrics: Metrics = field(default_factory=Metrics)
    locales: Locales = field(default_factory=Locales)
    wake: Callable[[], None] | None = None
    warming: Callable[[], bool] | None = None
    """True while the host that started with no index builds it: questions accepted meanwhile get a note that
    the answer will take a minute (:func:`post_warming_note`), then their answer once it is built."""
    client: WebClient | None = None
    """The Web API client of the acking process (for the warming-up note)."""
    """Tells this process's runner that work was accepted (it looks at the store at once)."""
    _next_prune: float = field(default=0.0, init=False, repr=False)

    @property
    def answerer(self) -> Answerer:
        """The answerer; while the index loads, this waits for it (only work in the runner asks)."""
        if self.source is None:
            raise RuntimeError("this process only acks: answers are worked out by the answer processes")
        return self.source.result() if isinstance(self.source, Future) else self.source

    def use(self, answerer: Answerer) -> None:
        """Answer with ``answerer`` from now on: a new index build (:mod:`bot.slack.reload`). One assignment, so
        each question is answered wholly by the old or wholly by the new index."""
        self.source = answerer
        self.__dict__.pop("home_tabs", None)  # the Home tab is built from the index: build it again
        self.metrics.observe_index(answerer.index)

    def watch_index(self, index_dir: Path) -> IndexWatcher:
        """Swap to each new index build written to ``index_dir`` (checked in a background thread)."""
        from bot.slack.reload import IndexWatcher

        return IndexWatcher(index_dir, lambda: self.answerer, self.use,
                            on_failure=self.metrics.reload_failures.inc).start()

    @cached_property
    def home_tabs(self) -> HomeTabs:
        from bot.slack.home import HomeTabs

        return HomeTabs(self.answerer.index, self.answerer.today)

    def defer(self, work: Work, user: str | None) -> Accepted:
        """Record ``work`` in the store for a runner to do, in ``user``'s turn; returns at once.

        Raises :class:`StoreError` when it cannot be recorded: the listener then fails, Bolt answers Slack
        with a 500, and Slack delivers the event again (an event acked but not recorded would be lost).
        When the asker has too much waiting, the work is dropped (never logged as answered) and the first drop
        of the flood leaves one note for them (:meth:`JobQueue.accept`'s ``flood_key``)."""
        self.metrics.events.labels(work.surface).inc()
        asker = self.user_hash(user)
        accepted = self.jobs.accept(work.key, work.kind, work.payload(), asker)
        if accepted.outcome is Accepted.FLOODED:
            self.metrics.errors.labels("dropped").inc()
            logger.warning("one asker has too many questions waiting: this one is dropped %s", log_ids(work.body))
            if accepted.flood_key is not None:
                self.jobs.accept(accepted.flood_key, WorkKind.FLOOD_NOTE, work.flood_note(accepted.flood_key).payload())
        elif accepted.outcome is Accepted.DUPLICATE:
            logger.info("duplicate delivery ignored %s", log_ids(work.body))
            self.metrics.replies.labels(work.surface, Delivery.DUPLICATE.value).inc()
        elif self.client is not None and work.kind in WARMING_NOTE_KINDS and self.warming and self.warming():
            threading.Thread(target=post_warming_note, args=(self.client, work), name="warming-note",
                             daemon=True).start()  # a Web API call: never before the ack
        if self.wake is not None:
            self.wake()
        return accepted.outcome

    def safe_ask(self, question: str, ids: dict[str, Any], lang: str | None = None) -> tuple[Reply | None, str]:
        """The answer (None on an internal failure, which is logged) and the UI language to use.

        The question was already cut to :data:`MAX_QUESTION_CHARS` where the message came in
        (:func:`cut_question`)."""
        started = time.perf_counter()
        try:
            answer = self.answerer.ask(question, lang=lang)
            self.metrics.answer_seconds.observe(time.perf_counter() - started)
            return answer, ui_language(answer.lang)
        except Exception:
            self.metrics.errors.labels("answer").inc()
            logger.exception("answering failed %s", ids)
            try:
                return None, ui_language(lang or detect_language(question))
            except Exception:
                return None, "en"

    def user_hash(self, user: str | None) -> str | None:
        """The salted hash the store keeps instead of a user id (None when unknown or the store is down).

        The user id alone is hashed, not the team: events and interactions name the team in different
        fields (and Slack Connect can differ), while one person's votes must hash the same everywhere."""
        if not user:
            return None
        try:
            return self.store.hash_user(None, user)
        except StoreError as exc:
            logger.warning("could not hash the user id (%s)", exc)
            return None

    def log_answer(
        self, answer: Reply | None, question: str, surface: str, lang: str, body: dict[str, Any], user: str | None
    ) -> int | None:
        """Record the answer in the question log; its id goes into the feedback buttons (None if not stored)."""
        if answer is not None:
            self.metrics.answers.labels(surface, str(answer.abstained).lower()).inc()
        record = answer_record(answer, question, surface, lang, self.user_hash(user))
        try:
            answer_id = self.store.record_answer(record)
        except StoreError as exc:
            self.metrics.errors.labels("store").inc()
            logger.error("could not log the answer; replying without feedback buttons (%s) %s", exc, log_ids(body))
            return None
        self.apply_retention()
        return answer_id

    def apply_retention(self) -> None:
        """Delete what ``FEEDBACK_RETENTION_DAYS`` no longer keeps: at the first answer, then hourly at most."""
        if time.monotonic() < self._next_prune:
            return
        self._next_prune = time.monotonic() + PRUNE_EVERY
        try:
            removed = self.store.prune()
        except StoreError as exc:
            logger.warning("retention could not be applied (%s)", exc)
            return
        if removed:
            logger.info("retention: %d expired rows removed from the store", removed)

    def attach(self, answer_id: int | None, channel: str, ts: str | None) -> None:
        """Remember which message carries the answer, so reactions on it count as votes."""
        if answer_id is None or not ts:
            return
        try:
            self.store.attach_reply(answer_id, channel, ts)
        except StoreError as exc:
            logger.warning("could not remember the reply's ts (%s)", exc)

    def follow(self, channel: str, thread_ts: str) -> None:
        try:
            self.store.follow_thread(channel, thread_ts)
        except StoreError as exc:
            logger.warning("could not remember the thread (%s)", exc)

    def follows(self, channel: str, thread_ts: str) -> bool:
        try:
            return self.store.follows_thread(channel, thread_ts)
        except StoreError as exc:
            logger.warning("could not read the followed threads (%s)", exc)
            return False

    def compose(
        self, body: dict[str, Any], question: str, surface: str, *, note: str | None = None
    ) -> tuple[Message, int | None]:
        """The reply to a message (the slash command's words work too) and its logged answer id."""
        event = body.get("event") or {}
        ids = log_ids(body)
        if not unmark(question):  # nothing but mentions or links of people
            lang = detect_language(event.get("text") or "")
            if note:  # a file and no words: the note alone
                return reply_message(compose.note_only(question, lang, note)), None
            return reply_message(compose.help_reply(lang)), None
        command = parse(question)
        if command.kind in LISTINGS:
            return self.command_reply(command, ids, share=False), None
        answer, ui_lang = self.safe_ask(question, ids)
        answer_id = self.log_answer(answer, question, surface, ui_lang, body, event.get("user"))
        if answer is None:
            return reply_message(compose.error(question, ui_lang)), answer_id
        return reply_message(compose.with_note(answer, note), feedback=answer_id), answer_id

    def command_reply(
        self,
        command: Command,
        ids: dict[str, Any],
        *,
        share: bool = True,
        shared_by: str | None = None,
        body: dict[str, Any] | None = None,
        user: str | None = None,
        answer_id: int | None = None,
    ) -> Message:
        """The reply to a command (``/istio-events …`` or the words of a message).

        ``share`` adds the "Share in channel" button, whose value is the command (and the logged answer's
        id); ``shared_by`` marks a shared copy. A question's answer is logged once (``body`` and ``user`` say
        where from) and gets the feedback buttons; a shared copy passes the ``answer_id`` it was logged under
        instead of logging it again.
        """
        kind, arg, lang = command
        value: dict[str, Any] = {"k": str(kind), "a": arg, "l": lang}
        if kind == CommandKind.HELP:
            return reply_message(compose.help_reply(lang))
        if kind in LISTINGS:
            try:
                listed = listing(self.answerer, command)
            except Exception:
                logger.exception("listing %s failed %s", kind, ids)
                return reply_message(compose.error(arg, lang))
            return reply_message(listed, share=value if share else None, shared_by=shared_by)
        answer, ui_lang = self.safe_ask(arg, ids, lang=lang)
        if answer_id is None and body is not None:
            answer_id = self.log_answer(answer, arg, "command", ui_lang, body, user)
        if answer is None:
            return reply_message(compose.error(arg, ui_lang))
        if answer_id is not None:
            value["i"] = answer_id
        return reply_message(answer, echo_question=True, share=value if share else None, shared_by=shared_by,
                             feedback=answer_id)

    def reply(
        self,
        client: WebClient,
        body: dict[str, Any],
        question: str,
        *,
        thread_ts: str | None,
        surface: str,
        note: str | None = None,
        working: Callable[[], Any] | None = None,
    ) -> Delivery:
        """Answer the event's message (``thread_ts`` None means in the channel itself, as in DMs); exactly once
        because the Work that runs this was accepted once (:meth:`defer`).

        While it works, the question gets :eyes:, or ``working`` is called instead once the message is
        claimed (the assistant panel shows a status line)."""
        event = body["event"]
        channel, ts = event["channel"], event["ts"]
        ids = log_ids(body)
        reacted = working is None and _react(client, client.reactions_add, channel, ts, ids)
        if working is not None:
            try:
                working()
            except Exception:
                logger.info("could not show the working status %s", ids, exc_info=True)
        try:
            message, answer_id = self.compose(body, question, surface, note=note)
            extra = {"thread_ts": thread_ts} if thread_ts else {}
            posted = post_message(client, channel, message, ids, **extra)
            self.attach(answer_id, channel, posted)
            if posted is not None and thread_ts:
                self.follow(channel, thread_ts)
            delivery = Delivery.POSTED if posted is not None else Delivery.FAILED
            self.metrics.replies.labels(surface, delivery.value).inc()
            return delivery
        finally:
            if reacted:
                _react(client, client.reactions_remove, channel, ts, ids)


def post_warming_note(client: WebClient, work: Work) -> None:
    """"I'm just starting", where the question was asked (privately for a command), in its language."""
    lang = ui_language(detect_language(work.question)) if work.question else "en"
    if work.kind == WorkKind.COMMAND:
        lang = parse(work.question).lang
    note = text_message(t(lang, "warming_up"))
    try:
        if work.kind == WorkKind.COMMAND:
            Respond(response_url=work.body.get("response_url"))(response_type="ephemeral", **note.plain_kwargs())
            return
        extra = {"thread_ts": work.thread_ts} if work.thread_ts else {}
        post_message(client, work.event["channel"], note, log_ids(work.body), **extra)
    except Exception:
        logger.info("could not post the warming-up note %s", log_ids(work.body), exc_info=True)


Handler = Callable[[Responder, WebClient, Work], None]
"""Runs one kind of :class:`Work`, with the responder and Web API client of the process that took it."""


def post_flood_note(responder: Responder, client: WebClient, work: Work) -> None:
    """The "many questions waiting" note, where the dropped message was asked (its thread, or the channel),
    in its language: once per flood (the note's Work is accepted under the flood's key)."""
    lang = ui_language(detect_language(work.question)) if work.question else "en"
    extra = {"thread_ts": work.thread_ts} if work.thread_ts else {}
    post_message(client, work.event["channel"], text_message(t(lang, "flood_note")), log_ids(work.body), **extra)
