"""Question languages: scripts first, lingua among Latin languages, spelt as the documents spell them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.core.language import corpus_language, detect_language

if TYPE_CHECKING:
    from bot.core.answerer import Answerer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("¿Cuándo fue la IstioCon 2022?", "es"),
        ("Quando foi o aniversário de quatro anos do Istio?", "pt"),
        ("IstioCon 2023 有哪些演讲？", "zh"),
        ("ambient mesh", "en"),  # too short to tell: English, the posts' main language
        ("Half an emoji \ud83d is not a crash", "en"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_corpus_language_uses_the_documents_spelling() -> None:
    available = {"en", "es", "zh", "pt-br", "uk"}
    assert corpus_language("pt", available) == "pt-br"  # the detector's code, the posts' regional variant
    assert corpus_language("es", available) == "es"
    assert corpus_language("fr", available) == "fr"  # nothing to map to: unchanged
    assert corpus_language("zh", {"zh-cn", "zh-tw"}) == "zh"  # two variants: no guess


def test_a_portuguese_question_prefers_the_pt_br_documents(answerer: Answerer) -> None:
    answer = answerer.ask("Quando foi o aniversário de quatro anos do Istio e como participar da celebração?")
    assert answer.lang == "pt-br"
