"""A reply as JSON-ready data: what ``ask --json`` prints and API users read.

The keys are stable: ``snippets`` are the reply's quotes, ``links`` the recordings listed beside them.
"""

from __future__ import annotations

from typing import Any

from bot.core.calendar import calendar_url
from bot.core.citations import Part
from bot.core.language import ui_language
from bot.core.reply import Quote, Reply
from embeddings.events import Event
from embeddings.markdown import Link
from embeddings.sessions import Session


def link_dict(link: Link) -> dict[str, str]:
    return {"url": link.url, "text": link.text, "kind": link.kind}


def parts_list(parts: list[Part]) -> list[dict[str, str]]:
    return [{"text": part.text, "url": part.url} for part in parts]


def session_dict(session: Session) -> dict[str, Any]:
    """The fields of a session an API user needs."""
    return {
        "event": session.event, "title": session.title,
        "speakers": [{"name": s.name, "role": s.role} for s in session.speakers],
        "start": session.start, "end": session.end, "format": session.format, "language": session.language,
        "recording": session.recording, "slides": session.slides, "page": session.page,
    }


def event_dict(event: Event, calendar_lang: str = "") -> dict[str, Any]:
    """The event's fields; with ``calendar_lang`` (an event still to come) also its "Add to calendar" link."""
    data = event.to_dict()
    if calendar_lang:
        data["calendar_url"] = calendar_url(event, calendar_lang)
    return data


def quote_dict(quote: Quote) -> dict[str, Any]:
    return {
        "text": quote.text, "title": quote.title, "section": quote.section, "date": quote.date, "lang": quote.lang,
        "url": quote.url, "score": quote.score, "links": [link_dict(ln) for ln in quote.links], "kind": quote.kind,
        "citation": parts_list(quote.citation),
        **({"session": session_dict(quote.session)} if quote.session else {}),
        **({"event": event_dict(quote.event)} if quote.event else {}),
    }


def reply_dict(reply: Reply) -> dict[str, Any]:
    """Every field of the reply, typed objects as plain data."""
    return {
        "question": reply.question, "lang": reply.lang, "abstained": reply.abstained, "kind": str(reply.kind),
        "title": reply.title,
        "snippets": [quote_dict(q) for q in reply.quotes],
        "links": [link_dict(ln) for ln in reply.links],
        "videos": [link_dict(ln) for ln in reply.videos],
        "groups": [{"heading": parts_list([g.heading]) if g.heading else None,
                    "items": [parts_list(item) for item in g.items]} for g in reply.groups],
        "more": reply.more, "left_out": reply.left_out, "not_found": reply.not_found, "note": reply.note,
        "sessions": [session_dict(s) for s in reply.sessions],
        "events": [event_dict(e, ui_language(reply.lang)) for e in reply.events],  # upcoming, soonest first
        "past_events": [event_dict(e) for e in reply.past_events],
        "recordings": [{"url": v.url, "title": v.title, "speakers": list(v.speakers), "event": v.event_name,
                        "event_url": v.event_url, "date": v.date} for v in reply.recordings],
        "latest": event_dict(reply.latest) if reply.latest else None,
    }
