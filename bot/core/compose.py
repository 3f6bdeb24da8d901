"""From what was found to a :class:`~bot.core.reply.Reply` in the asker's words.

The answerer and the catalogue decide *what* to say (passages, sessions, events, recordings); this
module says it: titles, citation lines and "…and 4 more" in the asker's UI language, each reply once
for every view. Nothing here draws Slack blocks or terminal text.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from bot.core.catalogue import Video
from bot.core.citations import Part, event_parts, session_parts
from bot.core.grounding import NotFound, NotFoundKind
from bot.core.language import ui_language
from bot.core.reply import Group, Quote, Reply, ReplyKind
from bot.core.strings import language_name, t
from embeddings.events import Event, format_day
from embeddings.markdown import Link
from embeddings.sessions import Session

MAX_LINK_LABEL = 40
"""A link cited beside a quote is labelled by its text when it is this short ("Join Google Meet"), else (or when
its text is its address) by its site ("us02web.zoom.us")."""
MAX_LISTED_SHOWN = 12
"""A list answer shows this many sessions and says how many more match."""


def dont_know(question: str, lang: str) -> Reply:
    """The honest "I don't know"."""
    return Reply(question, lang, ReplyKind.DONT_KNOW, title=t(ui_language(lang), "dont_know"))


def welcome(question: str, lang: str) -> Reply:
    """Thanks that ask nothing are answered in kind, not with "I don't know"; the reply still quotes nothing."""
    return Reply(question, lang, ReplyKind.DONT_KNOW, title=t(ui_language(lang), "welcome"))


_NOT_FOUND_KEYS: dict[NotFoundKind, str] = {
    "company_without_talk_at_edition": "nf_company_talk",
    "name_without_talk_at_edition": "nf_company_talk",
    "topic_without_talk_at_edition": "nf_topic_talk",
    "edition_without_program": "nf_no_program",
    "figure_not_stated": "nf_figure",
    "price_not_stated": "nf_price",
    "no_recordings": "nf_no_recordings",
    "speaker_without_talk_at_edition": "nf_company_talk",
    "unknown_edition": "nf_unknown_edition",
    "recording_not_listed": "nf_recording",
    "slides_not_listed": "nf_slides",
    "speakers_not_listed": "nf_speakers",
    "unknown_birthday": "nf_birthday",
    "cfp_deadline_not_stated": "nf_cfp_deadline",
}
_TALK_KEYS = ("nf_company_talk", "nf_topic_talk")
"""Replies that point at the edition's talk list; each has a ``_posts`` form for an edition with no program."""


def not_found_reply(question: str, lang: str, not_found: NotFound) -> Reply:
    """A precise "I don't know": what the question names that is not known, and what is known next to it
    (the edition's talk list command, the known editions, each as its catalogue line, or the session whose
    recording or slides are not listed, as its card)."""
    ui_lang = ui_language(lang)
    edition = not_found.edition
    key = _NOT_FOUND_KEYS[not_found.kind]
    # An edition known by its posts alone (no program to list): what they do not mention, and its card.
    from_posts = key in _TALK_KEYS and edition is not None and not edition.sessions
    title = t(ui_lang, f"{key}_posts" if from_posts else key, subject=not_found.subject,
              edition=edition.name if edition else "", count=edition.sessions if edition else 0,
              query=edition.name.lower() if edition else "")
    listed = from_posts or not_found.kind in (
        "unknown_edition", "edition_without_program", "figure_not_stated", "price_not_stated", "no_recordings",
        "cfp_deadline_not_stated")
    groups = [Group(None, [event_parts(e, ui_lang) for e in not_found.known])] if listed and not_found.known else []
    if not_found.session is not None:
        groups = [Group(None, [session_parts(not_found.session, ui_lang, roles=True)])]
    if not_found.pages:  # the posts about what is known, in the asker's language where one is
        pages = [p for p in not_found.pages if p.lang == ui_lang] or [p for p in not_found.pages if p.lang == "en"]
        groups = [Group(None, [[Part(p.title, p.url), *([Part(p.date)] if p.date else [])] for p in pages])]
    return Reply(question, lang, ReplyKind.DONT_KNOW, title=title, groups=groups, not_found=[not_found.subject],
                 past_events=list(not_found.known) if listed else [])


def error(question: str, lang: str) -> Reply:
    """An apology for a failure inside the bot (the failure itself is logged, never shown)."""
    return Reply(question, lang, ReplyKind.ERROR, title=t(ui_language(lang), "error"))


def help_reply(lang: str) -> Reply:
    return Reply("", lang, ReplyKind.HELP, title=t(ui_language(lang), "help"))


def note_only(question: str, lang: str, note: str) -> Reply:
    """Only the bot's note: a message with a file and no words."""
    return Reply(question, lang, ReplyKind.NOTE, note=note)


def with_note(reply: Reply, note: str | None) -> Reply:
    """``reply`` with the bot's own words first (e.g. "I read text only" beside a question)."""
    if note:
        reply.note = note
    return reply


def quote_citation(quote: Quote, ui_lang: str) -> list[Part]:
    """A quote's source line: the session's or event's card, else post title · section · date · language (a speaker
    page: name · role · event · language); then, for a quote not from a post, the links that neither its text nor
    that line draws (a banner's second link; a post's link cut off by the snippet's edge is left to its page)."""
    if quote.session is not None:
        parts = session_parts(quote.session, ui_lang, roles=True)
    elif quote.event is not None:
        parts = event_parts(quote.event, ui_lang)
    else:
        parts = [Part(quote.title, quote.url), *(Part(x) for x in (quote.role, quote.section, quote.date) if x),
                 Part(language_name(ui_lang, quote.lang))]
    drawn = {part.url for part in (*parts, *quote.inline) if part.url}
    for link in quote.links if quote.kind != "post" else ():
        if link.url not in drawn:
            text = link.text.strip()
            label = text if 0 < len(text) <= MAX_LINK_LABEL and "://" not in text else urlsplit(link.url).netloc
            parts.append(Part(label, link.url))
            drawn.add(link.url)
    return parts


def quotes_reply(question: str, lang: str, quotes: list[Quote], links: list[Link]) -> Reply:
    """Quoted snippets with their citations, and the recordings to watch.

    A video a session or event citation already links is not listed again under "Videos" (a video a
    quoted post sentence links inline still is: the list is where to watch)."""
    ui_lang = ui_language(lang)
    for quote in quotes:
        quote.citation = quote_citation(quote, ui_lang)
    cited = {ln.url for quote in quotes if quote.kind != "post" for ln in quote.links}
    videos = [ln for ln in links if ln.kind == "video" and ln.url not in cited]
    return Reply(question, lang, ReplyKind.QUOTES, title=t(ui_lang, "lead"), quotes=quotes, links=links,
                 videos=list({ln.url: ln for ln in videos}.values()))


def sessions_reply(question: str, lang: str, sessions: list[Session], links: list[Link]) -> Reply:
    """The talks a list question matches: the first :data:`MAX_LISTED_SHOWN`, and how many more."""
    ui_lang = ui_language(lang)
    events = {session.event for session in sessions}
    one_event = len(events) == 1
    title = t(ui_lang, "sessions_title", count=len(sessions)) + (f" · {next(iter(events))}" if one_event else "")
    shown = sessions[:MAX_LISTED_SHOWN]
    left_out = len(sessions) - len(shown)
    return Reply(
        question, lang, ReplyKind.SESSIONS, title=title, links=links, sessions=sessions, left_out=left_out,
        groups=[Group(None, [session_parts(s, ui_lang, with_event=not one_event) for s in shown])],
        more=t(ui_lang, "sessions_more", count=left_out) if left_out else "",
    )


def upcoming_reply(
    question: str, lang: str, events: list[Event], latest: Event | None, today: dt.date, *, all_coming: bool
) -> Reply:
    """The events to come, soonest first; with none known, says so and names the latest one.

    ``all_coming`` says the question asked about next month and none takes place then, so the list is
    everything still to come (and the title says so)."""
    ui_lang = ui_language(lang)
    if events:
        title = t(ui_lang, "none_next_month" if all_coming else "upcoming_title")
        return Reply(question, lang, ReplyKind.UPCOMING, title=title, events=events, latest=latest,
                     groups=[Group(None, [event_parts(e, ui_lang, calendar=True) for e in events])])
    title = t(ui_lang, "no_upcoming", today=format_day(today.isoformat(), ui_lang))
    groups = [Group(Part(t(ui_lang, "latest_event_heading")), [event_parts(latest, ui_lang)])] if latest else []
    return Reply(question, lang, ReplyKind.UPCOMING, title=title, latest=latest, groups=groups)


def events_reply(upcoming: list[Event], past: list[Event], lang: str, query: str = "") -> Reply:
    """The catalogue: upcoming events first (soonest first), then past ones (newest first)."""
    ui_lang = ui_language(lang)
    if not upcoming and not past:
        title = t(ui_lang, "no_events_match", filter=query) if query else t(ui_lang, "no_events")
        return Reply(query, lang, ReplyKind.EVENTS, title=title)
    groups = [Group(Part(heading), [event_parts(e, ui_lang, calendar=coming) for e in chosen])
              for heading, chosen, coming in ((t(ui_lang, "events_upcoming"), upcoming, True),
                                              (t(ui_lang, "events_past"), past, False))
              if chosen]
    return Reply(query, lang, ReplyKind.EVENTS, title=t(ui_lang, "events_title"), groups=groups,
                 events=upcoming, past_events=past)


def video_line(video: Video) -> list[Part]:
    """A recording: the talk's title linked to the video, then its speakers."""
    line = [Part(video.title or video.url, video.url)]
    return [*line, Part(", ".join(video.speakers))] if video.speakers else line


def videos_reply(videos: list[Video], lang: str, topic: str = "") -> Reply:
    """Recordings grouped under their event (already in event order)."""
    ui_lang = ui_language(lang)
    if not videos:
        return Reply(topic, lang, ReplyKind.VIDEOS, title=t(ui_lang, "no_videos", topic=topic))
    groups: list[Group] = []
    for video in videos:
        if not groups or groups[-1].heading != Part(video.event_name, video.event_url):
            groups.append(Group(Part(video.event_name, video.event_url), []))
        groups[-1].items.append(video_line(video))
    title = t(ui_lang, "videos_topic_title", topic=topic) if topic else t(ui_lang, "videos_title")
    return Reply(topic, lang, ReplyKind.VIDEOS, title=title, groups=groups, recordings=videos)
