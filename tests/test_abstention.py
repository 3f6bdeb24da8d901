"""Abstention on names the posts never mention, and the lenient lookup that keeps real names known."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.abstention import Evidence, small_talk
from bot.core.answerer import Answerer
from bot.core.grounding import Grounding
from embeddings.bm25 import Vocabulary, name_terms
from embeddings.passages import Passage
from embeddings.search import ChannelScores, Hit


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
    assert answer.abstained and not answer.quotes


@pytest.mark.parametrize(
    "question",
    [
        "What did Solo announce at KubeCon Europe 2023?",  # "Solo" is known from "Solo.io"
        "Who gave the sponsored keynote at IstioCon China in Shangai?",  # one letter off "Shanghai"
    ],
)
def test_known_names_in_other_spellings_still_get_an_answer(answerer: Answerer, question: str) -> None:
    assert not answerer.ask(question).abstained


def _hit(channels: ChannelScores) -> Hit:
    passage = Passage(id="p#0", doc_id="p", lang="en", title="t", date="", url="", section="", position=0,
                      text="Some text.")
    return Hit(passage, 1.0, channels)


def test_evidence_reads_which_channels_saw_the_hits_not_only_their_scores() -> None:
    """A channel that did not see a hit is absent, not 0: a name covered 0 times still says there are names."""
    seen = ChannelScores(dense=0.2, cosine=0.8, dense_rank=1, bm25=3.0, bm25_rank=2, domain=0.7,
                         unknown_names=3.0, unknown_words=0.25, term_coverage=0.5, name_coverage=0.0)
    evidence = Evidence.of("Who spoke?", [_hit(seen), _hit(ChannelScores(cosine=0.9, dense=0.1))], [])
    assert (evidence.dense, evidence.cosine, evidence.domain) == (0.2, 0.9, 0.7)
    assert (evidence.both_channels, evidence.has_names, evidence.name_coverage) == (1.0, 1.0, 0.0)
    assert (evidence.unknown_names, evidence.unknown_words, evidence.term_coverage) == (2.0, 0.25, 0.5)
    unseen = Evidence.of("Who spoke?", [_hit(ChannelScores(listed=True))], [])
    assert (unseen.dense, unseen.cosine, unseen.both_channels, unseen.has_names) == (-0.1, 0.0, 0.0, 0.0)
    dense_only = Evidence.of("Who spoke?", [_hit(ChannelScores(dense=0.2, dense_rank=1))], [])
    assert dense_only.both_channels == 0.0


def test_explain_lists_only_the_channels_that_saw_a_hit_in_a_fixed_order() -> None:
    channels = replace(ChannelScores(bm25=2.5, bm25_rank=1, dense=0.1, name_coverage=0.0), translated_from=True)
    assert channels.items() == [("dense", 0.1), ("bm25", 2.5), ("bm25_rank", 1.0), ("name_coverage", 0.0),
                                ("translated_from", 1.0)]
    assert ChannelScores().items() == []


def _post_hit(text: str, url: str) -> Hit:
    passage = Passage(id=f"{url}#0", doc_id=url, lang="en", title="t", date="", url=url, section="", position=0,
                      text=text)
    return Hit(passage, 1.0, ChannelScores(dense=0.1, term_coverage=0.5))


def test_evidence_says_whether_the_quoted_passages_hold_the_kind_of_answer_asked_for() -> None:
    grounding = Grounding("How much was a ticket for Istio Day Europe 2025?")
    no_price = _post_hit("Istio Day was packed with great talks.", "https://istio.io/a/")
    price = _post_hit("Tickets cost $99 at KubeCon Europe 2023.", "https://istio.io/b/")
    assert Evidence.of(grounding.question, [no_price], [], grounding).kind_found == 0.0
    assert Evidence.of(grounding.question, [no_price, price], [], grounding).kind_found == 1.0
    plain = Grounding("Who spoke about Envoy?")
    assert Evidence.of(plain.question, [no_price], [], plain).kind_found == 1.0  # it asks for no date, number or price


def test_evidence_says_whether_a_quoted_passage_counts_what_a_how_many_question_counts() -> None:
    people = _post_hit("In 2021, more than 4,000 people from across 84 countries joined the event online.",
                       "https://istio.io/a/")
    grounding = Grounding("How many sponsors did IstioCon 2021 have?")
    assert Evidence.of(grounding.question, [people], [], grounding, lang="en").count_stated == 0.0
    attendance = Grounding("How many people joined IstioCon 2021?")
    assert Evidence.of(attendance.question, [people], [], attendance, lang="en").count_stated == 1.0
    # A passage in another language only has to count something: its words cannot be compared with the question's.
    sponsors_es = Grounding("¿Cuántos patrocinadores tuvo IstioCon 2021?")
    assert Evidence.of(sponsors_es.question, [people], [], sponsors_es, lang="es").count_stated == 1.0
    plain = Grounding("Who spoke about Envoy?")
    assert Evidence.of(plain.question, [people], [], plain, lang="en").count_stated == 1.0


def test_the_event_a_how_many_question_names_is_not_what_it_counts(answerer: Answerer) -> None:
    """"4,000 people attended IstioCon" does not answer "how many sponsors did IstioCon 2021 have", though "IstioCon"
    stands right after the number."""
    people = _post_hit("In 2021, 4,000 people attended IstioCon from 84 countries.", "https://istio.io/a/")
    grounding = answerer.ground("how many sponsors did IstioCon 2021 have?")
    assert grounding.editions
    assert Evidence.of(grounding.question, [people], [], grounding, lang="en").count_stated == 0.0


@pytest.mark.parametrize("message", [
    "hey bot, hope you're having a lovely day, tell me about your plans for the holidays",
    "hola bot, ¿qué tal tu semana? la mía agotadora jaja",
    "hola bot, que tal?",  # short: nearest to a speaker's biography ("bot traffic") by its words
    "机器人你好，今天上班好累，你能陪我说说话吗",
])
def test_small_talk_that_names_nothing_is_declined(answerer: Answerer, message: str) -> None:
    """Long small talk shares no word with a greeting list; the encoder places it near small talk, far from every
    passage (abstention.SMALL_TALK_MARGIN)."""
    text, lang = answerer.read(message)
    grounding = answerer.ground(text)
    evidence = answerer.evidence(text, answerer.rank(text, lang, grounding), grounding, lang)
    assert small_talk(evidence, grounding) and answerer.ask(message).abstained


def test_a_short_question_naming_a_speaker_is_not_small_talk(answerer: Answerer) -> None:
    text, lang = answerer.read("Lin Sun 讲了什么？")
    grounding = answerer.ground(text)
    evidence = answerer.evidence(text, answerer.rank(text, lang, grounding), grounding, lang)
    assert grounding.speakers and not small_talk(evidence, grounding)
