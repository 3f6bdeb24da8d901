"""Which language a question is in: picks the reply's UI strings and the preferred passage language."""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from typing import Any

from bot.core.markup import drop_lone_surrogates

UI_LANGUAGES = ("en", "es", "zh")
DEFAULT_LANGUAGE = "en"

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
"""A Han character (CJK Unified Ideographs and Extension A): the one definition of "a Chinese character".
It is narrower than :data:`embeddings.markdown.CJK_CHAR` (every CJK script and punctuation), which decides
where text needs no spaces, not which language it is."""
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{2,}")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """lingua ships its language models in the wheel.

    Only the Latin-script languages the posts come in: each language's models cost tens of MiB in every
    serving process, and scripts already tell Chinese and Cyrillic apart.
    """
    from lingua import Language, LanguageDetectorBuilder

    languages = [Language.ENGLISH, Language.SPANISH, Language.PORTUGUESE]
    return LanguageDetectorBuilder.from_languages(*languages).with_minimum_relative_distance(0.05).build()


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text``; scripts decide first (Han → zh), lingua decides among Latin languages.

    Short or ambiguous text (``ambient mesh``) falls back to English, the posts' main language.
    """
    text = drop_lone_surrogates(text)
    if HAN.search(text) and len(HAN.findall(text)) * 2 >= len(_LATIN_WORD.findall(text)):
        return "zh"
    if _CYRILLIC.search(text):
        return "ru" if re.search(r"[ыэъё]", text.lower()) else "uk"
    if re.search(r"[¿¡ñ]", text):
        return "es"
    if len(_LATIN_WORD.findall(text)) < 3:
        return DEFAULT_LANGUAGE  # "ambient mesh", "kiali": too short to tell, and names are English anyway
    language = _detector().detect_language_of(text)
    if language is None:
        return DEFAULT_LANGUAGE
    return str(language.iso_code_639_1.name).lower()


def ui_language(lang: str) -> str:
    """The language of the bot's own strings: the asker's if we have it, else English."""
    return lang if lang in UI_LANGUAGES else DEFAULT_LANGUAGE


def corpus_language(lang: str, available: Collection[str]) -> str:
    """``lang`` as the documents spell it: the detector says ``pt`` where istio.io's posts say ``pt-br``.

    A code the documents use is kept; otherwise the documents' only regional variant of the same language
    (compared by the primary subtag, as BCP 47 does); otherwise ``lang`` unchanged.
    """
    if lang in available:
        return lang
    variants = sorted(code for code in available if code.split("-")[0] == lang.split("-")[0])
    return variants[0] if len(variants) == 1 else lang
