"""The one table of the bot's words: every key in every UI language, the same placeholders, none empty,
each string defined once; and the Home tab in Spanish and Chinese says nothing in English."""

from __future__ import annotations

import datetime as dt
import json
import re
import string
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.core.language import UI_LANGUAGES
from bot.core.strings import BOT_WORDS, COMMAND, STRINGS, language_name, t
from embeddings.event_words import CARD_LANGUAGES, EVENT_WORDS

if TYPE_CHECKING:
    from embeddings.index import Index

BOT = Path(__file__).resolve().parent.parent / "bot"


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_ui_language_has_every_key() -> None:
    assert set(STRINGS) == set(UI_LANGUAGES) == set(CARD_LANGUAGES)
    for lang in UI_LANGUAGES:
        assert set(STRINGS[lang]) == set(STRINGS["en"]), lang


@pytest.mark.parametrize("lang", UI_LANGUAGES)
def test_same_placeholders_and_no_empty_string(lang: str) -> None:
    for key, template in STRINGS[lang].items():
        assert template.strip(), (lang, key)
        assert placeholders(template) == placeholders(STRINGS["en"][key]), (lang, key)


def test_each_string_is_defined_once() -> None:
    """The event words (also written into the index's event cards) and the bot's own words do not overlap."""
    for lang in UI_LANGUAGES:
        assert not set(BOT_WORDS[lang]) & set(EVENT_WORDS[lang]), lang
        assert STRINGS[lang] == {**EVENT_WORDS[lang], **BOT_WORDS[lang]}


def test_a_missing_key_is_an_error_not_english() -> None:
    with pytest.raises(KeyError):
        t("es", "no_such_key")
    assert t("pt-br", "videos") == STRINGS["en"]["videos"]  # a language without strings reads English
    assert language_name("zh", "es") == "西班牙文" and language_name("es", "pt-br") == "pt-br"


def test_every_key_the_bot_asks_for_is_in_the_table() -> None:
    """Keys named literally in ``t(lang, "key", …)`` calls, and the ``role_``/``reason_`` families."""
    used: set[str] = set()
    for path in BOT.rglob("*.py"):
        used |= set(re.findall(r"\bt\(\s*[\w.]+\s*,\s*\"(\w+)\"", path.read_text(encoding="utf-8")))
    from bot.slack.blocks import REASON_CHOICES

    used |= {f"role_{role}" for role in ("registration", "cfp", "schedule")}
    used |= {f"reason_{choice}" for choice in REASON_CHOICES}
    assert used and not used - set(STRINGS["en"]), sorted(used - set(STRINGS["en"]))


def english_fragments(key: str) -> list[str]:
    """The words of the English string ``key`` that a translation must not show (its text between
    placeholders, with the command filled in)."""
    text = STRINGS["en"][key].replace("{command}", COMMAND)
    return [part.strip() for part in re.split(r"\{\w+\}", text) if len(part.strip()) >= 3]


# Region names are part of events' proper names ("Istio Day Europe 2025"), which every language shows as
# the posts and programs write them (the card adds the local region in parentheses).
PROPER_NAME_PARTS = frozenset(key for key in STRINGS["en"] if key.startswith("region_"))


@pytest.mark.parametrize("lang", ["es", "zh"])
def test_home_tab_speaks_the_viewers_language(docs_index: Index, lang: str) -> None:
    from bot.slack.home import home_view

    def shown(lang: str) -> str:  # what a reader sees: the view's text without the links' addresses
        text = json.dumps(home_view(docs_index, dt.date(2025, 6, 1), lang).to_dict(), ensure_ascii=False)
        return re.sub(r"https?://[^|>\"\s]+", " ", text)

    view, english = shown(lang), shown("en")
    for key in ("home_title", "home_how", "home_events", "events_upcoming", "events_past"):
        assert json.dumps(t(lang, key), ensure_ascii=False).strip('"') in view, key
    checked = 0
    for key in STRINGS["en"]:
        if key in PROPER_NAME_PARTS or STRINGS[lang][key] == STRINGS["en"][key]:
            continue  # the same word in both languages ("virtual" in Spanish)
        for fragment in english_fragments(key):
            fragment = json.dumps(fragment, ensure_ascii=False).strip(chr(34))  # as the JSON writes it
            pattern = re.compile(rf"(?<![\w-]){re.escape(fragment)}(?![\w-])")  # not "@istio-events"
            checked += bool(pattern.search(english))
            assert not pattern.search(view), (lang, key, fragment)
    assert checked >= 8  # the English Home tab does show the strings checked for
