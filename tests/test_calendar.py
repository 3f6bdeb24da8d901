"""Calendars: ``events --ics`` and the "Add to calendar" link on events still to come, on the real catalogue."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from icalendar import Calendar
from support import BASE_URL, DOCS

from bot.core.calendar import calendar_url
from bot.core.citations import split_events
from bot.core.compose import events_reply
from bot.render.ics import events_ics
from bot.render.json_reply import reply_dict
from bot.render.text import render_text
from bot.slack.blocks import reply_message
from embeddings.documents import load_corpus
from embeddings.events import Event

BEFORE_LONDON = dt.date(2025, 3, 10)
"""Istio Day Europe 2025 (1 April) and the KubeCons after it are still to come."""


@pytest.fixture(scope="module")
def catalogue() -> list[Event]:
    return load_corpus(DOCS, BASE_URL).events


def _by_key(catalogue: list[Event]) -> dict[str, Event]:
    return {event.key: event for event in catalogue}


def test_the_google_calendar_link_adds_the_event_all_day_in_the_readers_language(catalogue: list[Event]) -> None:
    day = _by_key(catalogue)["kubecon-europe-2025"]
    url = calendar_url(day, "es")
    where = urlsplit(url)
    assert f"{where.scheme}://{where.netloc}{where.path}" == "https://calendar.google.com/calendar/render"
    query = {key: values[0] for key, values in parse_qs(where.query).items()}
    assert query["action"] == "TEMPLATE"
    assert query["text"] == "KubeCon + CloudNativeCon Europe 2025"
    assert query["dates"] == "20250401/20250405"  # 1–4 April, the end exclusive
    assert query["location"] == "Londres"
    assert query["details"].startswith("https://events.linuxfoundation.org/")
    assert calendar_url(_by_key(catalogue)["kubecon-china-2023"], "en") == ""  # no date, nothing to add


def test_upcoming_events_carry_the_link_in_slack_text_and_json(catalogue: list[Event]) -> None:
    upcoming, past = split_events(catalogue, BEFORE_LONDON)
    assert {e.key for e in upcoming[:2]} == {"istio-day-europe-2025", "kubecon-europe-2025"}
    reply = events_reply(upcoming, past, "en")
    links = {calendar_url(event, "en") for event in upcoming}
    blocks = json.dumps(reply_message(reply).block_dicts(), ensure_ascii=False).replace("&amp;", "&")
    text = render_text(reply)
    data = reply_dict(reply)
    for link in links:
        assert f"<{link}|Add to calendar>" in blocks
        assert link in text
    assert [e["calendar_url"] for e in data["events"]] == [calendar_url(e, "en") for e in upcoming]
    assert any(part == {"text": "Add to calendar", "url": link}
               for group in data["groups"] for item in group["items"] for part in item for link in links)
    # Past events get no link, and the Spanish catalogue says it in Spanish.
    assert not any(calendar_url(event, "en") in blocks for event in past if event.start)
    assert "Añadir al calendario" in render_text(events_reply(upcoming, past, "es"))


def test_the_ics_export_parses_back_with_every_dated_event(catalogue: list[Event]) -> None:
    dated = [event for event in catalogue if event.start]
    parsed = Calendar.from_ical(events_ics(catalogue, "es"))
    entries = {str(entry["UID"]): entry for entry in parsed.walk("VEVENT")}
    assert len(entries) == len(dated) >= 20
    for event in dated:
        entry = entries[f"{event.key}@istio-events-bot"]
        assert entry.decoded("DTSTART") == dt.date.fromisoformat(event.start)
        assert entry.decoded("DTEND") == dt.date.fromisoformat(event.end or event.start) + dt.timedelta(days=1)
        assert str(entry["SUMMARY"]) == event.name
        assert str(entry.get("LOCATION", "")) == (event.place_in("es") if event.place else "")
        assert str(entry.get("URL", "")) == (event.home or event.url("es"))  # banner-only events have none
    london = entries["istio-day-europe-2025@istio-events-bot"]
    assert (str(london["LOCATION"]), london.decoded("DTSTART")) == ("Londres", dt.date(2025, 4, 1))
