"""Putting an event in a calendar: a Google Calendar "add" link (Slack, terminal, JSON) and the all-day span
both it and the iCalendar export (:mod:`bot.render.ics`) use.

Events are all-day: the documents give days, not hours (a program's session times are UTC and would put
a day in the wrong place for half the world), so an event runs from its first day to the day after its
last, the exclusive end both Google Calendar and iCalendar expect.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from embeddings.events import Event

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"


def all_day_span(event: Event) -> tuple[dt.date, dt.date] | None:
    """First day and the day after the last (exclusive end), or None for an undated event."""
    if not event.start:
        return None
    start = dt.date.fromisoformat(event.start)
    end = dt.date.fromisoformat(event.end or event.start)
    return start, end + dt.timedelta(days=1)


def calendar_url(event: Event, lang: str) -> str:
    """A Google Calendar template link that adds the event (name, days, place in ``lang``, its page), or ""."""
    span = all_day_span(event)
    if span is None:
        return ""
    query = {"action": "TEMPLATE", "text": event.name, "dates": f"{span[0]:%Y%m%d}/{span[1]:%Y%m%d}"}
    if event.place:
        query["location"] = event.place_in(lang)
    details = event.home or event.url(lang)
    if details:
        query["details"] = details
    return f"{GOOGLE_CALENDAR}?{urlencode(query)}"
