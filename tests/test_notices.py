"""What subscribed channels are told, on the real catalogue of docs/ and an injected date: new events, recap
posts and recordings between two catalogues, reminders a week and a day before an event and before a CFP
closes, a clock that jumps, documents that fail to parse, and the text in each language."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from support import BASE_URL, DOCS, make_docs

from bot.core.notices import Notice, NoticeKind, announcements, notice_text, reminders
from embeddings.documents import load_corpus
from embeddings.events import Event


@pytest.fixture(scope="module")
def catalogue() -> list[Event]:
    return load_corpus(DOCS, BASE_URL).events


def by_key(events: list[Event]) -> dict[str, Event]:
    return {event.key: event for event in events}


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def kinds(notices: list[Notice], event: str) -> list[str]:
    return [str(n.kind) for n in notices if n.event.key == event]


# -- reminders -------------------------------------------------------------------------------------------------


def test_reminders_a_week_and_a_day_before_an_event_and_none_once_it_started(catalogue: list[Event]) -> None:
    start = day(by_key(catalogue)["istio-day-europe-2026"].start)  # 24 March 2026
    seen = {}
    for offset in range(-10, 3):
        today = start + dt.timedelta(days=offset)
        seen[offset] = kinds(reminders(catalogue, today), "istio-day-europe-2026")
    assert all(seen[o] == [] for o in (-10, -9, -8, 0, 1, 2))
    assert all(seen[o] == ["reminder_7d"] for o in range(-7, -1))
    assert seen[-1] == ["reminder_1d"]
    keys = {n.key for o in (-7, -2) for n in reminders(catalogue, start + dt.timedelta(days=o))
            if n.event.key == "istio-day-europe-2026"}
    assert keys == {"reminder:istio-day-europe-2026:2026-03-24:7d"}  # one key for the whole window: told once


def test_a_clock_that_jumps_past_the_week_window_gives_only_the_one_day_reminder(catalogue: list[Event]) -> None:
    """From ten days before straight to the eve: the 1-day reminder alone, and it silences the 7-day one."""
    event = by_key(catalogue)["istio-day-europe-2026"]
    before = reminders(catalogue, day("2026-03-14"))
    eve = [n for n in reminders(catalogue, day("2026-03-23")) if n.event.key == event.key]
    assert kinds(before, event.key) == []
    assert [(n.kind, n.supersedes) for n in eve] == [
        (NoticeKind.REMINDER_1D, ("reminder:istio-day-europe-2026:2026-03-24:7d",))]
    assert kinds(reminders(catalogue, day("2026-04-30")), event.key) == []  # past: never reminded


def test_a_call_for_proposals_closing_within_a_week(catalogue: list[Event]) -> None:
    """Istio Day Europe 2023's CFP closed on 12 February 2023 (the catalogue, from the post)."""
    for today, due in (("2023-02-04", False), ("2023-02-05", True), ("2023-02-12", True), ("2023-02-13", False)):
        found = [n for n in reminders(catalogue, day(today)) if n.kind == NoticeKind.CFP_CLOSING]
        assert [n.key for n in found] == (["cfp:istio-day-europe-2023:2023-02-12"] if due else []), today


def test_late_reminders_are_no_longer_relevant(catalogue: list[Event]) -> None:
    (eve,) = [n for n in reminders(catalogue, day("2026-03-23")) if n.event.key == "istio-day-europe-2026"]
    assert eve.relevant(day("2026-03-23")) and not eve.relevant(day("2026-03-24"))
    (cfp,) = [n for n in reminders(catalogue, day("2023-02-12")) if n.kind == NoticeKind.CFP_CLOSING]
    assert cfp.relevant(day("2023-02-12")) and not cfp.relevant(day("2023-02-13"))


# -- announcements -------------------------------------------------------------------------------------------


def without(events: list[Event], *keys: str) -> list[Event]:
    return [e for e in events if e.key not in keys]


def test_a_new_upcoming_event_is_announced_once(catalogue: list[Event]) -> None:
    before = without(catalogue, "kubecon-europe-2026", "istio-day-europe-2026")
    found = announcements(before, catalogue, day("2026-03-01"))
    assert [(n.kind, n.key) for n in found] == [
        (NoticeKind.NEW_EVENT, "event:kubecon-europe-2026"), (NoticeKind.NEW_EVENT, "event:istio-day-europe-2026")]
    assert announcements(before, catalogue, day("2026-12-06")) == []  # learnt of only after it: no news
    assert announcements(catalogue, catalogue, day("2026-03-01")) == []


def test_a_new_recap_post_is_announced_once_for_the_events_it_covers(catalogue: list[Event]) -> None:
    recap = "2025/istio-at-kubecon-eu"  # published 25 April 2025, about KubeCon EU 2025 and its Istio Day
    before = [dataclasses.replace(e, posts=[p for p in e.posts if p.doc != recap]) for e in catalogue]
    found = announcements(before, catalogue, day("2025-04-28"))
    assert [(n.kind, n.key, n.doc) for n in found] == [(NoticeKind.NEW_RECAP, f"recap:{recap}", recap)]
    assert announcements(before, catalogue, day("2025-09-01")) == []  # an old post newly copied is no news


def test_a_preview_post_of_a_known_event_is_no_recap(catalogue: list[Event]) -> None:
    preview = "2025/kubecon-eu"  # 25 March 2025, before the event
    before = [dataclasses.replace(e, posts=[p for p in e.posts if p.doc != preview]) for e in catalogue]
    assert announcements(before, catalogue, day("2025-03-26")) == []


def test_new_recordings_are_announced_by_count(catalogue: list[Event]) -> None:
    before = [dataclasses.replace(e, recordings=50) if e.key == "istiocon-2022" else e for e in catalogue]
    found = announcements(before, catalogue, day("2026-12-06"))
    assert [(n.kind, n.key, n.count) for n in found] == [
        (NoticeKind.NEW_RECORDINGS, "recordings:istiocon-2022:59", 59)]


def test_no_catalogue_before_is_a_baseline_not_news(catalogue: list[Event]) -> None:
    assert announcements([], catalogue, day("2026-03-01")) == []


NEW_EVENT_POST = """---
title: "IstioCon 2027 is coming"
description: Save the date for IstioCon 2027.
publishdate: 2026-12-01
---

IstioCon 2027 will be held on March 3, 2027 in Paris.
"""
BROKEN_POST = """---
title: "Istio Day Asia 2027: [unclosed
publishdate: 2026-12-01
---

Istio Day 2027 will be held on May 5, 2027.
"""


def test_a_document_that_fails_to_parse_announces_nothing(tmp_path: Path) -> None:
    base = {"en/2026/kubecon-eu.md": DOCS / "en/2026/kubecon-eu.md"}
    before = load_corpus(make_docs(tmp_path / "before", base), BASE_URL)
    broken = load_corpus(make_docs(tmp_path / "broken", {**base, "en/2026/istiocon-2027.md": BROKEN_POST}), BASE_URL)
    assert broken.problems and by_key(broken.events).keys() == by_key(before.events).keys()
    assert announcements(before.events, broken.events, day("2026-12-06")) == []
    fixed = load_corpus(make_docs(tmp_path / "fixed", {**base, "en/2026/istiocon-2027.md": NEW_EVENT_POST}),
                        BASE_URL)
    assert [n.key for n in announcements(broken.events, fixed.events, day("2026-12-06"))] == ["event:istiocon-2027"]


# -- payload and text ----------------------------------------------------------------------------------------


def test_a_notice_survives_the_store_as_plain_data(catalogue: list[Event]) -> None:
    (eve,) = [n for n in reminders(catalogue, day("2026-03-23")) if n.event.key == "istio-day-europe-2026"]
    assert Notice.from_payload(eve.payload()) == eve


@pytest.mark.parametrize(("lang", "headline", "place"), [
    ("en", "Istio Day Europe 2026 starts in 6 days, on 24 March 2026", "Amsterdam"),
    ("es", "Istio Day Europe 2026 empieza dentro de 6 días, el 24 de marzo de 2026", "Ámsterdam"),
    ("zh", "Istio Day Europe 2026 将在 6 天后（2026年3月24日）开始", "阿姆斯特丹"),
])
def test_the_text_is_in_the_channel_language(catalogue: list[Event], lang: str, headline: str, place: str) -> None:
    today = day("2026-03-18")
    (week,) = [n for n in reminders(catalogue, today) if n.event.key == "istio-day-europe-2026"]
    text = notice_text(week, lang, today)
    assert text.headline == headline
    assert any(place in part.text for line in text.lines for part in line)
    assert "unsubscribe" in text.footer


def test_a_recap_links_the_post_in_the_channel_language(catalogue: list[Event]) -> None:
    recap = "2025/istio-at-kubecon-eu"
    before = [dataclasses.replace(e, posts=[p for p in e.posts if p.doc != recap]) for e in catalogue]
    (notice,) = announcements(before, catalogue, day("2025-04-28"))
    urls = {lang: notice_text(notice, lang, day("2025-04-28")).lines[0][0].url for lang in ("en", "es", "zh")}
    assert urls == {"en": "https://istio.io/latest/blog/2025/istio-at-kubecon-eu/",
                    "es": "https://istio.io/latest/es/blog/2025/istio-at-kubecon-eu/",
                    "zh": "https://istio.io/latest/zh/blog/2025/istio-at-kubecon-eu/"}
