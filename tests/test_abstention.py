"""Abstention on names the posts never mention, and the lenient lookup that keeps real names known."""

from __future__ import annotations

import pytest

from bot.answer import Answerer
from embeddings.lexical import Vocabulary, name_terms


def test_name_terms_skip_a_capitalised_first_word_but_keep_a_leading_name() -> None:
    assert name_terms("¿Quiénes hablaron de Kiali en 2023?") == {"kiali", "2023"}
    assert name_terms("Zack Butcher 讲了什么话题？") == {"zack", "butcher"}
    assert name_terms("Who spoke about the roadmap?") == set()


def test_vocabulary_knows_prefixes_and_one_letter_typos_only() -> None:
    vocabulary = Vocabulary(["solo.io", "shanghai", "kubecon", "2023"])
    assert vocabulary.knows("solo") and vocabulary.knows("shangai") and vocabulary.knows("kubecom")
    assert not vocabulary.knows("2024") and not vocabulary.knows("india") and not vocabulary.knows("shenzhen")


@pytest.mark.parametrize(
    "question",
    [
        "Who gave the keynote at KubeCon India 2024?",  # no such KubeCon in the catalogue, no India in docs/
        "What changed in Istio 1.27?",  # a version no post mentions
        "¿Quién habló en la KubeCon de Tokio?",
        "Who gave the opening keynote at IstioCon 2019?",  # the first IstioCon was in 2021
        "When is Istio Day Tokyo?",
    ],
)
def test_abstains_when_the_question_names_something_no_post_mentions(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.abstained and not answer.snippets


@pytest.mark.parametrize(
    "question",
    [
        "What did Solo announce at KubeCon Europe 2023?",  # "Solo" is known from "Solo.io"
        "Who gave the sponsored keynote at IstioCon China in Shangai?",  # one letter off "Shanghai"
    ],
)
def test_known_names_in_other_spellings_still_get_an_answer(answerer: Answerer, question: str) -> None:
    assert not answerer.ask(question).abstained
