"""Slack markup in a question is read as the words the user saw, before anything is searched."""

from __future__ import annotations

import pytest

from bot.core.answerer import Answerer
from bot.core.markup import unmark


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("<@U024BE7LH> asked me: who spoke at IstioCon 2022?", "asked me: who spoke at IstioCon 2022?"),
        ("talks on security &amp; observability", "talks on security & observability"),
        ("seen in <#C0123ABC|events>: when is Istio Day?", "seen in events: when is Istio Day?"),
        ("is <https://istio.io/latest/blog/|the blog> up to date?", "is the blog up to date?"),
        ("what is <https://istio.io>?", "what is https://istio.io?"),
        ("<!here> <!subteam^S012|@team> slides?", "slides?"),
        ("a &amp;lt; b", "a &lt; b"),  # unescaped once: what the user typed was "&lt;"
    ],
)
def test_markup_reads_as_the_words_the_user_saw(message: str, expected: str) -> None:
    assert unmark(message) == expected


def test_a_question_with_markup_gets_the_answer_it_gets_without(answerer: Answerer) -> None:
    plain = answerer.ask("Who talked about Istio at Bloomberg & how do they secure financial data?")
    marked = answerer.ask("<@U024BE7LH> asked me: who talked about Istio at Bloomberg &amp; how do they "
                          "secure financial data? (see <#C0123ABC|istio-events>)")
    assert not plain.abstained and not marked.abstained
    assert marked.quotes[0].url == plain.quotes[0].url
    assert "U024BE7LH" not in marked.question and "&amp;" not in marked.question


def test_a_message_of_nothing_but_mentions_is_not_searched(answerer: Answerer) -> None:
    answer, hits = answerer.respond("<@U024BE7LH> <!here>")
    assert answer.abstained and hits == []


def test_the_slash_command_reads_markup_before_asking() -> None:
    from bot.slack.listeners.commands import parse

    assert parse("<@U024BE7LH> who spoke at IstioCon 2022? &amp; slides") == (
        "ask", "who spoke at IstioCon 2022? & slides", "en")
