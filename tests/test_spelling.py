"""Misspelt names corrected before a question is read (bot/core/spelling.py), on the real knowledge's names."""

from __future__ import annotations

import pytest

from bot.core.answerer import Answerer
from bot.core.spelling import Speller

NAMES = {"istiocon": 40, "salesforce": 6, "beijing": 5, "china": 30, "amsterdam": 9, "paris": 8, "tencent": 7}
DOCUMENT_WORDS = set(NAMES) | {"cuando", "talk", "recording", "being", "users", "user"}


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(NAMES, DOCUMENT_WORDS.__contains__)


@pytest.mark.parametrize("question, corrected", [
    ("who gave the salesfroce talk at istocon 2022", "who gave the salesforce talk at istiocon 2022"),
    ("meetup de bejing", "meetup de beijing"),  # a name, not the document word "being"
    ("Salesfroce at IstioCon", "Salesforce at IstioCon"),  # capitalised as written
    ("istiocn 2022 在 amsterdma", "istiocon 2022 在 amsterdam"),
])
def test_misspelt_names_are_corrected(speller: Speller, question: str, corrected: str) -> None:
    assert speller.correct(question) == corrected


@pytest.mark.parametrize("question", [
    "¿cuanto costaba?",  # an ordinary word is no target, so "cuanto" never becomes "cuando"
    "the Uber talk",  # too short: one edit from "user"
    "la charla en chino",  # "chino" is Spanish, one edit from "china": too short to tell
    "the pairs of talks",
    "a recodring",  # misspelt, but no name: left as written
    "IstioCon 2022",
    "美团的演讲",
])
def test_words_that_are_not_misspelt_names_stay(speller: Speller, question: str) -> None:
    assert speller.correct(question) == question


def test_words_the_documents_write_in_lower_case_are_no_targets(answerer: Answerer) -> None:
    # "layer" is in a company's name but also an ordinary word of the posts: "lawyer" is not its misspelling
    assert "layer" not in answerer.knowledge.name_words()
    assert answerer.read("any lawyer talks at IstioCon 2022?")[0] == "any lawyer talks at IstioCon 2022?"


def test_the_answerer_reads_the_corrected_question(answerer: Answerer) -> None:
    question, _ = answerer.read("who gave the salesfroce talk at istocon 2022")
    grounding = answerer.ground(question)
    assert [e.name for e in grounding.editions] == ["IstioCon 2022"] and grounding.companies == ("Salesforce",)
    # the short years Slack writes are written out
    assert answerer.read("istio day eu '23 cfp")[0] == "istio day eu 2023 cfp"


def test_misspelt_keywords_are_corrected_so_the_question_reads_as_meant(answerer: Answerer) -> None:
    """A typo in a word the bot's intents key on ("recodring", "salery") would hide what is asked."""
    assert answerer.read("need the recodring of the Splunk talk")[0] == "need the recording of the Splunk talk"
    question, _ = answerer.read("whats Lin Sun's salery?")
    assert question == "whats Lin Sun's salary?" and answerer.ground(question).off_topic == "salary"
    assert answerer.ask("any good hotles near the venue of kubecon eu 2025?").abstained
    # a word the documents use is never corrected, even one edit from a keyword ("session" stays Spanish "sesion")
    assert answerer.read("quien dio la sesion de helm")[0] == "quien dio la sesion de helm"


def test_the_names_in_talks_titles_are_targets_too(answerer: Answerer) -> None:
    """"ZOZOTOWN" and "Gatekeeper" name a talk but no company or event: a typo of them found nothing."""
    assert answerer.read("the ZOZOTWON lightning talk slides")[0] == "the Zozotown lightning talk slides"
    question, _ = answerer.read("who gave the Gatekeper + Istio talk at istiocon 2022")
    assert question == "who gave the Gatekeeper + Istio talk at istiocon 2022"
    _, hits = answerer.respond("who gave the Gatekeper + Istio talk at istiocon 2022")
    assert hits[0].passage.title == "Gatekeeper + Istio, FTW"


def test_a_speakers_name_is_corrected_beside_the_rest_of_it() -> None:
    speller = Speller(NAMES, DOCUMENT_WORDS.__contains__, ["Gregory Hanson", "Rajath Ramesh", "Lin Sun"])
    assert speller.correct("Gregory Hansen's lightning talk") == "Gregory Hanson's lightning talk"
    assert speller.correct("quien es Rajath Rames?") == "quien es Rajath Ramesh?"
    assert speller.correct("Hansen Gregory") == "Hanson Gregory"  # either order
    # alone, or beside another name, a word one edit from a speaker's is left as written
    assert speller.correct("the Hansen talk") == "the Hansen talk"
    assert speller.correct("Peter Hansen spoke") == "Peter Hansen spoke"
    assert speller.correct("Gregory, Hansen") == "Gregory, Hansen"  # not one name
