"""The event catalogue: derived from posts, banners, captions and programs; never written by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import BASE_URL, DOCS, make_docs

from embeddings.documents import load_corpus
from embeddings.events import (
    Event,
    describe,
    expand_short_years,
    find_dates,
    format_day,
    format_span,
    mentions,
    unknown_event,
)


@pytest.fixture(scope="module")
def events() -> dict[str, Event]:
    return {event.key: event for event in load_corpus(DOCS, BASE_URL).events}


def test_mentions_read_series_region_and_year_in_three_languages() -> None:
    def keys(text: str) -> list[tuple[str, str, str]]:
        return [(m.series, m.region, m.year) for m in mentions(text)]

    assert keys("Istio at KubeCon + CloudNativeCon North America 2025") == [("kubecon", "north-america", "2025")]
    assert keys("Join us for the first IstioCon in 2021!") == [("istiocon", "", "2021")]
    assert keys("IstioCon China 2023 wrap-up") == [("istiocon", "china", "2023")]
    assert keys("2023 北美 KubeCon 上的 Istio 风采") == [("kubecon", "north-america", "2023")]
    assert keys("Istio Day 欧洲站") == [("istio-day", "europe", "")]
    assert keys("¡Únete a nosotros en Istio Day en KubeCon Europe 2023!") == [
        ("istio-day", "", ""), ("kubecon", "europe", "2023")]
    assert mentions("KubeCon India 2024")[0].where == "India"


def test_dates_are_read_in_english_spanish_and_chinese() -> None:
    def spans(text: str, year: str = "2025") -> list[tuple[str, str]]:
        return [(d.start, d.end) for d in find_dates(text, year)]

    assert spans("KubeCon + CloudNativeCon Europe, March 19-22, 2024, Paris") == [("2024-03-19", "2024-03-22")]
    assert spans("Istio Day Europe, 18 April 2023, RAI, Amsterdam") == [("2023-04-18", "2023-04-18")]
    assert spans("IstioDay, 1 de abril de 2025, Londres") == [("2025-04-01", "2025-04-01")]
    assert spans("KubeCon 2020 欧洲会议， 3 月 30 日至 4 月 2 日", "2020") == [("2020-03-30", "2020-04-02")]
    assert spans("on April 1st") == [("2025-04-01", "2025-04-01")]
    assert spans("November 18 - 21, San Diego", "2019") == [("2019-11-18", "2019-11-21")]
    assert spans("February 30, 2024") == []  # impossible dates are no dates


def test_catalogue_holds_every_kind_of_event(events: dict[str, Event]) -> None:
    assert {
        "istiocon-2021", "istiocon-2022", "istiocon-china-2023", "istio-day-europe-2023", "istio-day-europe-2024",
        "istio-day-europe-2025", "istio-day-north-america-2023", "istio-day-north-america-2024",
        "kubecon-europe-2025", "kubecon-north-america-2025", "meetup-china-2021", "twitch-2018",
    } <= set(events)
    assert all(e.posts or e.sessions or e.start or e.links for e in events.values())  # each comes from a source


@pytest.mark.parametrize(
    ("key", "start", "end", "place", "source"),
    [
        ("istiocon-2022", "2022-04-25", "2022-04-29", "", "program"),  # session times beat "April 25-29"
        ("istiocon-2021", "2021-02-22", "2021-02-26", "", "program"),
        ("istio-day-europe-2025", "2025-04-01", "2025-04-01", "London", "caption"),
        ("istio-day-europe-2023", "2023-04-18", "2023-04-18", "RAI, Amsterdam, The Netherlands", "caption"),
        ("istio-day-europe-2024", "2024-03-19", "2024-03-19", "Paris, France", "banner"),
        ("kubecon-north-america-2024", "2024-11-12", "2024-11-15", "Salt Lake City, Utah", "caption"),
        ("istiocon-china-2023", "2023-09-26", "2023-09-26", "Shanghai, China", "sentence"),
        ("meetup-china-2021", "2021-07-10", "2021-07-10", "Beijing", "announcement"),
        ("twitch-2018", "2018-08-17", "2018-08-17", "", "sentence"),
    ],
)
def test_dates_and_places_come_from_the_best_source(
    events: dict[str, Event], key: str, start: str, end: str, place: str, source: str
) -> None:
    event = events[key]
    assert (event.start, event.end, event.date_source) == (start, end, source)
    assert event.place == place


def test_virtual_or_in_person_links_posts_and_sessions(events: dict[str, Event]) -> None:
    istiocon = events["istiocon-2022"]
    assert istiocon.virtual is True and istiocon.sessions == 71 and istiocon.recordings > 50
    assert {p.lang for p in istiocon.posts} >= {"en", "es", "zh"}
    assert {link.role for link in istiocon.links} >= {"registration", "schedule"}
    day = events["istio-day-europe-2025"]
    assert day.virtual is False
    assert any("co-located-events/istio-day" in link.url for link in day.links)
    # Istio Day takes its co-located KubeCon's place when no source gives its own.
    assert events["istio-day-europe-2026"].place == events["kubecon-europe-2026"].place == "Amsterdam, The Netherlands"
    assert events["istio-day-europe-2026"].place_source == "co-located"


def test_a_program_beats_a_post_sentence_and_a_banner(tmp_path: Path) -> None:
    """Where sources disagree the program wins, then captions, banners, sentences (module docstring)."""
    docs = make_docs(tmp_path / "docs", {
        "en/2030/meshcon.md": "---\ntitle: Join us for IstioCon 2030\npublishdate: 2030-01-10\n---\n\n"
                              "IstioCon 2030 will take place on May 3, 2030, and it is 100% virtual.\n",
        "banners/en/istiocon-2030.md": "---\ntitle: IstioCon 2030\nperiod_start: 2030-02-01\n"
                                       "period_end: 2030-05-05\n---\n\nIstioCon takes place May 4-6.\n",
        "programs/istiocon-2030/sessions/a1.md": "---\ntitle: Opening\ntime_start: 2030-05-05T16:00:00Z\n"
                                                 "time_end: 2030-05-05T16:30:00Z\n---\n\nWelcome.\n",
    })
    event = {e.key: e for e in load_corpus(docs, BASE_URL).events}["istiocon-2030"]
    assert (event.start, event.date_source, event.virtual) == ("2030-05-05", "program", True)
    (docs / "programs/istiocon-2030/sessions/a1.md").unlink()
    event = {e.key: e for e in load_corpus(docs, BASE_URL).events}["istiocon-2030"]
    assert (event.start, event.end, event.date_source) == ("2030-05-04", "2030-05-06", "banner")


def test_status_relative_to_today(events: dict[str, Event]) -> None:
    day = events["istio-day-europe-2025"]
    assert day.status(dt.date(2025, 3, 1)) == "upcoming"
    assert day.status(dt.date(2025, 4, 1)) == "ongoing"
    assert day.status(dt.date(2025, 4, 2)) == "past"


def test_dates_are_written_in_the_readers_language() -> None:
    assert format_day("2022-04-25", "en") == "25 April 2022"
    assert format_day("2022-04-25", "es") == "25 de abril de 2022"
    assert format_day("2022-04-25", "zh") == "2022年4月25日"
    assert format_span("2022-04-25", "2022-04-29", "en") == "25–29 April 2022"
    assert format_span("2022-04-25", "2022-04-29", "zh") == "2022年4月25日至29日"


def test_event_cards_name_the_event_date_and_place_in_each_language(events: dict[str, Event]) -> None:
    day = events["istio-day-europe-2025"]
    assert describe(day, "en").startswith("Istio Day Europe 2025: 1 April 2025, London, in person.")
    # The place as the Spanish and Chinese versions of the same caption write it.
    assert describe(day, "es").startswith("Istio Day Europe 2025 (Europa): 1 de abril de 2025, Londres, presencial.")
    assert describe(day, "zh").startswith("Istio Day Europe 2025 (欧洲)：2025年4月1日，伦敦，线下活动")


def test_unknown_events_are_recognised(events: dict[str, Event]) -> None:
    catalogue = list(events.values())
    known = {"londres", "amsterdam"}.__contains__
    assert unknown_event("Who spoke at IstioCon 2019?", catalogue, known) is not None
    assert unknown_event("Who gave the keynote at KubeCon India 2024?", catalogue, known) is not None
    assert unknown_event("When is Istio Day Tokyo?", catalogue, known) is not None
    assert unknown_event("Who spoke at Istio Day Amsterdam?", catalogue, known) is None  # a known place
    assert unknown_event("¿Qué pasó en la KubeCon Londres?", catalogue, known) is None  # a word the posts use
    assert unknown_event("When was IstioCon 2022?", catalogue, known) is None


@pytest.mark.parametrize("question, expanded", [
    ("istiocon22 talk", "istiocon 2022 talk"),
    ("istio day eu '23 cfp", "istio day eu 2023 cfp"),
    ("kubecon na 24?", "kubecon na 2024?"),
    ("IstioCon 2022", "IstioCon 2022"),  # already a year
    ("istio day 25-minute talks", "istio day 25-minute talks"),  # a length, not a year
    ("kubecon 24 hours", "kubecon 24 hours"),
    ("Was Istio Day 18 April 2023?", "Was Istio Day 18 April 2023?"),  # a day of the month
    ("Istio Day 18th April", "Istio Day 18th April"),
    ("kubecon eu 19 de marzo", "kubecon eu 19 de marzo"),
])
def test_short_years_after_an_event_name_are_written_out(question: str, expanded: str) -> None:
    assert expand_short_years(question) == expanded


def test_a_chinese_stop_after_a_series_is_where_it_was_held() -> None:
    (mention,) = mentions("Istio Day 东京站是什么时候举办的？", any_case=True)
    assert (mention.series, mention.where) == ("istio-day", "东京")
    (mention,) = mentions("Istio Day 欧洲站", any_case=True)  # a region's stop is the region
    assert (mention.region, mention.where) == ("europe", "")
