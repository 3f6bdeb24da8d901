"""Sessions and events as short citation lines, in the asker's language, for every surface.

A line is a list of :class:`Part` (text, and a URL when it is a link); Slack (:mod:`bot.slack.blocks`) and
the text view (:mod:`bot.render.text`) each render the same parts their own way, so a session reads
"IstioCon 2022 · Istio at Splunk: How we learned to love it · Bernard Van De Walle · 25 April 2022, 19:50–20:25 UTC
· recording · slides" everywhere (a quoted session's card also gives each speaker's role and company).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.calendar import calendar_url
from bot.core.strings import t
from embeddings.bm25 import fold
from embeddings.events import Event, format_day, format_span, region_names
from embeddings.markdown import Link
from embeddings.sessions import Session


@dataclass(frozen=True)
class Part:
    text: str
    url: str = ""


def session_parts(session: Session, lang: str, with_event: bool = True, roles: bool = False) -> list[Part]:
    """Event · title (linked to the session page) · speakers (with ``roles``, each one's role and company as the
    program gives them) · day and time slot in UTC · recording · slides: the session's card in its program."""
    parts = [Part(session.event)] if with_event else []
    parts.append(Part(session.title, session.page))
    if session.speakers:
        parts.append(Part(", ".join(f"{speaker.name} ({speaker.role})" if roles and speaker.role else speaker.name
                                    for speaker in session.speakers)))
    if session.start:
        parts.append(Part(session_slot(session, lang)))
    if session.recording:
        parts.append(Part(t(lang, "recording"), session.recording))
    if session.slides:
        parts.append(Part(t(lang, "slides"), session.slides))
    return parts


def session_slot(session: Session, lang: str) -> str:
    """Its day as a reader of ``lang`` writes it, and its time slot in UTC when the program gives one: "27 April
    2022, 18:40–18:50 UTC", "2022年4月27日, 18:40–18:50 UTC"."""
    day = format_day(session.start, lang)
    start, end = session.start[11:16], session.end[11:16] if session.end[:10] == session.start[:10] else ""
    if not start:
        return day
    return f"{day}, {start}–{end} UTC" if end else f"{day}, {start} UTC"


def event_parts(event: Event, lang: str, *, calendar: bool = False) -> list[Part]:
    """Name (linked to its page or first post) · dates · place · virtual or in person · links by role, and
    with ``calendar`` (an event still to come) an "Add to calendar" link."""
    home, post = event.home, event.url(lang)
    parts = [Part(event.name, home or post)]
    parts.append(Part(format_span(event.start, event.end, lang) or t(lang, "date_unknown")))
    if event.place:
        parts.append(Part(event.place_in(lang)))
    if event.virtual is not None:
        parts.append(Part(t(lang, "virtual") if event.virtual else t(lang, "in_person")))
    if event.sessions:
        parts.append(Part(t(lang, "sessions_count", count=event.sessions)))
    for role in ("registration", "cfp", "schedule"):
        url = next((link.url for link in event.links if link.role == role), "")
        if url:
            parts.append(Part(t(lang, f"role_{role}"), url))
    if home and event.posts and post != home:
        parts.append(Part("istio.io", post))
    add = calendar_url(event, lang) if calendar else ""
    if add:
        parts.append(Part(t(lang, "add_to_calendar"), add))
    return parts


def split_events(events: list[Event], today: dt.date) -> tuple[list[Event], list[Event]]:
    """Upcoming (soonest first) and past (newest first) events."""
    upcoming = sorted((e for e in events if e.status(today) != "past"), key=lambda e: e.start)
    past = sorted((e for e in events if e.status(today) == "past"), key=lambda e: (e.sort_date, e.key), reverse=True)
    return upcoming, past


def filter_events(events: list[Event], query: str) -> list[Event]:
    """Events whose name, year, place or region (in any card language: "Europa", "欧洲") contain every word
    of ``query`` ("2023", "istio day europe", "eventos Europa" without the command word)."""
    words = fold(query).split()

    def haystack(event: Event) -> str:
        return fold(" ".join([event.name, event.key, event.year, event.place,
                              *(place.text for place in event.places), *region_names(event.region)]))

    return [e for e in events if all(w in haystack(e) for w in words)]


def inline_parts(text: str, links: list[Link], spans: list[tuple[int, int]]) -> list[Part]:
    """A quoted text cut into plain and linked parts, so each link stays clickable where it is written.

    ``spans`` gives each link's range in ``text``; links without one, ``(0, 0)`` (a link cited beside the
    text) and ranges that overlap an earlier one are left out.
    """
    parts: list[Part] = []
    at = 0
    for link, (start, end) in sorted(zip(links, spans, strict=False), key=lambda pair: pair[1]):
        if start >= end or start < at or end > len(text):
            continue
        if start > at:
            parts.append(Part(text[at:start]))
        parts.append(Part(" ".join(text[start:end].split()), link.url))
        at = end
    if at < len(text):
        parts.append(Part(text[at:]))
    return parts
