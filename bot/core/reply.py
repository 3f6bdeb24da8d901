"""The one typed reply every surface shows: Slack blocks, the terminal and JSON are three views of it.

A :class:`Reply` is composed once, in the asker's language, by the core (:mod:`bot.core.answerer` for a
question, :mod:`bot.core.commands` for ``help``, ``events`` and ``videos``). It says everything a view
needs and nothing about how to draw it: renderers (:mod:`bot.render.text`, :mod:`bot.render.json_reply`,
:mod:`bot.slack.blocks`) only lay it out. What a reply *shows* (its links, its quoted text) is therefore a
property of the reply, which is what ``eval`` scores.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from bot.core.catalogue import Video
from bot.core.citations import Part, inline_parts
from embeddings.events import Event
from embeddings.markdown import Link
from embeddings.sessions import Session


class ReplyKind(enum.StrEnum):
    """What a reply is; the values are what the question log and ``ask --json`` record."""

    QUOTES = "passages"
    """Quoted snippets with their citations and the recordings they mention."""
    SESSIONS = "sessions"
    """The talks a list question asks for."""
    UPCOMING = "upcoming"
    """The events still to come (or, with none known, the latest one)."""
    DONT_KNOW = "none"
    """An honest "I don't know": nothing known answers the question."""
    EVENTS = "events"
    """The event catalogue (``/istio-events events``)."""
    VIDEOS = "videos"
    """Talk recordings grouped by event (``/istio-events videos``)."""
    HELP = "help"
    """What the bot can do."""
    ERROR = "error"
    """Something failed inside the bot; the user gets an apology, never exception text."""
    NOTE = "note"
    """Only the bot's own note (e.g. "I read text only" for a file without words)."""


@dataclass
class Quote:
    """The quoted part of one passage, where it comes from, and the links written in it.

    ``spans`` gives, for each link, the range of ``text`` it is written on (``(0, 0)``: cited beside the
    text, not in it). ``citation`` is the source line in the asker's language (post title, section, date,
    language; or the session's or event's own card).
    """

    text: str
    title: str
    section: str
    date: str
    lang: str
    url: str
    score: float
    links: list[Link] = field(default_factory=list)
    kind: str = "post"
    session: Session | None = None
    event: Event | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)
    passage_id: str = ""
    """The passage quoted (what the question log and feedback record)."""
    role: str = ""
    """A speaker page's designation (role and company): its citation says who the quoted person is."""
    citation: list[Part] = field(default_factory=list)

    @property
    def inline(self) -> list[Part]:
        """The quoted text cut into plain and linked parts, each link where the post writes it."""
        return inline_parts(self.text.strip(), self.links, self.spans)


@dataclass(frozen=True)
class Group:
    """One section of a list reply: an optional heading and its items, each item a citation line."""

    heading: Part | None
    items: list[list[Part]]


@dataclass
class Reply:
    """What the bot says to one message, typed, in the asker's language.

    ``title`` is the reply's first line (the lead of an answer, the heading of a list, or the whole text
    of a short reply such as "I don't know"); ``quotes`` and ``videos`` make an answer; ``groups`` make a
    list (sessions, events, recordings); ``more`` says in words what was left out (``left_out`` counts
    it); ``not_found`` names what the question asked about that is known not to exist. The typed
    ``sessions``, ``events``, ``recordings`` and ``latest`` are the data behind the lines, for JSON and the
    question log.
    """

    question: str
    lang: str
    """The asker's language as the documents spell it (``en``, ``es``, ``zh``, ``pt-br``…)."""
    kind: ReplyKind = ReplyKind.QUOTES
    title: str = ""
    quotes: list[Quote] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    """Recordings listed beside the quotes (an answer) or the shown sessions' recordings and slides."""
    videos: list[Link] = field(default_factory=list)
    """The recordings the reply lists under "Videos" (those no quoted citation links already)."""
    groups: list[Group] = field(default_factory=list)
    more: str = ""
    left_out: int = 0
    not_found: list[str] = field(default_factory=list)
    note: str = ""
    """The bot's own words shown first (e.g. "I read text only")."""
    sessions: list[Session] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    past_events: list[Event] = field(default_factory=list)
    recordings: list[Video] = field(default_factory=list)
    latest: Event | None = None

    @property
    def abstained(self) -> bool:
        """Did the bot decline to answer ("I don't know")?"""
        return self.kind == ReplyKind.DONT_KNOW

    def parts(self) -> list[Part]:
        """Every part the reply shows, in reading order (what every view draws)."""
        shown = [part for quote in self.quotes for part in (*quote.inline, *quote.citation)]
        shown += [Part(link.text or link.url, link.url) for link in self.videos]
        for group in self.groups:
            shown += ([group.heading] if group.heading else []) + [part for item in group.items for part in item]
        return shown

    def shown_links(self) -> list[str]:
        """The URLs the reply links, once each, in reading order (what ``eval``'s link_hit reads)."""
        return list(dict.fromkeys(part.url for part in self.parts() if part.url))
