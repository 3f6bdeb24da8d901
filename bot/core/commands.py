"""What a message asks for: ``help``, ``events``, ``videos``, ``report``, or a question, and its reply.

The same words work after ``/istio-events`` in Slack, in a mention or DM, and in the terminal chat, so
they are read here, once, for every surface (in English, Spanish or Chinese: ``eventos``, ``视频``).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import NamedTuple

from bot.core import catalogue, compose
from bot.core.answerer import Answerer
from bot.core.language import detect_language, ui_language
from bot.core.markup import clip, neutralize, unmark
from bot.core.reply import Reply
from bot.core.strings import SUBCOMMANDS

_DURATION = re.compile(r"^\d+\s*[mhdw]$", re.IGNORECASE)
MAX_ECHOED_CHARS = 200
"""A filter or topic the reply repeats is cut here."""


class CommandKind(enum.StrEnum):
    ASK = "ask"
    HELP = "help"
    EVENTS = "events"
    VIDEOS = "videos"
    REPORT = "report"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"


SUBSCRIPTIONS = frozenset({CommandKind.SUBSCRIBE, CommandKind.UNSUBSCRIBE})
"""Commands that change what a channel is told (workspace admins and ``ADMIN_USER_IDS``)."""
LANGUAGE_WORDS = {
    "en": "en", "english": "en", "inglés": "en", "ingles": "en", "英文": "en", "英语": "en",
    "es": "es", "spanish": "es", "español": "es", "espanol": "es", "西班牙文": "es", "西班牙语": "es",
    "zh": "zh", "chinese": "zh", "chino": "zh", "中文": "zh", "汉语": "zh",
}
"""What ``subscribe`` takes as a channel's language."""

LISTINGS = frozenset({CommandKind.HELP, CommandKind.EVENTS, CommandKind.VIDEOS})
"""Commands answered from the catalogue, without a question to log."""


class Command(NamedTuple):
    """A message read as a command: what it asks for, its argument, and the UI language to reply in."""

    kind: CommandKind
    arg: str
    lang: str


def parse(text: str) -> Command:
    """The command a message says; text that starts with no subcommand word is a question (``ask``)."""
    text = neutralize(unmark(text))  # Slack markup read as words; what is left of mentions made inert
    if not text:
        return Command(CommandKind.HELP, "", "en")
    word, _, rest = text.partition(" ")
    known = SUBCOMMANDS.get(word.casefold())
    if known is None:
        return Command(CommandKind.ASK, text, ui_language(detect_language(text)))
    sub, word_lang = known
    if sub in ("subscribe", "unsubscribe"):  # the argument is a language, never a question
        return Command(CommandKind(sub), rest.strip(), word_lang)
    if sub == "report" and rest and not _DURATION.match(rest):
        # "informe de la IstioCon 2022" is a question
        return Command(CommandKind.ASK, text, ui_language(detect_language(text)))
    lang = word_lang if word_lang != "en" or not rest else ui_language(detect_language(rest))
    return Command(CommandKind(sub), rest, lang)


def language_code(word: str) -> str | None:
    """The UI language ``subscribe``'s argument names (``es``, ``español``, ``中文``), or None."""
    return LANGUAGE_WORDS.get(word.strip().casefold())


def listing(answerer: Answerer, command: Command, today: dt.date | None = None) -> Reply:
    """The reply to ``help``, ``events [filter]`` or ``videos [topic]``, from the index alone."""
    if command.kind == CommandKind.EVENTS:
        upcoming, past = catalogue.events(answerer.index, today or answerer.today(), command.arg)
        return compose.events_reply(upcoming, past, command.lang, clip(command.arg, MAX_ECHOED_CHARS))
    if command.kind == CommandKind.VIDEOS:
        found = catalogue.videos(answerer.index, command.lang, command.arg, answerer.retriever)
        return compose.videos_reply(found, command.lang, clip(command.arg, MAX_ECHOED_CHARS))
    return compose.help_reply(command.lang)


def reply_to(answerer: Answerer, text: str) -> Reply:
    """The reply to a message as the terminal chat reads it: a listing command, or the answer to a question
    (``report`` needs the store and an admin, so it is answered as a question here)."""
    command = parse(text)
    if command.kind in LISTINGS:
        return listing(answerer, command)
    return answerer.ask(text)
