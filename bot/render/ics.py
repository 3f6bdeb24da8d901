"""The event catalogue as iCalendar (``istio-events-bot events --ics``), for any calendar program.

One all-day VEVENT per dated event (undated ones cannot be placed in a calendar and are left out): its
name, days (:func:`bot.core.calendar.all_day_span`), place in the reader's language, and its page. The
UID is the event's key, so importing a newer export updates the same entries instead of adding copies.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from bot.core.calendar import all_day_span
from embeddings.events import Event

PRODID = "-//istio-events-bot//event catalogue//EN"
UID_DOMAIN = "istio-events-bot"


def events_ics(events: list[Event], lang: str, stamp: dt.datetime | None = None) -> bytes:
    """``events`` as an iCalendar file (bytes, CRLF lines as RFC 5545 wants)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Istio events")
    stamp = stamp or dt.datetime.now(dt.UTC)
    for event in events:
        span = all_day_span(event)
        if span is None:
            continue
        entry = CalendarEvent()
        entry.add("uid", f"{event.key}@{UID_DOMAIN}")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", span[0])
        entry.add("dtend", span[1])
        entry.add("summary", event.name)
        if event.place:
            entry.add("location", event.place_in(lang))
        url = event.home or event.url(lang)
        if url:
            entry.add("url", url)
        calendar.add_component(entry)
    return calendar.to_ical()
