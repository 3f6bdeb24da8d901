"""The words events and dates are written with, in each card language: the one place they are defined.

An event's card (:func:`embeddings.events.describe`) is a passage: it is embedded and searched, so its
words must be known where the index is built, and ``embeddings`` cannot import ``bot``. The bot shows
the same words (an event's date, "virtual", "in person") in its replies and on the Home tab, so
:mod:`bot.core.strings` reads them from here into its table of the bot's words: each string is defined
once, here or there, never in both (``tests/test_strings.py`` checks it).

Keys per language (the same in each, with the same ``{placeholders}``):

- ``month_1`` … ``month_12``: month names as a date writes them (January, enero, 1月);
- ``date_day``: one day (``{day} {month} {year}``: 1 April 2025, 1 de abril de 2025, 2025年4月1日);
- ``date_days``: days of one month (25–29 April 2022, 25–29 de abril de 2022, 2022年4月25日至29日);
- ``date_range``: two dates that are not in one month, each written with ``date_day``;
- ``date_unknown``: what stands for the date when no source gives one;
- ``virtual`` / ``in_person``: how the event takes place;
- ``posts``: the label before the titles of the posts about an event;
- ``region_<region>``: an event's region (``north-america`` as ``region_north_america``).

Changing a word here changes the cards, so the index re-embeds them on its next build.
"""

from __future__ import annotations

EVENT_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "month_1": "January", "month_2": "February", "month_3": "March", "month_4": "April",
        "month_5": "May", "month_6": "June", "month_7": "July", "month_8": "August",
        "month_9": "September", "month_10": "October", "month_11": "November", "month_12": "December",
        "date_day": "{day} {month} {year}",
        "date_days": "{day}–{last} {month} {year}",
        "date_range": "{start} – {end}",
        "date_unknown": "date not stated in the sources",
        "virtual": "virtual",
        "in_person": "in person",
        "posts": "Posts",
        "region_europe": "Europe",
        "region_north_america": "North America",
        "region_china": "China",
    },
    "es": {
        "month_1": "enero", "month_2": "febrero", "month_3": "marzo", "month_4": "abril",
        "month_5": "mayo", "month_6": "junio", "month_7": "julio", "month_8": "agosto",
        "month_9": "septiembre", "month_10": "octubre", "month_11": "noviembre", "month_12": "diciembre",
        "date_day": "{day} de {month} de {year}",
        "date_days": "{day}–{last} de {month} de {year}",
        "date_range": "{start} – {end}",
        "date_unknown": "las fuentes no indican la fecha",
        "virtual": "virtual",
        "in_person": "presencial",
        "posts": "Artículos",
        "region_europe": "Europa",
        "region_north_america": "Norteamérica",
        "region_china": "China",
    },
    "zh": {
        "month_1": "1月", "month_2": "2月", "month_3": "3月", "month_4": "4月",
        "month_5": "5月", "month_6": "6月", "month_7": "7月", "month_8": "8月",
        "month_9": "9月", "month_10": "10月", "month_11": "11月", "month_12": "12月",
        "date_day": "{year}年{month}{day}日",
        "date_days": "{year}年{month}{day}日至{last}日",
        "date_range": "{start}至{end}",
        "date_unknown": "资料中未注明日期",
        "virtual": "线上活动",
        "in_person": "线下活动",
        "posts": "文章",
        "region_europe": "欧洲",
        "region_north_america": "北美",
        "region_china": "中国",
    },
}
"""Event and date words by card language (``en``, ``es``, ``zh``)."""

CARD_LANGUAGES = tuple(EVENT_WORDS)
"""The languages an event's card is written in (one passage each)."""


def card_language(lang: str) -> str:
    """The card language ``lang`` reads: Chinese for any ``zh`` variant, Spanish for ``es``, else English."""
    return "zh" if lang.startswith("zh") else "es" if lang == "es" else "en"


def month_names(lang: str) -> list[str]:
    """The twelve month names of ``lang``, January first."""
    return [EVENT_WORDS[lang][f"month_{number}"] for number in range(1, 13)]


def region_word(region: str, lang: str) -> str:
    """A region's name in ``lang`` ("north-america" → "Norteamérica"), or "" for no or an unknown region."""
    return EVENT_WORDS[card_language(lang)].get(f"region_{region.replace('-', '_')}", "") if region else ""
