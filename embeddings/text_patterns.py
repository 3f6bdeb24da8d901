"""Patterns that more than one layer reads text with, each defined once.

``embeddings`` is the lowest layer (``bot`` imports it, never the reverse), so a pattern that both the
document side and the bot need lives here. Patterns only the bot needs live with the bot: the Han
characters in :mod:`bot.core.language`, a Slack user mention in :mod:`bot.core.markup`.
"""

from __future__ import annotations

import re

YEAR_DIGITS = r"(?:19|20)\d\d"
"""What a year is: four digits from 1900 to 2099. The one definition; the patterns below and the event
and date patterns of :mod:`embeddings.events` are built from it."""

YEAR = re.compile(rf"(?<!\d){YEAR_DIGITS}(?!\d)")
"""A year, not part of a longer number. ``YEAR.search``/``findall`` find one in text ("IstioCon 2022");
``YEAR.fullmatch`` says whether a path component is a year (``docs/<lang>/<year>/<slug>.md``,
``content/blog/<year>/``, the events repo's ``<year>/content/``)."""
