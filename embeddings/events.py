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
  A post's description ("… at the RAI in Amsterdam") gives the place when nothing above does.
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
_REGION = r"(?:North America|Norteamérica|Europe|Europa|America|China|EU|NA|欧洲站|北美站|欧洲|北美|中国)"
_SERIES = {
    "istiocon": r"IstioCon",
    "istio-day": r"Istio\s?Day",
    "kubecon": r"KubeCon(?:\s*\+\s*CloudNativeCon)?(?:\s*\+\s*Open Source Summit)?",
    "meetup": r"Istio (?:Community )?[Mm]eetup",
    "twitch": r"Twitch(?:\s+[Ss]tream)?",
}
# "[2023] [北美] NAME [China|Europe] [2023] [北美站]": a year and a region may stand before or after the name.
_MENTION = re.compile(
    rf"(?:(?P<year0>{YEAR_DIGITS})\s*年?\s*)?(?:(?P<region0>{_REGION})\s*)?"
    rf"(?P<name>{'|'.join(f'(?P<{key.replace(chr(45), chr(95))}>{rx})' for key, rx in _SERIES.items())})"
    rf"(?:\s+(?:in\s+|en\s+)?(?:(?P<region1>{_REGION})\b|(?P<where>[A-Z][a-zà-ÿ]+)\b))?"
    rf"(?:\s*(?:in\s+|en\s+)?(?P<year1>{YEAR_DIGITS})\b)?(?:\s*(?P<region2>{_REGION}))?"
)
_NAMES = {
    "istiocon": "IstioCon", "istio-day": "Istio Day", "kubecon": "KubeCon + CloudNativeCon",
    "meetup": "Istio Community Meetup", "twitch": "Istio Twitch stream",
}
_WORD_MONTHS = [month_names(lang) for lang in ("en", "es")]  # Chinese dates are numeric (4 月 1 日)
_MONTHS = {name.lower(): number for names in _WORD_MONTHS for number, name in enumerate(names, 1)}
_MONTH = rf"(?P<month>{'|'.join(name for names in _WORD_MONTHS for name in names)})"
_DATES = [
    # March 19-22, 2024 · April 1st · November 10–13 · Monday, November 10 2025
    re.compile(rf"\b{_MONTH}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?:(?P<m2>[A-Za-z]+)\s+)?(?P<d2>\d{{1,2}}))?"
               rf"(?:,?\s+(?P<year>{YEAR_DIGITS}))?\b", re.I),
    # 18 April 2023 · 19-22 de marzo de 2024 · 1 de abril
    re.compile(rf"\b(?P<d1>\d{{1,2}})(?:\s*[-–]\s*(?P<d2>\d{{1,2}}))?\s+(?:de\s+)?{_MONTH}"
               rf"(?:,?\s+(?:de\s+)?(?P<year>{YEAR_DIGITS}))?\b", re.I),
    # 2025 年 4 月 1 日 · 2024 年 3 月 19 日至 22 日 · 11 月 10-13 日
    re.compile(rf"(?:(?P<year>{YEAR_DIGITS})\s*年\s*)?(?P<month>\d{{1,2}})\s*月\s*(?P<d1>\d{{1,2}})\s*日?"
               rf"(?:\s*(?:至|[-–])\s*(?:(?P<m2>\d{{1,2}})\s*月\s*)?(?P<d2>\d{{1,2}})\s*日)?"),
]
VIRTUAL_REACH = 60
"""How many characters from an event's name "virtual" may stand to say it of that event."""
_VIRTUAL = re.compile(r"\bvirtual\b|\bvirtuales?\b|\bonline\b|线上|在线|虚拟", re.I)
_PLACE_AFTER = re.compile(r"^[\s,，|·]*(?P<place>[^.。#;；!！]+)")
_PLACE_IN = re.compile(  # "… in Shanghai, China." — a capitalised place after "in", up to the clause's end
    r"\b(?:in|en)\s+(?P<place>[A-ZÁÉÍÓÚ][\w\s.'-]*?(?:,\s*[A-Z][\w]+(?:\s[A-Z][\w]+)*)?)"
    r"(?=[.,;!]|\s+(?:and|on|from|to|with|for|y)\b|$)"
)
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
class EventPost:
    """A post about an event, in one language."""

    lang: str
    title: str
    url: str
    date: str


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
    """Language the place is written in (captions and banners come in several)."""

    def url(self, lang: str) -> str:
        """Where to read about it: its post in ``lang``, else in English, else any post, else its page."""
        for wanted in (lang, "en"):
            post = next((p.url for p in self.posts if p.lang == wanted), "")
            if post:
                return post
        return next((p.url for p in self.posts), "") or next((link.url for link in self.links), "")

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


def mentions(text: str) -> list[Mention]:
    """The events ``text`` names (series, region and year where the text gives them)."""
    found = []
    for match in _MENTION.finditer(text):
        series = next(key for key in _SERIES if match.group(key.replace("-", "_")))
        region_word = match.group("region1") or match.group("region0") or match.group("region2") or ""
        region = _REGIONS.get(region_word.lower(), "")
        if series == "meetup" and not region:  # "Istio Community Meetup in China", "中国首次 Istio meetup"
            near = text[max(0, match.start() - 12): match.end() + 40]
            region = "china" if re.search(r"China|中国|Beijing|北京", near) else ""
        year = match.group("year1") or match.group("year0") or ""
        found.append(Mention(series, region, year, match.start(), match.end(), match.group("where") or ""))
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
    for mention in mentions(question):
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

    def better_than(self, other: _Fact | None) -> bool:
        if other is None:
            return True
        # Same rank: English wording first (the canonical version), then the earliest seen.
        return (SOURCE_RANK[self.source], self.lang != "en") < (SOURCE_RANK[other.source], other.lang != "en")


class _Builder:
    """Collects facts per event key, then resolves each fact by source rank."""

    def __init__(self) -> None:
        self.events: dict[str, Event] = {}
        self.dates: dict[str, _Fact] = {}
        self.places: dict[str, _Fact] = {}
        self.virtual: dict[str, bool] = {}

    def event(self, series: str, region: str, year: str) -> Event:
        key = event_key(series, region, year)
        if key not in self.events:
            self.events[key] = Event(key, series, region, year, event_display_name(series, region, year))
        return self.events[key]

    def date(self, event: Event, span: DateSpan, source: str, lang: str) -> None:
        fact = _Fact((span.start, span.end), source, lang)
        if span.start[:4] == event.year and fact.better_than(self.dates.get(event.key)):
            self.dates[event.key] = fact

    def place(self, event: Event, place: str, source: str, lang: str) -> None:
        place = re.sub(r"^在|(?:举办|举行)$", "", place.strip(" ,.，。|").strip()).strip()
        if not place or re.search(r"\d", place) or len(place) > 60:
            return
        fact = _Fact((place,), source, lang)
        if fact.better_than(self.places.get(event.key)):
            self.places[event.key] = fact

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
        if all(existing.url != url for existing in event.links):
            event.links.append(EventLink(role, url))

    def finish(self) -> list[Event]:
        for key, event in self.events.items():
            if key in self.dates:
                event.start, event.end = self.dates[key].value
                event.date_source = self.dates[key].source
            if key in self.places:
                event.place = self.places[key].value[0]
                event.place_source = self.places[key].source
                event.place_lang = self.places[key].lang
        for event in self.events.values():
            # Istio Day is co-located with KubeCon: it takes the KubeCon's place when no source gives one.
            host = self.events.get(event_key("kubecon", event.region, event.year))
            if event.series == "istio-day" and not event.place and host and host.place:
                event.place, event.place_source, event.place_lang = host.place, "co-located", host.place_lang
            # A place means it happened in person; "virtual" said of an event without a place, online.
            event.virtual = False if event.place else self.virtual.get(event.key)
            event.posts.sort(key=lambda p: (p.date, p.lang))
        return sorted(self.events.values(), key=lambda e: (e.sort_date, e.key), reverse=True)


def _resolve(mention: Mention, default_year: str, context: Iterable[Mention]) -> tuple[str, str, str] | None:
    """Complete a mention from its document: the year, and an Istio Day's region from its KubeCon."""
    year = mention.year or default_year
    region = mention.region
    if mention.series == "istio-day" and not region:
        region = next((m.region for m in context if m.series == "kubecon" and m.region), "")
    if mention.series == "kubecon" and not region:
        return None  # "KubeCon" alone names no edition
    if not year or (mention.series == "istio-day" and not region):
        return None
    return mention.series, region, year


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?。！？])\s+|\n", text) if s.strip()]


def derive_events(posts: list[Post], sessions: list[Session], banners: list[Banner]) -> list[Event]:
    """The catalogue: every event the documents name, with its dates, place, links, posts and sessions."""
    builder = _Builder()

    for post in posts:
        head = f"{post.title}. {post.description}"
        primary = mentions(head)
        body = [block for block in post.blocks if block.kind != "heading"]
        body_mentions = [m for block in body for m in mentions(block.text)]
        context = primary + body_mentions
        about: list[Event] = []
        head_year = next(iter(re.findall(YEAR_DIGITS, head)), post.year)  # "2021 年的第一届 IstioCon"
        for mention in primary:
            resolved = _resolve(mention, head_year, context)
            if resolved:
                about.append(builder.event(*resolved))
        # A KubeCon post covers the Istio Day co-located with it when it talks about Istio Day.
        for event in list(about):
            if event.series == "kubecon" and any(m.series == "istio-day" and m.region in ("", event.region)
                                                 for m in context):
                about.append(builder.event("istio-day", event.region, event.year))
        for event in {e.key: e for e in about}.values():
            event.posts.append(EventPost(post.lang, post.title, post.url, post.date))
            place = next((m.group("place") for rx in _PLACE_DESC for m in [rx.search(post.description)] if m), "")
            builder.place(event, place, "description", post.lang)
        year = about[0].year if about else post.year
        for block in body:
            source = "caption" if block.kind == "caption" else "sentence"
            for sentence in _sentences(block.text) if source == "sentence" else [block.text]:
                _date_sentence(builder, sentence, year, context, source, post.lang)
            named = [(m, _resolve(m, year, context)) for m in mentions(block.text)]
            known = [(m, builder.events[event_key(*r)]) for m, r in named if r and event_key(*r) in builder.events]
            for link, (at, _) in zip(block.links, block.link_spans, strict=True):
                # A link belongs to the event named last before it (or first after it) in its paragraph.
                before = [event for m, event in known if m.start <= at]
                after = [event for m, event in known if m.start > at]
                if before or after:
                    builder.link((before or after)[-1 if before else 0], link)
            for sentence in _sentences(block.text):
                for said in _VIRTUAL.finditer(sentence):
                    for mention in mentions(sentence):
                        if min(abs(said.start() - mention.end), abs(mention.start - said.end())) > VIRTUAL_REACH:
                            continue
                        resolved = _resolve(mention, year, context)
                        if resolved and event_key(*resolved) in builder.events:
                            builder.virtual.setdefault(event_key(*resolved), True)

        # An announcement names one event and says when it will be: its first date after publication.
        if len({e.key for e in about}) == 1 and about[0].key not in builder.dates:
            upcoming = [d for block in body for d in find_dates(block.text, about[0].year) if d.start >= post.date]
            if upcoming:
                builder.date(about[0], upcoming[0], "announcement", post.lang)

    for banner in banners:
        found = mentions(f"{banner.title}. {banner.text}")
        dates = find_dates(banner.text, banner.end[:4] or banner.start[:4])
        year = dates[0].start[:4] if dates else banner.end[:4]
        for mention in found[:1]:  # a banner announces the event it is titled after
            resolved = _resolve(mention, year, found)
            if not resolved:
                continue
            event = builder.event(*resolved)
            for link in banner.links:
                builder.link(event, link)
            if dates:
                builder.date(event, dates[0], "banner", banner.lang)
                place = _PLACE_AFTER.match(banner.text[dates[0].stop:])
                if place:
                    builder.place(event, place.group("place"), "banner", banner.lang)
            if _VIRTUAL.search(banner.text):
                builder.virtual[event.key] = True

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
        timed = sorted(s.start for s in site_sessions if s.start)
        if timed:
            ends = sorted(s.end or s.start for s in site_sessions if s.start)
            builder.date(event, DateSpan(timed[0][:10], ends[-1][:10], 0, 0), "program", "en")
        event.sessions = len(site_sessions)
        event.recordings = sum(bool(s.recording) for s in site_sessions)
        site = site_sessions[0].site
        builder.link(event, f"https://events.istio.io/{site}/")
        builder.link(event, f"https://events.istio.io/{site}/schedule/")
    return builder.finish()


def _date_sentence(
    builder: _Builder, sentence: str, year: str, context: list[Mention], source: str, lang: str
) -> None:
    """Date (and place) the event a sentence names, when the sentence also holds a day-level date."""
    named = mentions(sentence)
    if not named:
        return
    resolved = _resolve(named[0], year, context)
    if not resolved:
        return
    dates = find_dates(sentence, resolved[2])
    if not dates:
        return
    # The date belongs to the event named nearest before it (or the first one named).
    before = [m for m in named if m.end <= dates[0].at]
    mention = before[-1] if before else named[0]
    resolved = _resolve(mention, year, context)
    if not resolved:
        return
    event = builder.event(*resolved)
    builder.date(event, dates[0], source, lang)
    rest = sentence[dates[0].stop:]
    if source == "caption":
        after = _PLACE_AFTER.match(rest)
        if after:
            builder.place(event, after.group("place"), source, lang)
    else:
        place_in = _PLACE_IN.search(rest)
        if place_in:
            builder.place(event, place_in.group("place"), source, lang)


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
        parts.append(event.place)
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
