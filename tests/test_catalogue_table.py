"""The derived catalogue against a table written by hand from reading ``docs/``.

Every other event test checks a rule; this one checks the whole derivation against what a person reads in
the documents. Each row was written from the file and line it cites (not from the code's output), and the
test first checks that the cited line really says it (``quote``), so the table cannot drift from
``docs/``. Where the documents write a fact in several places, the cited one is the one the documented
precedence picks (README, "The event catalogue"): program, caption, banner, sentence, announcement,
description; at equal rank the English wording, then the later post (a recap over a preview).

Places per language: ``es``/``zh`` hold the place as that language's version of the cited source writes
it, or as another source pair translates the same words ("Amsterdam" → "Ámsterdam" in the 2023 recap);
``None`` where no document gives it in that language (then the source's own words are shown).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from support import BASE_URL, DOCS

from embeddings.documents import load_corpus
from embeddings.events import Event


@dataclass(frozen=True)
class Row:
    key: str
    start: str
    end: str
    virtual: bool | None
    date_at: str
    """``file:line`` under docs/ that dates it ("" when no document does)."""
    date_quote: str
    place: str = ""
    es: str | None = None
    zh: str | None = None
    place_at: str = ""
    place_quote: str = ""


TABLE = [
    Row("twitch-2018", "2018-08-17", "2018-08-17", None,
        "en/2018/istio-twitch-stream.md:11", "all day live stream on Twitch on August 17th"),
    Row("kubecon-north-america-2019", "2019-11-18", "2019-11-21", False,
        "banners/en/kubecon-america-2019.md:9", "November 18 - 21, San Diego",
        "San Diego", None, "圣地亚哥", "banners/en/kubecon-america-2019.md:9", "San Diego"),
    Row("kubecon-europe-2020", "2020-03-30", "2020-04-02", False,
        "banners/pt-br/kubecon-europe-2020.md:9", "March 30 - April 2, Amsterdam",
        "Amsterdam", "Ámsterdam", "阿姆斯特丹", "banners/pt-br/kubecon-europe-2020.md:9", "Amsterdam"),
    Row("istiocon-2021", "2021-02-22", "2021-02-26", True,
        "programs/istiocon-2021/sessions/a1k.md:8", "time_start: 2021-02-22"),
    Row("meetup-china-2021", "2021-07-10", "2021-07-10", False,
        "en/2021/istio-community-meetup-china.md:15", "July 10, 2021",
        "Beijing", None, None, "en/2021/istio-community-meetup-china.md:3", "comes together in Beijing"),
    Row("istiocon-2022", "2022-04-25", "2022-04-29", True,
        "programs/istiocon-2022/sessions/a1a-opening.md:8", "time_start: 2022-04-25"),
    Row("istio-day-europe-2023", "2023-04-18", "2023-04-18", False,
        "en/2023/istioday-kubecon-eu.md:13", "Istio Day Europe, 18 April 2023, RAI, Amsterdam, The Netherlands",
        "RAI, Amsterdam, The Netherlands", "RAI, Amsterdam, The Netherlands", None,
        "en/2023/istioday-kubecon-eu.md:13", "RAI, Amsterdam, The Netherlands"),
    Row("kubecon-europe-2023", "2023-04-18", "2023-04-21", False,
        "en/2023/istio-at-kubecon-eu.md:9", "from 18th to 21st April in Amsterdam for the first KubeCon of 2023",
        "Amsterdam", "Ámsterdam", "阿姆斯特丹", "en/2023/istio-at-kubecon-eu.md:9", "in Amsterdam"),
    Row("istiocon-2023", "", "", True,
        "", "", place_at="en/2023/istiocon-china.md:13", place_quote="virtual IstioCon 2023"),
    Row("istiocon-china-2023", "2023-09-26", "2023-09-26", False,
        "en/2023/istio-at-kubecon-na.md:13", "China 2023](/blog/2023/istiocon-china/) was held on September 26",
        "Shanghai, China", "Shanghái, China", "中国上海", "en/2023/istio-at-kubecon-na.md:13", "in Shanghai, China"),
    # Part of KubeCon China 2023, whose own dates no document gives (26 September is IstioCon China's).
    Row("kubecon-china-2023", "", "", False, "", "",
        "Shanghai", "Shanghái", None, "en/2023/istiocon-china.md:3", "Open Source Summit China in Shanghai"),
    Row("istio-day-north-america-2023", "2023-11-06", "2023-11-06", False,
        "en/2023/istioday-kubecon-na-cfp.md:11", "Istio Day North America, 6 November 2023, Chicago",
        "Chicago", "Chicago", "芝加哥", "en/2023/istioday-kubecon-na-cfp.md:11", "Chicago"),
    Row("kubecon-north-america-2023", "2023-11-06", "2023-11-09", False,
        "en/2023/istio-at-kubecon-na.md:9", "gathered from 6th to 9th November in Chicago for the last KubeCon of 2023",
        "Chicago", "Chicago", "芝加哥", "en/2023/istio-at-kubecon-na.md:9", "in Chicago"),
    Row("istio-day-europe-2024", "2024-03-19", "2024-03-19", False,
        "banners/en/istio-day-eu-2024.md:9", "19 March 2024 | Paris, France",
        "Paris, France", "París, Francia", "法国巴黎", "banners/en/istio-day-eu-2024.md:9", "Paris, France"),
    Row("kubecon-europe-2024", "2024-03-19", "2024-03-22", False,
        "en/2024/kubecon-eu.md:13", "KubeCon + CloudNativeCon Europe, March 19-22, 2024, Paris, France",
        "Paris, France", "París, Francia", "法国巴黎", "en/2024/kubecon-eu.md:13", "Paris, France"),
    Row("istio-day-north-america-2024", "2024-11-12", "2024-11-12", False,
        "banners/en/istio-day-na-2024.md:8", "12 November 2024, Salt Lake City, Utah",
        "Salt Lake City, Utah", "Salt Lake City, Utah", "犹他州盐湖城",
        "banners/en/istio-day-na-2024.md:8", "Salt Lake City, Utah"),
    Row("kubecon-north-america-2024", "2024-11-12", "2024-11-15", False,
        "en/2024/kubecon-na.md:13", "KubeCon + CloudNativeCon North America, November 12-15, 2024, Salt Lake City",
        "Salt Lake City, Utah", "Salt Lake City, Utah", "犹他州盐湖城",
        "en/2024/kubecon-na.md:13", "Salt Lake City, Utah"),
    Row("istio-day-europe-2025", "2025-04-01", "2025-04-01", False,
        "en/2025/kubecon-eu.md:25", "IstioDay, April 1, 2025, London",
        "London", "Londres", "伦敦", "en/2025/kubecon-eu.md:25", "London"),
    Row("kubecon-europe-2025", "2025-04-01", "2025-04-04", False,
        "en/2025/kubecon-eu.md:12", "KubeCon + CloudNativeCon Europe, April 1-4, 2025, London",
        "London", "Londres", "伦敦", "en/2025/kubecon-eu.md:12", "London"),
    Row("istio-day-north-america-2025", "2025-11-10", "2025-11-10", False,
        "en/2025/istio-at-kubecon-na.md:15", "Istio Day on November 10",
        "Atlanta", "Atlanta", None, "en/2025/istio-at-kubecon-na.md:4", "North America 2025 in Atlanta"),
    Row("kubecon-north-america-2025", "2025-11-10", "2025-11-13", False,
        "en/2025/kubecon-na.md:13", "KubeCon + CloudNativeCon North America, November 10-13, 2025, Atlanta, Georgia",
        "Atlanta, Georgia", "Atlanta, Georgia", "美国佐治亚州亚特兰大", "en/2025/kubecon-na.md:13", "Atlanta, Georgia"),
    Row("kubecon-europe-2026", "2026-03-23", "2026-03-26", False,
        "en/2026/kubecon-eu.md:13", "KubeCon + CloudNativeCon Europe, March 23-26, 2026, Amsterdam, The Netherlands",
        "Amsterdam, The Netherlands", "Ámsterdam, Países Bajos", "荷兰阿姆斯特丹",
        "en/2026/kubecon-eu.md:13", "Amsterdam, The Netherlands"),
    # Only the Spanish and Chinese versions say the four Istio Day sessions are on 24 March; the place is the
    # KubeCon's it is co-located with.
    Row("istio-day-europe-2026", "2026-03-24", "2026-03-24", False,
        "es/2026/kubecon-eu.md:18", "martes 24 de marzo de 2026",
        "Amsterdam, The Netherlands", "Ámsterdam, Países Bajos", "荷兰阿姆斯特丹",
        "en/2026/kubecon-eu.md:13", "Amsterdam, The Netherlands"),
]


@pytest.fixture(scope="module")
def catalogue() -> dict[str, Event]:
    return {event.key: event for event in load_corpus(DOCS, BASE_URL).events}


def _line(at: str) -> str:
    file, _, number = at.rpartition(":")
    return (DOCS / file).read_text(encoding="utf-8").splitlines()[int(number) - 1]


def test_the_table_quotes_the_documents() -> None:
    """Each cited line says what the row claims (the table is read from docs/, and stays so)."""
    for row in TABLE:
        if row.date_at:
            assert row.date_quote in _line(row.date_at), row.key
        if row.place_at:
            assert row.place_quote in _line(row.place_at), row.key


def test_the_catalogue_holds_exactly_the_events_the_documents_name(catalogue: dict[str, Event]) -> None:
    assert sorted(catalogue) == sorted(row.key for row in TABLE)


@pytest.mark.parametrize("row", TABLE, ids=lambda row: row.key)
def test_each_event_is_dated_and_placed_as_the_documents_say(catalogue: dict[str, Event], row: Row) -> None:
    event = catalogue[row.key]
    assert (event.start, event.end) == (row.start, row.end)
    assert event.date_file == row.date_at.rpartition(":")[0]
    assert event.virtual is row.virtual
    assert event.place == row.place
    if row.place and event.place_source != "co-located":
        assert event.place_file == row.place_at.rpartition(":")[0]
    for lang, expected in (("en", row.place), ("es", row.es), ("zh", row.zh)):
        assert event.place_in(lang) == (expected if expected is not None else row.place), lang


CFP_TABLE = {
    # event key: (the day its call for proposals closes, file:line, what that line says)
    "istio-day-europe-2023": ("2023-02-12", "en/2023/istioday-kubecon-eu.md:20", "which is open until **February 12**"),
    "istio-day-north-america-2023": ("2023-08-06", "en/2023/istioday-kubecon-na-cfp.md:23",
                                     "which is open until **August 6th**"),
}
"""Every call for proposals whose closing day the documents give (the other CFPs are linked, never dated; the
2023 banner's "CFPs close soon!" names no day). The pt-br banner and the list item "Sunday, August 6: CFP
Closes" say the same day as the cited line."""


def test_cfp_closing_days_are_the_ones_the_documents_give(catalogue: dict[str, Event]) -> None:
    for key, (day, at, quote) in CFP_TABLE.items():
        assert quote in _line(at), key
        assert (catalogue[key].cfp_close, catalogue[key].cfp_file) == (day, at.rpartition(":")[0]), key
        assert catalogue[key].cfp_close < catalogue[key].start
    assert {key for key, event in catalogue.items() if event.cfp_close} == set(CFP_TABLE)


def test_each_post_of_an_event_names_its_translation_group(catalogue: dict[str, Event]) -> None:
    """A post's language versions share ``doc`` (``<year>/<slug>``): one recap is one announcement."""
    posts = [post for event in catalogue.values() for post in event.posts]
    assert posts and all(post.doc and post.doc.split("/")[0] in post.url for post in posts)
    recap = [p for p in catalogue["istio-day-europe-2025"].posts if p.url.endswith("/2025/kubecon-eu/")]
    assert {p.doc for p in recap} == {"2025/kubecon-eu"} and len({p.lang for p in recap}) > 1
