"""The App Home tab and the assistant's suggested prompts: what the bot knows, at a glance.

Both are derived from the index alone (the event catalogue and the recordings), so they never name an
event the bot cannot answer about. Every word they say that is not a name or a title comes from the one
table, :data:`bot.core.strings.STRINGS`, in the viewer's UI language (English, Spanish or Chinese). The
Home tab is built once per day and UI language and cached: opening it costs one ``views.publish``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot.core import catalogue as catalog
from bot.core.citations import event_parts
from bot.core.language import ui_language
from bot.core.strings import t
from bot.slack.blocks import context, line_sections, link, parts_mrkdwn, section
from embeddings.events import Event
from embeddings.index import Index

MAX_HOME_BLOCKS = 100
MAX_HOME_RECORDINGS = 8
MAX_PROMPTS = 4


def has_a_recap(event: Event) -> bool:
    """Whether the index can say what happened at the event: its program, recordings, or a post written after it."""
    end = event.end or event.start
    return bool(event.sessions or event.recordings or any(post.date > end for post in event.posts))


def latest_recapped_event(index: Index, today: dt.date) -> Event | None:
    """The most recent past event the index has more on than its announcement."""
    _, past = catalog.events(index, today)
    dated = [event for event in past if event.start and has_a_recap(event)]
    return max(dated, key=lambda e: (e.end or e.start, e.start), default=None)


def home_view(index: Index, today: dt.date, lang: str = "en") -> View:
    """The Home tab: what the bot does, how to ask, its languages, the events it knows, the latest recordings."""
    lang = ui_language(lang)
    upcoming, past = catalog.events(index, today)
    blocks: list[Block] = [
        HeaderBlock(text=t(lang, "home_title")),
        section(t(lang, "home_intro")),
        section(f"{t(lang, 'home_how')}\n{t(lang, 'home_ways')}"),
        section(t(lang, "home_languages")),
        context(t(lang, "home_feedback")),
        DividerBlock(),
    ]
    videos = catalog.videos(index, lang)
    newest = [video for video in videos if videos and video.event_name == videos[0].event_name]
    tail: list[Block] = []
    if newest:
        lines = [f"• {link(video.url, video.title)}" for video in newest[:MAX_HOME_RECORDINGS]]
        tail = [DividerBlock(), section(t(lang, "home_recordings", event=newest[0].event_name)),
                *line_sections(lines, budget=2)]
    lines = []
    for heading, group, coming in ((t(lang, "events_upcoming"), upcoming, True), (t(lang, "events_past"), past, False)):
        if group:
            lines.append(f"*{heading}*")
            lines += ["• " + parts_mrkdwn(event_parts(event, lang, calendar=coming)) for event in group]
    if lines:
        budget = MAX_HOME_BLOCKS - len(blocks) - len(tail) - 1
        blocks += [section(t(lang, "home_events")), *line_sections(lines, budget=budget)]
    return View(type="home", blocks=[*blocks, *tail][:MAX_HOME_BLOCKS])


@dataclass(frozen=True)
class Prompt:
    """A suggested prompt in the assistant panel: what the button says and what it sends."""

    title: str
    message: str


def suggested_prompts(index: Index, today: dt.date, lang: str) -> list[Prompt]:
    """Up to four prompts in ``lang``: the latest event with a recap, the newest recordings, what's next
    (when something is), every event. Each is one the bot can answer from the index."""
    lang = ui_language(lang)
    prompts = []
    latest = latest_recapped_event(index, today)
    if latest is not None:
        question = t(lang, "prompt_latest", event=latest.name)
        prompts.append(Prompt(question, question))
    videos = catalog.videos(index, lang)
    if videos:  # the newest event with recordings, which may be older than the latest event
        event = videos[0].event_name
        title = t(lang, "prompt_recordings_title", event=event)
        prompts.append(Prompt(title, t(lang, "prompt_recordings", event=event)))
    upcoming, _ = catalog.events(index, today)
    if upcoming:
        prompts.append(Prompt(t(lang, "prompt_next"), t(lang, "prompt_next")))
    prompts.append(Prompt(t(lang, "prompt_events_title"), t(lang, "prompt_events")))
    return prompts[:MAX_PROMPTS]


class HomeTabs:
    """Home views built on first use and kept per (day, UI language): an open is one ``views.publish``."""

    def __init__(self, index: Index, today: Callable[[], dt.date]) -> None:
        self.index = index
        self.today = today
        self._views: dict[tuple[dt.date, str], View] = {}
        self._lock = threading.Lock()

    def view(self, lang: str = "en") -> View:
        key = (self.today(), ui_language(lang))
        with self._lock:
            if key not in self._views:
                self._views = {key: home_view(self.index, key[0], key[1]),
                               **{k: v for k, v in self._views.items() if k[0] == key[0]}}
            return self._views[key]

