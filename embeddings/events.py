"""The event catalogue, derived from the documents: nothing here names a particular event.

Events are recognised by their series' names (IstioCon, IstioCon China, Istio Day, KubeCon +
CloudNativeCon, Istio community meetups, Twitch streams) with a region and a year, in English,
Spanish and Chinese text. An event exists when a post's title or description, an event banner, an
image caption, a program, or a sentence that dates it names it. Each gets:

- **dates and place**, from the most authoritative source that has them. Where sources disagree the
  order below wins, because each is closer to the organisers' own schedule than the next:
  1. a *program* (session times, UTC): the event as it ran;
  2. an *image caption* of the form "Name, date, place" (the organisers' graphic in a post);
  3. a *banner* that announces it (its text, e.g. "01 April 2025, London"; its year from the period);
  4. a *sentence* in a post that names it with a date ("… was held on September 26 in Shanghai");
  5. the first date after publication in a post that announces only that event.
  A post's description ("… at the RAI in Amsterdam") gives the place when nothing above does. At equal
  rank the English wording wins, then the later post (a recap over a preview).
- **attribution**: a date, a link or "virtual" is said of the event named nearest to it with no clause
  boundary between (:func:`_nearest`); a link whose address names an event is that event's; a bare
  "KubeCon" is the edition the post's title names; a deadline ("CFP closes on August 6th") dates nothing.
- **the place in each card language**, from the language versions of the source that placed it
  (:meth:`_Builder._localized`).
- **virtual or in person**: "virtual" (virtual, virtuel, 线上/在线) said of it, or a place;
- **links** (event page, registration, call for proposals, schedule) from banners and from links
  next to its name in posts;
- **posts** about it in each language (a post is about the events its title or description names, and
  a KubeCon post is also about the Istio Day co-located with it when its text mentions Istio Day);
- **sessions** and recordings, from its program.

Each event gets a card in every card language (:func:`describe`). The words the card and its dates are
written with (month names, "virtual", region names, labels) are defined once, in
:mod:`embeddings.event_words`; the bot's replies read the same words from there. The words *read* from
documents and questions (``_REGIONS``, ``_VIRTUAL``, ``_LINK_ROLES``) are vocabulary to recognise, not
wording the bot writes, and stay here. What a year is comes from :mod:`embeddings.text_patterns`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from embeddings.banners import Banner
from embeddings.event_words import CARD_LANGUAGES, EVENT_WORDS, card_language, month_names, region_word
from embeddings.markdown import Link
from embeddings.posts import Post
from embeddings.sessions import Session
from embeddings.text_patterns import YEAR_DIGITS

SOURCE_RANK = {"program": 0, "caption": 1, "banner": 2, "sentence": 3, "announcement": 4, "description": 5}
"""Lower wins when two sources date or place an event differently (see the module docstring)."""

_REGIONS = {
    "europe": "europe", "eu": "europe", "europa": "europe", "欧洲": "europe", "欧洲站": "europe",
    "north america": "north-america", "na": "north-america", "norteamérica": "north-america",
    "america": "north-america", "北美": "north-america", "北美站": "north-america",
    "china": "china", "中国": "china",
}
REGION_WORDS = tuple(_REGIONS)
"""How questions and documents name regions ("europa", "北美"): also what a misspelt word may be corrected to."""
_REGION = r"(?:North America|Norteamérica|Europe|Europa|America|China|EU|NA|欧洲站|北美站|欧洲|北美|中国)"
_SERIES = {
    "istiocon": r"IstioCon",
    "istio-day": r"Istio\s?Day",
    "kubecon": r"KubeCon(?:\s*\+\s*CloudNativeCon)?(?:\s*\+\s*Open Source Summit)?",
    "meetup": r"Istio (?:Community )?[Mm]eetup",
    "twitch": r"Twitch(?:\s+[Ss]tream)?",
}
# "[2023] [北美] NAME [China|Europe] [2023] [北美站]": a year and a region may stand before or after the name.
_MENTION_PATTERN = (
    rf"(?:(?P<year0>{YEAR_DIGITS})\s*年?\s*)?(?:(?P<region0>{_REGION})\s*)?"
    rf"(?P<name>{'|'.join(f'(?P<{key.replace(chr(45), chr(95))}>{rx})' for key, rx in _SERIES.items())})"
    rf"(?:\s+(?:in\s+|en\s+|de\s+|at\s+)?(?:(?P<region1>{_REGION})\b|(?P<where>(?-i:[A-Z][a-zà-ÿ]+))\b))?"
    rf"(?:\s*(?:in\s+|en\s+|of\s+|de\s+)?(?P<year1>{YEAR_DIGITS})\b)?(?:\s*(?P<region2>{_REGION}))?"
)
_MENTION = re.compile(_MENTION_PATTERN)
_STOP_ZH = re.compile(r"\s*(?P<where>[\u4e00-\u9fff]{2,4}?)站(?!点)")
"""A question's "Istio Day 东京站", "KubeCon 日本站": the edition held there (a region's stop, 欧洲站, is a region)."""
_NOT_A_PLACE = re.compile(r"[的网官上在了和有]")
"""Characters no place name before 站 has: "官方网站" and "的网站" are a website."""
_MENTION_ANY_CASE = re.compile(_MENTION_PATTERN, re.IGNORECASE)
"""Questions are typed as people type in Slack ("istiocon 2022", "kubecon eu"); documents spell names properly,
and reading them case-sensitively keeps a URL's "kubecon-cloudnativecon-europe" out of the catalogue. A place
after the name is a capitalised word either way ("istio day london" is narrowed by its place, not read as one)."""
_NAMES = {
    "istiocon": "IstioCon", "istio-day": "Istio Day", "kubecon": "KubeCon + CloudNativeCon",
    "meetup": "Istio Community Meetup", "twitch": "Istio Twitch stream",
}
_WORD_MONTHS = [month_names(lang) for lang in ("en", "es")]  # Chinese dates are numeric (4 月 1 日)
_MONTHS = {name.lower(): number for names in _WORD_MONTHS for number, name in enumerate(names, 1)}
_MONTH = rf"(?P<month>{'|'.join(name for names in _WORD_MONTHS for name in names)})"
_ORD = r"(?:st|nd|rd|th)?"
_TO = r"\s*(?:[-–]|\bto\b|\bthrough\b|\bal\b|\ba\b)\s*"
_DATES = [
    # Month D[-D][, YEAR]: March 19-22, 2024 · April 1st · November 10–13 · Monday, November 10 2025 ·
    # March 30 - April 2 · April 18 to 21
    re.compile(rf"\b{_MONTH}\s+(?P<d1>\d{{1,2}}){_ORD}(?:{_TO}(?:(?P<m2>[A-Za-z]+)\s+)?(?P<d2>\d{{1,2}}){_ORD})?"
               rf"(?:,?\s+(?P<year>{YEAR_DIGITS}))?\b", re.I),
    # D[-D] Month [YEAR]: 18 April 2023 · 18th to 21st April · the 1st to 4th of April · 19-22 de marzo de 2024 ·
    # del 18 al 21 de abril · 1 de abril
    re.compile(rf"\b(?:(?:the|del)\s+)?(?P<d1>\d{{1,2}}){_ORD}(?:{_TO}(?:the\s+)?(?P<d2>\d{{1,2}}){_ORD})?"
               rf"\s+(?:of\s+|de\s+)?{_MONTH}(?:,?\s+(?:de\s+)?(?P<year>{YEAR_DIGITS}))?\b", re.I),
    # 2025 年 4 月 1 日 · 2024 年 3 月 19 日至 22 日 · 11 月 10-13 日 · 3 月 30 日至 4 月 2 日 · 7 月 10 号
    re.compile(rf"(?:(?P<year>{YEAR_DIGITS})\s*年\s*)?(?P<month>\d{{1,2}})\s*月\s*(?P<d1>\d{{1,2}})\s*[日号]?"
               rf"(?:\s*(?:至|到|[-–])\s*(?:(?P<m2>\d{{1,2}})\s*月\s*)?(?P<d2>\d{{1,2}})\s*[日号])?"),
]
"""The day-level dates the documents write (regexes, not a date library: these forms are all there are, and
a date library would also read "May" or "a 1" where no date is meant). A date with no year takes the
year of the event it is attributed to (or a banner's period)."""
_DEADLINE = re.compile(
    r"\b(?:clos(?:e|es|ed|ing)|deadline|until|due|cierr[ae]|cierre|hasta|plazo)\b|截止|关闭|开放至|之前", re.I)
"""Words that make a date a deadline (a CFP closing, a portal open until), never the event's own date."""
_CFP = re.compile(r"\bCFPs?\b|call for (?:session )?(?:proposals|papers)|\bproposals?\b|propuestas?|征集|提案", re.I)
"""Words that say a sentence is about a call for proposals: its deadline is when the CFP closes."""
ISTIO_SERIES = ("istiocon", "istio-day", "meetup")
"""The series Istio runs: every edition of them is in the posts (a KubeCon is only where Istio was)."""
"""Series istio.io calls for proposals for itself (a post about an Istio Day and its KubeCon asks for Istio Day
talks)."""
_BOUNDARY = re.compile(r"[,，、;；:：()（）|]|\s(?:and|or|y|o|while|alongside|but)\s|以及|并且|还有")
"""What separates clauses: a date, link or "virtual" and an event name with one of these between them are
said of different things ("alongside our virtual IstioCon 2023, IstioCon China 2023 was held on …")."""
_HOST_WORDS = re.compile(r"^\s*(?:CNCF[- ]hosted\s+)?(?:co-?located|coubicado|colocado|ubicado conjuntamente"
                         r"|联合举办|同场)", re.I)
"""After an event's name, words that make the name a qualifier of another event ("Istio Day - a KubeCon +
CloudNativeCon co-located event on April 1st"): such a name is the host, not what the date is said of."""
VIRTUAL_REACH = 60
"""How many characters from an event's name "virtual" may stand to say it of that event."""
_VIRTUAL = re.compile(r"\bvirtual\b|\bvirtuales?\b|\bonline\b|线上|在线|虚拟", re.I)
_PLACE_AFTER = re.compile(r"^[\s,，|·]*(?P<place>[^.。#;；!！]+)")
_PLACE_IN = re.compile(  # "… in Shanghai, China." — a capitalised place after "in", up to the clause's end
    r"\b(?:in|en)\s+(?P<place>[A-ZÁÉÍÓÚ][\w\s.'-]*?(?:,\s*[A-Z][\w]+(?:\s[A-Z][\w]+)*)?)"
    r"(?=[.,;!]|\s+(?:and|on|from|to|with|for|y|para|el|la|del|con|durante|desde)\b|$)"
)
_PLACE_ZH = re.compile(r"(?:在|于|齐聚)(?P<place>[\u4e00-\u9fff]{2,14}?)(?=举行|举办|召开|由|的|，|。|$)")
"""A Chinese place after a date: 在中国上海举行, 齐聚芝加哥，, 举办于阿姆斯特丹的."""
_PLACE_DESC = [
    re.compile(r",\s*(?:at|in|en)\s+(?:the\s+|el\s+|la\s+)?(?P<place>[^,.;]+?)\s*\.?$", re.I),
    re.compile(r"\s(?:in|en)\s+(?P<place>[A-ZÁÉÍÓÚÑ][^,.;+]*?)\s*\.?\"?$"),
]
_LINK_ROLES = [
    ("cfp", re.compile(r"cfp|call[-_ ]for|proposal|sessionize|propuesta|征集", re.I)),
    ("registration", re.compile(r"regist|inscr|注册|报名", re.I)),
    ("schedule", re.compile(r"schedule|program|agenda|sched\.com|日程", re.I)),
]
_EVENT_HOSTS = ("events.linuxfoundation.org", "events.istio.io", "sessionize.com", "sched.com", "lfasiallc.com",
                "cncf.io/events", "meetup.com")


@dataclass(frozen=True)
class EventLink:
    """A link about an event, by role: ``page``, ``registration``, ``cfp`` or ``schedule``."""

    role: str
    url: str


@dataclass(frozen=True)
class Localized:
    """A text as a reader of ``lang`` writes it (an event's place: "London", "Londres", "英国伦敦")."""

    lang: str
    text: str


@dataclass(frozen=True)
class EventPost:
    """A post about an event, in one language."""

    lang: str
    title: str
    url: str
    date: str
    doc: str = ""
    """The post's translation group, ``<year>/<slug>``: its language versions share it."""


@dataclass
class Event:
    """One event of the catalogue, with where each fact came from."""

    key: str
    """``<series>-[<region>-]<year>``, e.g. ``istio-day-europe-2025``."""
    series: str
    region: str
    year: str
    name: str
    start: str = ""
    """ISO date, or "" when no source dates the event."""
    end: str = ""
    place: str = ""
    virtual: bool | None = None
    date_source: str = ""
    place_source: str = ""
    links: list[EventLink] = field(default_factory=list)
    posts: list[EventPost] = field(default_factory=list)
    sessions: int = 0
    recordings: int = 0
    place_lang: str = ""
    """Language ``place`` is written in (English whenever an English source says it)."""
    places: list[Localized] = field(default_factory=list)
    """The place in each card language, from the language versions of the source that placed it."""
    date_file: str = ""
    """The file (under ``docs/``) that dated it: a post, a banner, or a program's first session."""
    place_file: str = ""
    """The file (under ``docs/``) that placed it."""
    cfp_close: str = ""
    """ISO date its call for proposals closes ("the CNCF event portal, which is open until August 6th"), or ""."""
    cfp_file: str = ""
    """The file (under ``docs/``) that says when the call for proposals closes."""

    def place_in(self, lang: str) -> str:
        """The place as a reader of ``lang`` writes it, else as the sources write it."""
        wanted = card_language(lang)
        return next((p.text for p in self.places if p.lang == wanted), self.place)

    def url(self, lang: str) -> str:
        """Where to read about it: its post in ``lang``, else in English, else any post, else its page."""
        for wanted in (lang, "en"):
            post = next((p.url for p in self.posts if p.lang == wanted), "")
            if post:
                return post
        return next((p.url for p in self.posts), "") or self.home or next((link.url for link in self.links), "")

    @property
    def home(self) -> str:
        """The event's own page, or ""."""
        return next((link.url for link in self.links if link.role == "page"), "")

    @property
    def sort_date(self) -> str:
        """The start date, or the earliest post about it when no source dates it."""
        return self.start or min((p.date for p in self.posts), default=f"{self.year}-12-31")

    def status(self, today: dt.date) -> str:
        """``upcoming``, ``ongoing`` or ``past`` relative to ``today`` (undated events count as past)."""
        if not self.start:
            return "past"
        start = dt.date.fromisoformat(self.start)
        end = dt.date.fromisoformat(self.end or self.start)
        return "upcoming" if start > today else "ongoing" if end >= today else "past"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        values = dict(data)
        values["links"] = [EventLink(**link) for link in values.get("links", [])]
        values["posts"] = [EventPost(**post) for post in values.get("posts", [])]
        values["places"] = [Localized(**place) for place in values.get("places", [])]
        return cls(**values)


@dataclass(frozen=True)
class Mention:
    """An event named in text, and where in the text."""

    series: str
    region: str
    year: str
    start: int
    end: int
    where: str = ""
    """A capitalised word after the name that is no known region: a city ("Istio Day Amsterdam") or an
    edition the documents may not know ("KubeCon India")."""


_SHORT_YEAR = re.compile(
    rf"(?P<name>(?:{'|'.join(_SERIES.values())})(?:\s*(?:{_REGION}))?)\s*['’]?(?P<yy>1[7-9]|2\d)"
    r"(?![\d:%-]|\s*(?:min|hour|hora|seg|sec|people|personas|分|小时|个|场|人|st\b|nd\b|rd\b|th\b|[月日号]))"
    r"(?!\s*(?:de\s+|of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|ene|abr|ago|dic)[a-z]*\b)",
    re.IGNORECASE)


def expand_short_years(question: str) -> str:
    """"istiocon22", "istio day eu '23", "kubecon na 24" → "istiocon 2022", "istio day eu 2023", "kubecon na 2024":
    Slack's short years, written in full so that names, BM25 and the reply read one year."""
    return _SHORT_YEAR.sub(lambda m: f"{m.group('name')} 20{m.group('yy')}", question)


def mentions(text: str, any_case: bool = False) -> list[Mention]:
    """The events ``text`` names (series, region and year where the text gives them); ``any_case`` for a
    question, whose names may be typed in lower case."""
    found = []
    for match in (_MENTION_ANY_CASE if any_case else _MENTION).finditer(text):
        series = next(key for key in _SERIES if match.group(key.replace("-", "_")))
        region_word = match.group("region1") or match.group("region0") or match.group("region2") or ""
        region = _REGIONS.get(region_word.lower(), "")
        if series == "meetup" and not region:  # "Istio Community Meetup in China", "中国首次 Istio meetup"
            near = text[max(0, match.start() - 12): match.end() + 40]
            region = "china" if re.search(r"China|中国|Beijing|北京", near) else ""
        year = match.group("year1") or match.group("year0") or ""
        where, end = match.group("where") or "", match.end()
        stop = _STOP_ZH.match(text, end) if any_case and not where and not region else None
        if stop and not _NOT_A_PLACE.search(stop.group("where")):  # "Istio Day 东京站", not "官方网站" (website)
            where, end = stop.group("where"), stop.end()
        found.append(Mention(series, region, year, match.start(), end, where))
    return found


def named_events(
    question: str, events: list[Event], known_word: Callable[[str], bool]
) -> list[tuple[Mention, list[Event]]]:
    """Each event the question names, with the catalogue's events that fit it (none: an unknown event).

    A word after the name narrows the match only when the documents never use it (``known_word``):
    "Londres" is in the Spanish posts, so "KubeCon Londres" is not unknown although the catalogue says
    London; "India" is in no document.
    """
    from embeddings.bm25 import fold

    named = []
    for mention in mentions(question, any_case=True):
        known = [e for e in events if e.series == mention.series]
        if mention.year:
            known = [e for e in known if e.year == mention.year]
        if mention.region:
            known = [e for e in known if e.region == mention.region]
        if mention.where and not known_word(fold(mention.where)):
            known = [e for e in known if fold(mention.where) in fold(f"{e.place} {e.name}")]
        named.append((mention, known))
    return named


def unknown_event(question: str, events: list[Event], known_word: Callable[[str], bool]) -> Mention | None:
    """The first event the question names that the catalogue does not hold ("IstioCon 2019", "KubeCon
    India 2024", "Istio Day Tokyo"), or None."""
    return next((mention for mention, known in named_events(question, events, known_word) if not known), None)


def event_key(series: str, region: str, year: str) -> str:
    return "-".join(part for part in (series, region, year) if part)


def event_display_name(series: str, region: str, year: str) -> str:
    return " ".join(part for part in (_NAMES[series], region_word(region, "en"), year) if part)


@dataclass(frozen=True)
class DateSpan:
    start: str
    end: str
    at: int
    stop: int


def find_dates(text: str, default_year: str) -> list[DateSpan]:
    """Day-level dates in ``text`` (en, es, zh), with the event's year where the text omits it."""
    spans: list[DateSpan] = []
    for pattern in _DATES:
        for m in pattern.finditer(text):
            month_text = m.group("month")
            month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.lower(), 0)
            year = m.group("year") or default_year
            if not (month and year):
                continue
            try:
                start = dt.date(int(year), month, int(m.group("d1")))
                m2_text = m.groupdict().get("m2") or ""
                m2 = int(m2_text) if m2_text.isdigit() else _MONTHS.get(m2_text.lower(), month)
                end = dt.date(int(year), m2, int(m.group("d2"))) if m.group("d2") else start
            except ValueError:
                continue
            if end < start:
                continue
            if any(s.at <= m.start() < s.stop or m.start() <= s.at < m.end() for s in spans):
                continue
            spans.append(DateSpan(start.isoformat(), end.isoformat(), m.start(), m.end()))
    return sorted(spans, key=lambda s: s.at)


@dataclass
class _Fact:
    value: tuple[str, ...]
    source: str
    lang: str
    file: str
    """The document it was read from, under ``docs/`` (``en/2023/istiocon-china.md``)."""
    doc: str
    """The document's translation group: its language versions share it (``post:2023/istiocon-china``)."""
    published: str = ""

    def rank(self) -> tuple[int, bool, int]:
        # Same rank: English wording first (the canonical version), then the latest published (a recap says
        # what happened, a preview what was planned), then the first seen.
        return SOURCE_RANK[self.source], self.lang != "en", -int(self.published.replace("-", "") or 0)


class _Builder:
    """Collects facts per event key, then resolves each fact by source rank."""

    def __init__(self) -> None:
        self.events: dict[str, Event] = {}
        self.dates: dict[str, _Fact] = {}
        self.places: dict[str, list[_Fact]] = {}
        self.virtual: dict[str, bool] = {}
        self.cfp: dict[str, _Fact] = {}

    def cfp_close(self, event: Event, day: str, lang: str, file: str, doc: str, published: str = "") -> None:
        """When the event's call for proposals closes: English wording first, then the latest published."""
        fact = _Fact((day,), "sentence", lang, file, doc, published)
        best = self.cfp.get(event.key)
        if day[:4] == event.year and (best is None or fact.rank() < best.rank()):
            self.cfp[event.key] = fact

    def event(self, series: str, region: str, year: str) -> Event:
        key = event_key(series, region, year)
        if key not in self.events:
            self.events[key] = Event(key, series, region, year, event_display_name(series, region, year))
        return self.events[key]

    def date(
        self, event: Event, span: DateSpan, source: str, lang: str, file: str, doc: str, published: str = ""
    ) -> None:
        fact = _Fact((span.start, span.end), source, lang, file, doc, published)
        best = self.dates.get(event.key)
        if span.start[:4] == event.year and (best is None or fact.rank() < best.rank()):
            self.dates[event.key] = fact

    def place(
        self, event: Event, place: str, source: str, lang: str, file: str, doc: str, published: str = ""
    ) -> None:
        place = re.sub(r"^(?:在|于|举办于|举行于)|(?:举办|举行)$", "", place.strip(" ,.，。|").strip()).strip()
        place = re.sub(r"^(?:the|el|la)\s+", "", place)
        if not place or re.search(r"\d", place) or len(place) > 60:
            return
        self.places.setdefault(event.key, []).append(_Fact((place,), source, lang, file, doc, published))

    def link(self, event: Event, link: Link | str) -> None:
        url = link if isinstance(link, str) else link.url
        text = "" if isinstance(link, str) else link.text
        try:
            where = urlsplit(url)
        except ValueError:
            return  # a malformed URL is no event link
        if not any(host in where.netloc + where.path for host in _EVENT_HOSTS) or where.path.endswith(".pdf"):
            return
        if where.path.strip("/") == "" and not isinstance(link, str):
            return  # a site's home page is no particular event's page
        role = next((name for name, rx in _LINK_ROLES if rx.search(url) or rx.search(text)), "page")
        for at, existing in enumerate(event.links):
            if existing.url == url:
                if existing.role == "page" and role != "page":  # "register" said of a page seen before
                    event.links[at] = EventLink(role, url)
                return
        event.links.append(EventLink(role, url))

    def _localized(self, facts: list[_Fact], best: _Fact) -> list[Localized]:
        """The winning place in each card language: the same source's version in that language (the
        translation of the same post or banner), else how any source pair translates the same words."""
        translations: dict[tuple[str, str], str] = {}
        for facts_of_event in self.places.values():
            groups: dict[tuple[str, str], dict[str, str]] = {}
            for fact in sorted(facts_of_event, key=_Fact.rank):
                groups.setdefault((fact.doc, fact.source), {}).setdefault(fact.lang, fact.value[0])
            for versions in groups.values():
                for text in versions.values():
                    for lang, other in versions.items():
                        translations.setdefault((text, card_language(lang)), other)
        same = {f.lang: f.value[0] for f in sorted(facts, key=_Fact.rank)
                if (f.doc, f.source) == (best.doc, best.source)}
        places = []
        for lang in CARD_LANGUAGES:
            text = next((v for k, v in same.items() if k == lang), "") or translations.get((best.value[0], lang), "")
            places.append(Localized(lang, text or best.value[0]))
        return places

    def finish(self) -> list[Event]:
        for key, event in self.events.items():
            if key in self.dates:
                fact = self.dates[key]
                event.start, event.end = fact.value
                event.date_source, event.date_file = fact.source, fact.file
            if self.places.get(key):
                best = min(self.places[key], key=_Fact.rank)
                event.place, event.place_source, event.place_lang = best.value[0], best.source, best.lang
                event.place_file = best.file
                event.places = self._localized(self.places[key], best)
            if key in self.cfp and (not event.start or self.cfp[key].value[0] < event.start):
                event.cfp_close, event.cfp_file = self.cfp[key].value[0], self.cfp[key].file
        for event in self.events.values():
            # Istio Day is co-located with KubeCon: it takes the KubeCon's place when no source gives one.
            host = self.events.get(event_key("kubecon", event.region, event.year))
            if event.series == "istio-day" and not event.place and host and host.place:
                event.place, event.place_source, event.place_lang = host.place, "co-located", host.place_lang
                event.place_file, event.places = host.place_file, list(host.places)
            # A place means it happened in person; "virtual" said of an event without a place, online.
            event.virtual = False if event.place else self.virtual.get(event.key)
            event.posts.sort(key=lambda p: (p.date, p.lang))
        return sorted(self.events.values(), key=lambda e: (e.sort_date, e.key), reverse=True)


def _resolve(
    mention: Mention, default_year: str, context: Iterable[Mention], hosts: Iterable[Mention] = ()
) -> tuple[str, str, str] | None:
    """Complete a mention from its document: the year, an Istio Day's region from its KubeCon, and a bare
    "KubeCon" ("the first KubeCon of 2023") from the one KubeCon edition the document's title names."""
    year = mention.year or default_year
    region = mention.region
    if mention.series == "istio-day" and not region:
        region = next((m.region for m in context if m.series == "kubecon" and m.region), "")
    if mention.series == "kubecon" and not region:
        editions = {m.region for m in hosts if m.series == "kubecon" and m.region and (m.year or year) == year}
        if len(editions) != 1:
            return None  # "KubeCon" alone names no edition
        region = editions.pop()
    if not year or (mention.series == "istio-day" and not region):
        return None
    return mention.series, region, year


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\n", text) if s.strip()]


def _is_host(text: str, mention: Mention) -> bool:
    """Whether the name only qualifies another event ("a KubeCon + CloudNativeCon co-located event")."""
    return bool(_HOST_WORDS.match(text[mention.end:]))


def _nearest(text: str, at: int, stop: int, named: list[tuple[Mention, Event]]) -> Event | None:
    """The event something at ``text[at:stop]`` is said of: a name it contains, else the nearest name with no
    clause boundary in between, else the nearest; at equal distance the name before it."""
    def cost(item: tuple[Mention, Event]) -> tuple[bool, int, bool]:
        mention = item[0]
        if mention.start >= at and mention.end <= stop:
            return False, -1, False  # the link's own text names it
        before, after = mention.end <= at, mention.start >= stop
        lo, hi = (mention.end, at) if before else (stop, mention.start) if after else (at, at)
        return bool(_BOUNDARY.search(text[lo:hi])), hi - lo, mention.start >= stop

    candidates = [item for item in named if not _is_host(text, item[0])] or named
    return min(candidates, key=cost)[1] if candidates else None


_SERIES_SLUGS = {"istiocon": "istiocon", "istio-day": "istio-day", "istioday": "istio-day", "kubecon": "kubecon"}
_REGION_SLUGS = {"europe": "europe", "eu": "europe", "north-america": "north-america", "na": "north-america",
                 "china": "china", "cn": "china"}


def _url_names(url: str) -> tuple[str, str, str]:
    """The series, region and year an event page's address names, from its deepest path segment that names a
    series (``…/kubecon-cloudnativecon-north-america/co-located-events/istio-day/`` is an Istio Day, of North
    America; ``sessionize.com/istiocon-2023`` IstioCon 2023)."""
    try:
        path = urlsplit(url).path.lower()
    except ValueError:
        return "", "", ""
    series = ""
    for segment in path.strip("/").split("/"):
        found = next((s for slug, s in _SERIES_SLUGS.items() if slug in segment), "")
        # ".../kubecon-…/co-located-events/…" is about an event co-located with that KubeCon, not the KubeCon
        series = found or ("" if re.search(r"co-?located", segment) else series)
    words = re.split(r"[/_.-]+", path)
    region = next((_REGION_SLUGS[w] for w in words if w in _REGION_SLUGS), "")
    if "north" in words and "america" in words:
        region = "north-america"
    year = next(iter(re.findall(YEAR_DIGITS, path)), "")
    return series, region, year


def _link_event(
    builder: _Builder, text: str, at: int, stop: int, url: str, named: list[tuple[Mention, Event]], year: str
) -> Event | None:
    """The event a link belongs to: the one its address names when the paragraph or the catalogue has it
    (a call for proposals to its own event), else the one named nearest to it."""
    series, region, url_year = _url_names(url)
    if series:
        fits = [(m, e) for m, e in named if e.series == series and (not region or e.region == region)
                and (not url_year or e.year == url_year)]
        if fits:
            return _nearest(text, at, stop, fits)
        if region or series != "kubecon":
            event = builder.events.get(event_key(series, region, url_year or year))
            if event is not None:
                return event
    return _nearest(text, at, stop, named)


def derive_events(posts: list[Post], sessions: list[Session], banners: list[Banner]) -> list[Event]:
    """The catalogue: every event the documents name, with its dates, place, links, posts and sessions."""
    builder = _Builder()

    # The events each post is about: those its title or description names, and, for a KubeCon post, the
    # Istio Day co-located with it when its text mentions Istio Day. Every language version of a post is
    # about what any version names (translations differ: one may leave out the Istio Day).
    about: dict[tuple[str, str], dict[str, Event]] = {}
    for post in posts:
        head = f"{post.title}. {post.description}"
        context = mentions(head) + [m for block in post.blocks if block.kind != "heading" for m in mentions(block.text)]
        head_year = next(iter(re.findall(YEAR_DIGITS, head)), post.year)  # "2021 年的第一届 IstioCon"
        chosen = about.setdefault(post.group, {})
        for mention in mentions(head):
            resolved = _resolve(mention, head_year, context)
            if resolved:
                event = builder.event(*resolved)
                chosen.setdefault(event.key, event)
        for event in list(chosen.values()):
            if event.series == "kubecon" and any(m.series == "istio-day" and m.region in ("", event.region)
                                                 for m in context):
                day = builder.event("istio-day", event.region, event.year)
                chosen.setdefault(day.key, day)

    def post_year(post: Post) -> str:
        return next(iter(about[post.group].values())).year if about[post.group] else post.year

    for post in posts:
        doc, file = f"post:{post.year}/{post.slug}", f"{post.id}.md"
        hosts = mentions(f"{post.title}. {post.description}")
        body = [block for block in post.blocks if block.kind != "heading"]
        context = hosts + [m for block in body for m in mentions(block.text)]
        year = post_year(post)
        for event in about[post.group].values():
            event.posts.append(EventPost(post.lang, post.title, post.url, post.date, f"{post.year}/{post.slug}"))
            place = next((m.group("place") for rx in _PLACE_DESC for m in [rx.search(post.description)] if m), "")
            place = place or next((m.group("place") for m in [_PLACE_ZH.search(post.description)] if m), "")
            builder.place(event, place, "description", post.lang, file, doc, post.date)
        for block in body:
            source = "caption" if block.kind == "caption" else "sentence"
            for sentence in _sentences(block.text) if source == "sentence" else [block.text]:
                _date_sentence(builder, sentence, year, context, hosts, source, post.lang, file, doc, post.date)

        # An announcement names one event and says when it will be: its first date after publication.
        only = list(about[post.group].values())
        if len(only) == 1 and only[0].key not in builder.dates:
            upcoming = [d for block in body for sentence in _sentences(block.text)
                        for d in find_dates(sentence, only[0].year)
                        if d.start >= post.date and not _is_deadline(sentence, d)]
            if upcoming:
                builder.date(only[0], upcoming[0], "announcement", post.lang, file, doc, post.date)

        # When a call for proposals closes: a deadline in a sentence about proposals, said of the event the
        # sentence names, else of the one Istio event (else the one event) the post is about.
        about_post = list(about[post.group].values())
        istio = [e for e in about_post if e.series in ISTIO_SERIES]
        default = istio[0] if len(istio) == 1 else about_post[0] if len(about_post) == 1 else None
        for block in body:
            for sentence in _sentences(block.text):
                _cfp_sentence(builder, sentence, year, context, hosts, default, post.lang, file, doc, post.date)

    for banner in banners:
        text = f"{banner.title}. {banner.text}"
        found = mentions(text)
        year = banner.end[:4] or banner.start[:4]  # a banner's text dates its event within its period
        dates = [d for d in find_dates(banner.text, year) if not _is_deadline(banner.text, d)]
        resolved = _resolve(found[0], dates[0].start[:4] if dates else year, found) if found else None
        if not resolved:
            continue
        event = builder.event(*resolved)  # a banner announces the event it is titled after
        file, doc = f"banners/{banner.id}.md", f"banner:{banner.name}"
        if dates:
            builder.date(event, dates[0], "banner", banner.lang, file, doc, banner.start)
            rest = banner.text[dates[0].stop:]
            place = _PLACE_ZH.match(rest.lstrip(" ，,")) or _PLACE_AFTER.match(rest)
            if place:
                builder.place(event, place.group("place"), "banner", banner.lang, file, doc, banner.start)
        for sentence in _sentences(banner.text):
            _cfp_sentence(builder, sentence, event.year, found, found, event, banner.lang, file, doc, banner.start)

    by_site: dict[str, list[Session]] = {}
    for session in sessions:
        by_site.setdefault(session.site, []).append(session)
    for site_sessions in by_site.values():
        found = mentions(site_sessions[0].event)
        resolved = _resolve(found[0], site_sessions[0].year, found) if found else None
        if not resolved:
            continue
        event = builder.event(*resolved)
        event.name = site_sessions[0].event
        timed = sorted((s for s in site_sessions if s.start), key=lambda s: s.start)
        if timed:
            ends = sorted(s.end or s.start for s in timed)
            first = timed[0]
            builder.date(event, DateSpan(first.start[:10], ends[-1][:10], 0, 0), "program", "en",
                         f"programs/{first.site}/sessions/{first.path.stem}.md", f"program:{first.site}")
        event.sessions = len(site_sessions)
        event.recordings = sum(bool(s.recording) for s in site_sessions)
        site = site_sessions[0].site
        builder.link(event, f"https://events.istio.io/{site}/")
        builder.link(event, f"https://events.istio.io/{site}/schedule/")

    # Links and "virtual", once every event is known: each to the event it is said of.
    for post in posts:
        hosts = mentions(f"{post.title}. {post.description}")
        body = [block for block in post.blocks if block.kind != "heading"]
        context = hosts + [m for block in body for m in mentions(block.text)]
        year = post_year(post)
        for block in body:
            named = _known(builder, block.text, year, context, hosts)
            for link, (at, stop) in zip(block.links, block.link_spans, strict=True):
                if named or _url_names(link.url)[0]:
                    owner = _link_event(builder, block.text, at, stop, link.url, named, year)
                    if owner is not None:
                        builder.link(owner, link)
            _virtual(builder, block.text, year, context, hosts)
    for banner in banners:
        text = f"{banner.title}. {banner.text}"
        found = mentions(text)
        year = banner.end[:4] or banner.start[:4]
        titled = _resolve(found[0], year, found) if found else None
        if not titled or event_key(*titled) not in builder.events:
            continue
        offset = len(banner.title) + 2
        named = [(m, e) for m, e in _known(builder, text, year, found, found) if m.start >= offset] or [
            (found[0], builder.events[event_key(*titled)])]
        for link in banner.links:
            at = text.find(link.text, offset) if link.text and link.text != banner.title else -1
            if at < 0:  # the banner's own link (front matter) is its event's
                builder.link(builder.events[event_key(*titled)], link)
            else:
                owner = _link_event(builder, text, at, at + len(link.text), link.url, named, year)
                if owner is not None:
                    builder.link(owner, link)
        _virtual(builder, text, year, found, found)
    return builder.finish()


def _known(
    builder: _Builder, text: str, year: str, context: list[Mention], hosts: list[Mention]
) -> list[tuple[Mention, Event]]:
    """The events ``text`` names that the catalogue holds, with where it names them."""
    named = [(m, _resolve(m, year, context, hosts)) for m in mentions(text)]
    return [(m, builder.events[event_key(*r)]) for m, r in named if r and event_key(*r) in builder.events]


def _virtual(builder: _Builder, text: str, year: str, context: list[Mention], hosts: list[Mention]) -> None:
    """"virtual" said of an event: the one named nearest to the word, within ``VIRTUAL_REACH``."""
    for sentence in _sentences(text):
        named = [(m, e) for m, e in _known(builder, sentence, year, context, hosts)]
        for said in _VIRTUAL.finditer(sentence):
            near = [(m, e) for m, e in named
                    if min(abs(said.start() - m.end), abs(m.start - said.end())) <= VIRTUAL_REACH]
            event = _nearest(sentence, said.start(), said.end(), near)
            if event is not None:
                builder.virtual.setdefault(event.key, True)


def _is_deadline(text: str, date: DateSpan) -> bool:
    """Whether the clause holding the date says it is a deadline ("CFP closes on August 6th")."""
    starts = [m.end() for m in _BOUNDARY.finditer(text, 0, date.at)]
    stop = next((m.start() for m in _BOUNDARY.finditer(text, date.stop)), len(text))
    clause = text[starts[-1] if starts else 0: stop]
    return bool(_DEADLINE.search(clause))


def _cfp_sentence(
    builder: _Builder, sentence: str, year: str, context: list[Mention], hosts: list[Mention],
    default: Event | None, lang: str, file: str, doc: str, published: str,
) -> None:
    """A call for proposals' closing date: the first date of a sentence about proposals that says it closes
    ("… the CNCF event portal, which is open until August 6th", "Sunday, August 6: CFP Closes", "CFP 关闭"),
    said of the event the sentence names nearest to the date, else of ``default``."""
    if not _CFP.search(sentence) or not _DEADLINE.search(sentence):
        return
    named = [(m, builder.event(*r)) for m in mentions(sentence) if (r := _resolve(m, year, context, hosts))]
    first = named[0][1] if named else default
    dates = find_dates(sentence, first.year if first else year)
    if not dates:
        return
    event = (_nearest(sentence, dates[0].at, dates[0].stop, named) if named else None) or default
    if event is None:
        return
    day = next((d for d in find_dates(sentence, event.year) if d.at == dates[0].at), dates[0]).start
    builder.cfp_close(event, day, lang, file, doc, published)


def _date_sentence(
    builder: _Builder, sentence: str, year: str, context: list[Mention], hosts: list[Mention], source: str,
    lang: str, file: str, doc: str, published: str,
) -> None:
    """Date (and place) the event a sentence names, when the sentence also holds a day-level date: the
    event named nearest to the date in its clause (a caption's date is its first name's)."""
    named = [(m, r) for m in mentions(sentence) if (r := _resolve(m, year, context, hosts))]
    if not named:
        return
    dates = [d for d in find_dates(sentence, named[0][1][2]) if not _is_deadline(sentence, d)]
    if not dates:
        return
    date = dates[0]
    if source == "caption":
        resolved = named[0][1]
    else:
        events = [(m, builder.event(*r)) for m, r in named]
        chosen = _nearest(sentence, date.at, date.stop, events)
        if chosen is None:
            return
        resolved = (chosen.series, chosen.region, chosen.year)
        if date.start[:4] != chosen.year:  # the year was the first name's: read it again with this one's
            date = next(iter(d for d in find_dates(sentence, chosen.year) if d.at == date.at), date)
    event = builder.event(*resolved)
    builder.date(event, date, source, lang, file, doc, published)
    rest = sentence[date.stop:]
    if source == "caption":
        after = _PLACE_AFTER.match(rest)
        if after:
            builder.place(event, after.group("place"), source, lang, file, doc, published)
    else:
        place_in = _PLACE_IN.search(rest) or _PLACE_ZH.search(rest)
        if place_in:
            builder.place(event, place_in.group("place"), source, lang, file, doc, published)


def format_day(iso: str, lang: str) -> str:
    """``2025-04-01`` as a reader of ``lang`` writes it: 1 April 2025, 1 de abril de 2025, 2025年4月1日."""
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    words = EVENT_WORDS[card_language(lang)]
    return words["date_day"].format(day=day.day, month=words[f"month_{day.month}"], year=day.year)


def format_span(start: str, end: str, lang: str) -> str:
    """A date or a range: 25–29 April 2022, 25–29 de abril de 2022, 2022年4月25日至29日."""
    if not start:
        return ""
    if not end or end[:10] == start[:10]:
        return format_day(start, lang)
    first, last = dt.date.fromisoformat(start[:10]), dt.date.fromisoformat(end[:10])
    words = EVENT_WORDS[card_language(lang)]
    if (first.year, first.month) == (last.year, last.month):
        return words["date_days"].format(day=first.day, last=last.day, month=words[f"month_{first.month}"],
                                         year=first.year)
    return words["date_range"].format(start=format_day(start, lang), end=format_day(end, lang))


def describe(event: Event, lang: str) -> str:
    """The event's card in ``lang``: a line naming it, its dates and place (quoted when it answers), then the
    posts about it (indexed, not quoted).

    It says what identifies the event (name, dates, place, the posts about it), not how many talks it had:
    counts in the text would match every question about talks or recordings ("演讲", "录像").
    """
    words = EVENT_WORDS[card_language(lang)]
    parts = [format_span(event.start, event.end, lang) or words["date_unknown"]]
    if event.place:
        parts.append(event.place_in(lang))
    if event.virtual is not None:
        parts.append(words["virtual"] if event.virtual else words["in_person"])
    sep = "，" if lang.startswith("zh") else ", "
    region = region_word(event.region, lang)
    region = region if region != region_word(event.region, "en") else ""  # "IstioCon China" needs no "(China)"
    name = f"{event.name} ({region})" if region else event.name
    text = f"{name}{'：' if lang.startswith('zh') else ': '}{sep.join(parts)}."
    titles = list(dict.fromkeys(p.title for p in event.posts if p.lang == lang)) or list(
        dict.fromkeys(p.title for p in event.posts if p.lang == "en"))
    if titles:
        text += f"\n{words['posts']}: " + "; ".join(titles[:4])
    return text


def region_names(region: str) -> list[str]:
    """A region's names in every card language ("Europe", "Europa", "欧洲"), for matching what users type."""
    return list(dict.fromkeys(name for lang in CARD_LANGUAGES if (name := region_word(region, lang))))
