"""People's Slack languages, for what the bot says to someone before they have asked anything (the Home tab,
the assistant panel's greeting)."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient

from bot.core.language import UI_LANGUAGES

logger = logging.getLogger(__name__)

LOCALE_TTL = 24 * 3600.0


class Locales:
    """Users' Slack languages (``users.info``), kept a day in memory: one lookup per person and day, and a
    failed lookup is not remembered."""

    def __init__(self, ttl: float = LOCALE_TTL, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._known: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def language(self, client: WebClient, user: str) -> str:
        """``es-ES`` → ``es``; English for other locales, or when the locale cannot be read."""
        now = time.monotonic()
        with self._lock:
            known = self._known.get(user)
        if known and known[1] > now:
            return known[0]
        try:
            locale = str(client.users_info(user=user, include_locale=True)["user"].get("locale") or "")
        except Exception:
            logger.info("could not read the user's locale; using English", exc_info=True)
            return "en"
        code = locale.split("-")[0].lower()
        lang = code if code in UI_LANGUAGES else "en"
        with self._lock:
            if len(self._known) >= self.max_entries:
                self._known.clear()
            self._known[user] = (lang, now + self.ttl)
        return lang
