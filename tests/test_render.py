"""Slack blocks, the terminal and JSON are three views of one Reply: each shows what the Reply says.

Checked on real replies of every kind the core composes, from the real index of docs/.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from bot.core.answerer import Answerer
from bot.core.commands import listing, parse
from bot.core.reply import Reply, ReplyKind
from bot.render.json_reply import reply_dict
from bot.render.text import render_text
from bot.slack.blocks import reply_message

_SLACK_LINK = re.compile(r"<(https?://[^|>]+)\|")


def _replies(answerer: Answerer) -> dict[str, Reply]:
    before_london = Answerer(answerer.retriever, today=lambda: dt.date(2025, 3, 10))
    return {
        "quotes": answerer.ask("Who gave the opening keynote at Istio Day Europe 2025?"),
        "quotes_es": answerer.ask("¿Dónde puedo ver la grabación de la charla sobre la seguridad de Ambient Mesh en "
                                  "el Istio Day Europe 2023?"),
        "sessions": answerer.ask("IstioCon 2022 talks"),
        "upcoming": before_london.ask("What's the next Istio event?"),
        "dont_know": answerer.ask("How do I bake sourdough bread at home?"),
        "events": listing(before_london, parse("events")),
        "videos": listing(answerer, parse("videos ebpf")),
        "help": listing(answerer, parse("ayuda")),
    }


@pytest.fixture(scope="module")
def replies(answerer: Answerer) -> dict[str, Reply]:
    return _replies(answerer)


def test_every_kind_of_reply_is_composed(replies: dict[str, Reply]) -> None:
    kinds = {name: reply.kind for name, reply in replies.items()}
    assert kinds == {"quotes": ReplyKind.QUOTES, "quotes_es": ReplyKind.QUOTES, "sessions": ReplyKind.SESSIONS,
                     "upcoming": ReplyKind.UPCOMING, "dont_know": ReplyKind.DONT_KNOW,
                     "events": ReplyKind.EVENTS, "videos": ReplyKind.VIDEOS, "help": ReplyKind.HELP}
    assert replies["quotes"].quotes and all(q.citation for q in replies["quotes"].quotes)
    assert replies["sessions"].groups and replies["sessions"].left_out > 0 and replies["sessions"].more
    assert replies["help"].lang == "es" and "eventos" in replies["help"].title


def test_slack_blocks_link_exactly_what_the_reply_shows(replies: dict[str, Reply]) -> None:
    for name, reply in replies.items():
        blocks = json.dumps(reply_message(reply).block_dicts(), ensure_ascii=False)
        drawn = {html.unescape(url) for url in _SLACK_LINK.findall(blocks)}
        assert drawn == set(reply.shown_links()), name


def test_the_text_and_json_views_carry_every_link_the_reply_shows(replies: dict[str, Reply]) -> None:
    for name, reply in replies.items():
        text = render_text(reply)
        fallback = reply_message(reply).text
        data = json.dumps(reply_dict(reply), ensure_ascii=False)
        for url in reply.shown_links():
            assert url in text, (name, url)
            assert html.unescape(fallback).count(url), (name, url)
            assert json.dumps(url)[1:-1] in data, (name, url)


def test_the_views_say_the_reply_in_its_language(replies: dict[str, Reply]) -> None:
    for name, reply in replies.items():
        title_words = re.sub(r"[*`]", "", reply.title).split()[:3]
        assert title_words, name
        if reply.quotes:  # an answer's text view opens with its first quote; the lead is Slack's frame
            assert render_text(reply).startswith("1. "), name
            continue
        for word in title_words:
            assert word in render_text(reply), (name, word)
            assert word in html.unescape(reply_message(reply).text), (name, word)
    assert render_text(replies["dont_know"]).startswith("I don't know")
    assert "Upcoming:" in render_text(replies["events"]) and "Past:" in render_text(replies["events"])


def test_json_is_the_reply_as_data(replies: dict[str, Reply]) -> None:
    quotes = reply_dict(replies["quotes"])
    assert quotes["kind"] == "passages" and not quotes["abstained"] and quotes["title"]
    assert [s["text"] for s in quotes["snippets"]] == [q.text for q in replies["quotes"].quotes]
    sessions = reply_dict(replies["sessions"])
    assert sessions["left_out"] == replies["sessions"].left_out and len(sessions["sessions"]) > 12
    assert reply_dict(replies["dont_know"])["abstained"] is True
