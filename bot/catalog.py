"""What the index knows, as lists: the events (one per recap post) and the talk recordings they link.

Both lists are derived from the index alone (post metadata and passage links), so adding a post to
``docs/`` adds its event and its videos; nothing here names an event. The language versions of one
post (same year and slug) are one event, shown in the asker's language when that version exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from embeddings.index import Index
from embeddings.lexical import tokenize
from embeddings.search import Retriever

FALLBACK_LANGUAGE = "en"
MAX_TOPIC_VIDEOS = 12
SEARCH_DEPTH = 20
"""Passages the retriever is asked for when a topic names no talk or event literally."""

# The place is the trailing locative phrase of a post's description: "…, at the RAI in Amsterdam.",
# "… Summit China in Shanghai.", "…, en el RAI de Ámsterdam.", "快速回顾在阿姆斯特丹 RAI 的…".
_PLACE_AFTER_COMMA = re.compile(r",\s*(?:at|in|en)\s+(?:the\s+|el\s+|la\s+)?(?P<place>[^,.;]+?)\s*\.?$", re.I)
_PLACE_AT_END = re.compile(r"\s(?:in|en)\s+(?P<place>[A-ZÁÉÍÓÚÑ][^,.;+]*?)\s*\.?\"?$")
_PLACE_ZH = re.compile(r"在(?P<place>[^，。、的在]{2,12}?)(?:\s*的|举行)")


@dataclass(frozen=True)
class Event:
    """One event recap post: its name (the post title), date, place when the post says, and link."""

    name: str
    date: str
    place: str
    url: str
    lang: str
    key: tuple[str, str]


@dataclass(frozen=True)
class Video:
    """A recording linked from a recap post, with the talk title the post gives it."""

    url: str
    video_id: str
    title: str
    event_name: str
    event_url: str
    date: str


def _group(post_id: str) -> tuple[str, str]:
    """``(year, slug)`` of a post id ``lang/year/slug``: shared by its translations."""
    parts = post_id.split("/")
    return (parts[-2], parts[-1]) if len(parts) >= 3 else ("", post_id)


def place_of(description: str) -> str:
    """The place a description ends on, or "" when it names none (a year is never a place)."""
    text = description.strip().strip('"')
    for pattern in (_PLACE_AFTER_COMMA, _PLACE_AT_END, _PLACE_ZH):
        match = pattern.search(text)
        if match:
            place = match.group("place").strip()
            if place and not re.search(r"\d", place):
                return place
    return ""


def _pick(versions: dict[str, Any], lang: str) -> str:
    """The language to show: the asker's, else English, else the first available."""
    if lang in versions:
        return lang
    if FALLBACK_LANGUAGE in versions:
        return FALLBACK_LANGUAGE
    return sorted(versions)[0]


def events(index: Index, lang: str) -> list[Event]:
    """Every event in the index, newest first, each once, in ``lang`` where a translation exists."""
    groups: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for post_id, meta in index.manifest.get("post_meta", {}).items():
        groups.setdefault(_group(post_id), {})[str(meta.get("lang") or post_id.split("/")[0])] = meta
    found = []
    for key, versions in groups.items():
        meta = versions[_pick(versions, lang)]
        place = ""
        # Descriptions in the shown language first, then the others (English phrasing is the most regular).
        for candidate in [meta, *(versions[v] for v in sorted(versions, key=lambda v: v != FALLBACK_LANGUAGE))]:
            place = place_of(str(candidate.get("description") or ""))
            if place:
                break
        found.append(Event(str(meta["title"]), str(meta.get("date") or ""), place, str(meta["url"]),
                           str(meta.get("lang") or ""), key))
    return sorted(found, key=lambda e: (e.date, e.name), reverse=True)


@dataclass
class _Recording:
    video_id: str
    url: dict[str, str]
    titles: dict[str, str]
    key: tuple[str, str]
    position: int


def _recordings(index: Index) -> list[_Recording]:
    """Every video link in the index, once per (event, video), with its title in each language."""
    found: dict[tuple[tuple[str, str], str], _Recording] = {}
    for position, passage in enumerate(index.passages):
        key = (passage.year, passage.slug) if passage.slug else _group(passage.post_id)
        for link in passage.links:
            if link.kind != "video" or not link.video_id:
                continue
            rec = found.setdefault((key, link.video_id), _Recording(link.video_id, {}, {}, key, position))
            rec.url.setdefault(passage.lang, link.url)
            if link.text.strip():
                rec.titles.setdefault(passage.lang, link.text.strip())
    return list(found.values())


def _matches(words: set[str], haystack: str) -> bool:
    have = set(tokenize(haystack))
    return bool(words) and words <= have


def videos(index: Index, lang: str, topic: str = "", retriever: Retriever | None = None) -> list[Video]:
    """Recordings, grouped by event (newest first), optionally about ``topic``.

    A topic matches a talk when all its words appear in the talk's title (in any language) or in its
    event's name; when nothing matches literally, the retriever's best passages for the topic decide.
    """
    event_by_key = {event.key: event for event in events(index, lang)}
    recordings = _recordings(index)
    if topic.strip():
        words = set(tokenize(topic))
        chosen = [
            rec for rec in recordings
            if _matches(words, " ".join(rec.titles.values()))
            or (rec.key in event_by_key and _matches(words, _event_names(index, rec.key)))
        ]
        if not chosen and retriever is not None:
            ranked: list[str] = []
            for hit in retriever.search(topic, k=SEARCH_DEPTH):
                ranked += [ln.video_id for ln in hit.passage.links if ln.kind == "video" and ln.video_id]
            order = {vid: i for i, vid in reversed(list(enumerate(ranked)))}
            chosen = sorted((rec for rec in recordings if rec.video_id in order), key=lambda r: order[r.video_id])
            chosen = chosen[:MAX_TOPIC_VIDEOS]
        recordings = chosen
    result = []
    for rec in recordings:
        event = event_by_key.get(rec.key)
        show = _pick(rec.titles or rec.url, lang)
        result.append(Video(
            url=rec.url.get(show) or next(iter(rec.url.values())),
            video_id=rec.video_id,
            title=rec.titles.get(show, ""),
            event_name=event.name if event else "",
            event_url=event.url if event else "",
            date=event.date if event else "",
        ))
    positions = {rec.video_id: rec.position for rec in recordings}
    return sorted(result, key=lambda v: (_negate(v.date), v.event_url, positions[v.video_id]))


def _event_names(index: Index, key: tuple[str, str]) -> str:
    """All titles of an event's language versions, plus its year, for topic matching."""
    meta = index.manifest.get("post_meta", {})
    titles = [str(m.get("title", "")) for pid, m in meta.items() if _group(pid) == key]
    return " ".join([*titles, key[0]])


def _negate(date: str) -> str:
    """Sort key that puts later ISO dates first."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in date)
