"""What subscribed channels are told: new events, recap posts and recordings after a sync, and reminders before
an event starts and before a call for proposals closes. Pure: catalogues and a date in, typed notices out.

Each :class:`Notice` has a **key** that names the news, not the moment it was noticed
(``event:<event key>``, ``recap:<year>/<slug>``, ``recordings:<event key>:<count>``,
``reminder:<event key>:<start>:7d`` or ``…:1d``, ``cfp:<event key>:<closing day>``): the store records each
key once (:mod:`bot.store.subscriptions`), so the same news computed by two hosts, or again after a restart,
is one notice, and each channel is told it once.

**Announcements** (:func:`announcements`) compare the catalogue before a sync with the one after it. A document
that failed to parse is in neither (the loader skips it, :func:`embeddings.documents.load_corpus`), so it
never causes a notice; when it is fixed, what it adds is news then, once.

- a new event, upcoming or going on (or undated, with a post of the last :data:`RECENT_DAYS`): ``new_event``;
- a new post (a new translation group: its language versions are one post) about an event that has started,
  published in the last :data:`RECENT_DAYS`: ``new_recap``;
- more recordings of an event than before (of a new event: one that ended in the last
  :data:`RECORDINGS_RECENT_DAYS`): ``new_recordings``.

An empty "before" is no catalogue to compare with (a first sync): nothing is announced, or every old event would be.

**Reminders** (:func:`reminders`), for ``today``: an event that starts in 2 to 7 days gets the 7-day reminder,
one that starts tomorrow the 1-day reminder (which silences the 7-day one: a clock that jumps past both
windows sends only the 1-day one, and one that jumps back cannot send a stale 7-day one after it), an event
that has started none; a call for proposals that closes within 7 days (closing day included), ``cfp_closing``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.core.citations import Part, event_parts
from bot.core.strings import t
from embeddings.events import Event, EventPost, format_day

RECENT_DAYS = 30
"""A post older than this when it first appears (a sync rule that now copies old posts) is not news."""
RECORDINGS_RECENT_DAYS = 120
"""Recordings of an event first seen in a sync are news only when it ended within this many days."""
REMIND_DAYS = 7
_BLOG_PATH = re.compile(r"/blog/(\d{4}/[^/]+)/?$")


class NoticeKind(StrEnum):
    NEW_EVENT = "new_event"
    NEW_RECAP = "new_recap"
    NEW_RECORDINGS = "new_recordings"
    REMINDER_7D = "reminder_7d"
    REMINDER_1D = "reminder_1d"
    CFP_CLOSING = "cfp_closing"


@dataclass(frozen=True)
class Notice:
    """One piece of news for every subscribed channel."""

    kind: NoticeKind
    key: str
    event: Event
    doc: str = ""
    """``new_recap``: the post's translation group (``<year>/<slug>``)."""
    count: int = 0
    """``new_recordings``: how many recordings the event has now."""
    day: str = ""
    """Reminders: the day the event starts; ``cfp_closing``: the day the call for proposals closes."""
    supersedes: tuple[str, ...] = ()
    """Keys of notices this one makes stale: never to be posted after it (the 7-day reminder of a 1-day one)."""

    def payload(self) -> dict[str, Any]:
        """Everything a message is written from, as plain data (kept in the store: any host can write it)."""
        return {"kind": str(self.kind), "key": self.key, "event": self.event.to_dict(), "doc": self.doc,
                "count": self.count, "day": self.day, "supersedes": list(self.supersedes)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Notice:
        return cls(NoticeKind(payload["kind"]), payload["key"], Event.from_dict(payload["event"]),
                   payload.get("doc", ""), int(payload.get("count", 0)), payload.get("day", ""),
                   tuple(payload.get("supersedes", ())))

    def relevant(self, today: dt.date) -> bool:
        """Whether it is still worth saying on ``today`` (a reminder posted late, after a store or Slack outage,
        for an event that has started is not)."""
        if self.kind in (NoticeKind.REMINDER_7D, NoticeKind.REMINDER_1D):
            return today < dt.date.fromisoformat(self.day)
        if self.kind == NoticeKind.CFP_CLOSING:
            return today <= dt.date.fromisoformat(self.day)
        return True


@dataclass(frozen=True)
class NoticeText:
    """A notice in one language: the headline (the bot's words and the event's name, plain text) and lines of
    parts (the event's citation line, the post), which each surface draws its own way."""

    headline: str
    lines: tuple[tuple[Part, ...], ...]
    footer: str


def post_doc(post: EventPost) -> str:
    """The post's translation group: ``doc``, or ``<year>/<slug>`` read from its URL (a catalogue from an index
    built before posts carried ``doc``)."""
    if post.doc:
        return post.doc
    found = _BLOG_PATH.search(post.url)
    return found.group(1) if found else post.url


def _day(iso: str) -> dt.date | None:
    return dt.date.fromisoformat(iso[:10]) if iso else None


def _recent(iso: str, today: dt.date, days: int) -> bool:
    day = _day(iso)
    return day is not None and today - dt.timedelta(days=days) <= day <= today + dt.timedelta(days=days)


def announcements(before: Sequence[Event], after: Sequence[Event], today: dt.date) -> list[Notice]:
    """What a sync that turned the catalogue ``before`` into ``after`` brought (see the module docstring)."""
    if not before:
        return []
    old = {event.key: event for event in before}
    found: list[Notice] = []
    for event in sorted(after, key=lambda e: (e.sort_date, e.key)):
        prior = old.get(event.key)
        if prior is None and (event.status(today) != "past" or (
                not event.start and any(_recent(p.date, today, RECENT_DAYS) for p in event.posts))):
            found.append(Notice(NoticeKind.NEW_EVENT, f"event:{event.key}", event))
            continue
        known = {post_doc(p) for p in prior.posts} if prior else set()
        started = _day(event.start)
        for doc, first in _new_posts(event.posts, known).items():
            published = _day(first.date)
            if started and published and published >= started and _recent(first.date, today, RECENT_DAYS):
                found.append(Notice(NoticeKind.NEW_RECAP, f"recap:{doc}", event, doc=doc))
        had = prior.recordings if prior else 0
        if event.recordings > had and (prior or _recent(event.end or event.start, today, RECORDINGS_RECENT_DAYS)):
            found.append(Notice(NoticeKind.NEW_RECORDINGS, f"recordings:{event.key}:{event.recordings}", event,
                                count=event.recordings))
    unique: dict[str, Notice] = {}
    for notice in found:  # a post about two events (a KubeCon and its Istio Day) is one notice, the first's
        unique.setdefault(notice.key, notice)
    return list(unique.values())


def _new_posts(posts: list[EventPost], known: set[str]) -> dict[str, EventPost]:
    """Each translation group not in ``known``, by its earliest language version."""
    new: dict[str, EventPost] = {}
    for post in sorted(posts, key=lambda p: (p.date, p.lang != "en")):
        new.setdefault(post_doc(post), post)
    return {doc: post for doc, post in new.items() if doc not in known}


def reminders(events: Sequence[Event], today: dt.date) -> list[Notice]:
    """The reminders due on ``today`` (see the module docstring)."""
    found: list[Notice] = []
    for event in sorted(events, key=lambda e: (e.sort_date, e.key)):
        start = _day(event.start)
        if start is not None:
            days = (start - today).days
            week = f"reminder:{event.key}:{event.start}:7d"
            if 1 < days <= REMIND_DAYS:
                found.append(Notice(NoticeKind.REMINDER_7D, week, event, day=event.start))
            elif days == 1:
                found.append(Notice(NoticeKind.REMINDER_1D, f"reminder:{event.key}:{event.start}:1d", event,
                                    day=event.start, supersedes=(week,)))
        closes = _day(event.cfp_close)
        if closes is not None and 0 <= (closes - today).days <= REMIND_DAYS and (start is None or today < start):
            found.append(Notice(NoticeKind.CFP_CLOSING, f"cfp:{event.key}:{event.cfp_close}", event,
                                day=event.cfp_close))
    return found


def notice_text(notice: Notice, lang: str, today: dt.date) -> NoticeText:
    """The notice in ``lang`` (a channel's language), worded for ``today``."""
    event = notice.event
    upcoming = event.status(today) == "upcoming"
    line = tuple(event_parts(event, lang, calendar=upcoming))
    lines: list[tuple[Part, ...]] = [line]
    date = format_day(notice.day, lang) if notice.day else ""
    if notice.kind == NoticeKind.NEW_EVENT:
        headline = t(lang, "notice_new_event", event=event.name)
    elif notice.kind == NoticeKind.NEW_RECAP:
        versions = [p for p in event.posts if post_doc(p) == notice.doc]
        post = next((p for p in versions if p.lang == lang), None) or next(
            (p for p in versions if p.lang == "en"), None) or (versions[0] if versions else None)
        headline = t(lang, "notice_new_recap", event=event.name)
        lines = [(Part(post.title, post.url),), line] if post else lines
    elif notice.kind == NoticeKind.NEW_RECORDINGS:
        headline = t(lang, "notice_new_recordings", event=event.name, count=notice.count)
        lines.append((Part(t(lang, "notice_recordings_how", event=event.name)),))
    elif notice.kind == NoticeKind.REMINDER_7D:
        days = max(2, (dt.date.fromisoformat(notice.day) - today).days)
        headline = t(lang, "notice_reminder_7d", event=event.name, days=days, date=date)
    elif notice.kind == NoticeKind.REMINDER_1D:
        headline = t(lang, "notice_reminder_1d", event=event.name, date=date)
    else:
        headline = t(lang, "notice_cfp_closing", event=event.name, date=date)
        cfp = next((link.url for link in event.links if link.role == "cfp"), "")
        if cfp:
            lines.insert(0, (Part(t(lang, "role_cfp"), cfp),))
    return NoticeText(headline, tuple(lines), t(lang, "notice_footer"))


__all__ = ["Notice", "NoticeKind", "NoticeText", "announcements", "notice_text", "post_doc", "reminders"]
