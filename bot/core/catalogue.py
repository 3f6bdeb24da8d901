"""What the index knows, as lists: the event catalogue and the talk recordings.

Both are derived from the index alone: the events from the catalogue built with it
(:mod:`embeddings.events`), the recordings from the sessions' recordings and the video links in posts,
each YouTube video once. Nothing here names an event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from embeddings.bm25 import tokenize
from embeddings.events import Event
from embeddings.index import Index
from embeddings.passages import Passage
from embeddings.search import Retriever

FALLBACK_LANGUAGE = "en"
MAX_TOPIC_VIDEOS = 12
SEARCH_DEPTH = 20
"""Passages the retriever is asked for when a topic names no talk or event literally."""
MIN_TOPIC_COSINE = 0.83
"""A topic whose best passage is less similar than this is about something else: no list. On docs/,
off-topic words score below it ("paella valenciana" 0.81, "recipe for banana bread" 0.80) and event topics
above ("ebpf" 0.86, "ambient mesh security" 0.87); only topics no title, speaker or event name matches
literally get here."""


@dataclass(frozen=True)
class Video:
    """A recording: the talk's title and speakers, and the event it belongs to."""

    url: str
    video_id: str
    title: str
    speakers: tuple[str, ...]
    event_name: str
    event_url: str
    date: str


def events(index: Index, today: dt.date, query: str = "") -> tuple[list[Event], list[Event]]:
    """Upcoming (soonest first) and past (newest first) events, those matching ``query`` when given."""
    from bot.core.citations import filter_events, split_events

    chosen = filter_events(index.events, query) if query.strip() else index.events
    return split_events(chosen, today)


def _event_for(passage: Passage, by_post: dict[str, Event], by_name: dict[str, Event]) -> Event | None:
    if passage.session is not None:
        return by_name.get(passage.session.event)
    return by_post.get(passage.url)


def _pick(versions: dict[str, Passage], lang: str) -> Passage:
    """The version to show: the asker's language, else English, else the first."""
    return versions.get(lang) or versions.get(FALLBACK_LANGUAGE) or next(iter(versions.values()))


def _recordings(index: Index) -> dict[str, dict[str, tuple[Passage, str]]]:
    """video id → language → (the passage citing it, the talk's title there); sessions first."""
    found: dict[str, dict[str, tuple[Passage, str]]] = {}
    for passage in sorted(index.passages, key=lambda p: p.kind != "session"):
        for link in passage.links:
            if link.kind == "video" and link.video_id:
                found.setdefault(link.video_id, {}).setdefault(passage.lang, (passage, link.text.strip()))
    return found


def videos(index: Index, lang: str, topic: str = "", retriever: Retriever | None = None) -> list[Video]:
    """Recordings, de-duplicated by YouTube id, newest event first (by relevance within an event when a
    topic is given), optionally about ``topic``.

    A topic matches a talk when all its words appear in the talk's title (any language), its speakers
    or its event's name; when nothing matches literally, the retriever's best passages for the topic
    decide, as long as they are about it at all (an off-topic word lists nothing).
    """
    by_post = {post.url: event for event in index.events for post in event.posts}
    by_name = {event.name: event for event in index.events}
    recordings = _recordings(index)
    chosen = list(recordings)
    if topic.strip():
        words = set(tokenize(topic))

        def haystack(video_id: str) -> set[str]:
            text = []
            for passage, title in recordings[video_id].values():
                event = _event_for(passage, by_post, by_name)
                text += [title, event.name if event else passage.title, passage.year]
                if passage.session is not None:
                    text += [s.name for s in passage.session.speakers]
            return set(tokenize(" ".join(text)))

        chosen = [vid for vid in recordings if words and words <= haystack(vid)]
        if not chosen and retriever is not None:
            hits = retriever.search(topic, k=SEARCH_DEPTH, lang=lang)
            if hits and max(hit.channels.cosine or 0.0 for hit in hits) >= MIN_TOPIC_COSINE:
                ranked = [ln.video_id for hit in hits for ln in hit.passage.links if ln.kind == "video" and ln.video_id]
                chosen = list(dict.fromkeys(vid for vid in ranked if vid in recordings))[:MAX_TOPIC_VIDEOS]
    result = []
    for order, vid in enumerate(chosen):
        passage = _pick({k: v[0] for k, v in recordings[vid].items()}, lang)
        title = recordings[vid][passage.lang][1]
        event = _event_for(passage, by_post, by_name)
        speakers = tuple(s.name for s in passage.session.speakers) if passage.session is not None else ()
        result.append((order, Video(
            url=f"https://youtu.be/{vid}",
            video_id=vid,
            title=title or passage.title,
            speakers=speakers,
            event_name=event.name if event else passage.title,
            event_url=event.url(lang) if event else passage.url,
            date=(event.sort_date if event else passage.date),
        )))
    return [video for _, video in sorted(result, key=lambda item: (_negate(item[1].date), item[1].event_name,
                                                                    item[0]))]


def _negate(date: str) -> str:
    """Sort key that puts later ISO dates first."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in date)
