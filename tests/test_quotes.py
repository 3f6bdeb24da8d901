"""Which sentences a reply quotes: the one that answers, not merely the one that repeats the question's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answerer import Answerer, Wanted, _best_sentences
from bot.core.intents import (
    answer_kinds,
    asks_cost,
    asks_count,
    asks_price,
    asks_quantity,
    asks_recording,
    counts_something,
    holds_kind,
)
from embeddings.bilingual_lexicon import Lexicon
from embeddings.markdown import Link
from embeddings.passages import Passage, session_passage
from embeddings.sessions import Session, Speaker

NO_LEXICON = Lexicon({})


def _idf(term: str) -> float:
    return 1.0


def _post(text: str, links: tuple[Link, ...] = (), spans: tuple[tuple[int, int], ...] = ()) -> Passage:
    return Passage(id="en/2023/x#0", doc_id="en/2023/x", lang="en", title="x", date="2023-01-01", url="", section="",
                   position=0, text=text, links=links, link_spans=spans)


@pytest.mark.parametrize("question, kinds", [
    ("When was Istio Day Europe 2025?", {"date"}),
    ("how many people came to the beijing meetup", {"number"}),
    ("¿Cuánto costaba la entrada de la KubeCon?", {"number", "price"}),
    ("IstioCon China 2023 的门票多少钱？", {"number", "price"}),
    ("where do I submit a talk proposal for IstioCon 2022?", {"link"}),
    ("¿hay grabación de la keynote?", {"recording"}),
    ("有录像吗", {"recording"}),
    ("what time did Istio Day Europe 2025 start?", {"time"}),
    ("¿a qué hora empezó el Istio Day de Londres?", {"time"}),
    ("Istio Day 几点开始？", {"time"}),
    ("Who spoke about Envoy?", set()),
])
def test_the_kind_of_answer_a_question_asks_for(question: str, kinds: set[str]) -> None:
    assert answer_kinds(question) == kinds


def test_what_a_text_holds() -> None:
    assert holds_kind("The event takes place April 25-29, 2022.", "date")
    assert holds_kind("2025 年 4 月 1 日，伦敦", "date")
    assert holds_kind("the first 400 people to register", "number")
    assert not holds_kind("IstioCon 2022 was virtual", "number")  # a year is not a count
    assert holds_kind("An All-Access ticket costs $1,299", "price") and holds_kind("票价 100 美元", "price")
    assert holds_kind("Registration is free of charge", "price")  # what it cost: nothing
    assert not holds_kind("Registration opens in March", "price")
    assert asks_price("how much was the ticket") and asks_quantity("how long is a lightning talk")
    assert asks_cost("how much was the ticket") and asks_cost("IstioCon China 2023 的门票多少钱？")
    assert not asks_cost("who paid for the new t-shirts?") and not asks_cost("how much traffic did they serve?")
    assert asks_recording("where are the slides?") and not asks_recording("who gave the keynote?")
    assert holds_kind("office hours from 10:45 - 13:00 GMT -8", "time") and holds_kind("下午 2 点开始", "time")
    assert holds_kind("starts at 9 a.m.", "time") and not holds_kind("Istio 1.18 and 2,000 people", "time")


@pytest.mark.parametrize("text", [
    "In 2021, more than 4,000 people from across 84 countries joined", "Credit Karma's Istio Migration: 50k+ Pods",
    "Two Istio maintainers received awards", "un panel de tres proyectos de service mesh", "有 292 人报名了本次活动",
    "两位 Istio 维护者获奖", "更有 1000 多名开发者在线观看", "90% of the traffic", "超过4000名开发者", "292人报名",
    "miles de personas",
])
def test_a_count_is_a_number_before_what_it_counts(text: str) -> None:
    assert holds_kind(text, "number") and counts_something(text)


@pytest.mark.parametrize("text", [
    "Time and day: 13:30-17:30 (CST), July 10, 2021", "IstioCon China 2023 se celebró el 26 de septiembre en Shanghái",
    "Venue: Industrial Internet Exhibition Hall, 2nd Floor", "What's new in Istio 1.18 and 1.19", "IstioCon 2022",
    "2025 年 4 月 1 日，伦敦", "第二场演讲", "once again, the keynote", "a few miles from the venue",
])
def test_dates_times_versions_and_ordinals_count_nothing(text: str) -> None:
    assert not holds_kind(text, "number") and not counts_something(text)


def test_a_count_of_what_the_question_counts() -> None:
    text = "In 2021, more than 4,000 people from across 84 countries joined the event online"
    assert counts_something(text, {"how", "many", "countries"}) and counts_something(text, {"people"})
    assert not counts_something(text, {"how", "many", "sponsors"})
    assert counts_something("una keynote de tres ponentes", {"cuantos", "ponentes"})  # stems: "ponente(s)"
    # a short word's plural, with or without an apostrophe: "CRDs" counts "CRD's"
    assert counts_something("Users need to create four separate CRD's to define routing", {"crds"})
    assert asks_count("how many sponsors did it have?") and asks_count("¿Cuántas personas fueron?")
    assert asks_count("有多少人参加？") and asks_count("有几位讲者？")
    assert not asks_count("how much was a ticket?") and not asks_count("门票多少钱？")
    assert not asks_count("IstioCon 2022 的门票价格是多少？") and not asks_count("注册费是多少")  # a price
    assert not asks_count("需要多少时间？")  # how long
    assert not asks_count("Istio Day 是哪几天？") and not asks_quantity("有哪几位讲者？")  # which ones, not how many


def test_a_when_question_quotes_the_dated_sentence_among_those_sharing_its_words() -> None:
    passage = _post("Istio Day Europe is a co-located event for the community. Filler words make this long enough "
                    "to stand apart from the next one, which is not short either, as it goes on and on for a while "
                    "to keep the snippet from widening. More filler follows here so that the sentences cannot all fit "
                    "in one snippet of three hundred characters, and this one keeps going for a bit longer too. "
                    "Istio Day Europe takes place on April 1, 2025 in London.")
    text = _best_sentences(passage, Wanted.of("When is Istio Day Europe?", "en", NO_LEXICON), _idf)[0]
    assert "April 1, 2025" in text


def test_a_question_for_a_recording_quotes_the_sentence_that_links_it() -> None:
    long = "The opening keynote from the chairs set the tone for the day, and the hall was full from the start. " * 3
    video = "The [opening keynote](https://youtu.be/abc) was an ice-breaker."
    text = long + video.replace("[opening keynote](https://youtu.be/abc)", "opening keynote")
    start = text.index("opening keynote was")
    passage = _post(text, (Link("https://youtu.be/abc", "opening keynote", "video", "abc"),),
                    ((start, start + len("opening keynote")),))
    quoted, links, _ = _best_sentences(passage, Wanted.of("is there a recording of the opening keynote?", "en",
                                                          NO_LEXICON), _idf)
    assert "ice-breaker" in quoted and [link.url for link in links] == ["https://youtu.be/abc"]


def test_translated_words_count_for_a_passage_in_another_language() -> None:
    lexicon = Lexicon({"en": {"attended": [("参加", 0.8)]}})
    passage = Passage(id="zh/2021/x#0", doc_id="zh/2021/x", lang="zh", title="x", date="", url="", section="",
                      position=0, text="活动在北京举行，由六家公司共同主办，场地很大，交通也很方便，欢迎大家。" * 4
                      + "大约有 140 人现场参加了本次活动。")
    quoted = _best_sentences(passage, Wanted.of("how many people attended?", "en", lexicon), _idf)[0]
    assert "140" in quoted


def _session(abstract: str, links: tuple[Link, ...] = ()) -> Passage:
    """A session of IstioCon 2022 with this abstract; each of ``links`` is written where its text is."""
    session = Session(id="istiocon-2022/x", site="istiocon-2022", event="IstioCon 2022", title="Mesh at scale",
                      speakers=(Speaker("Ana Ruiz", "Principal Engineer at Salesforce"),), start="", end="",
                      format="presentation", track="Use case", language="en", subtitled=False, abstract=abstract,
                      recording="", slides="", page="https://events.istio.io/istiocon-2022/sessions/x/",
                      path=Path("x.md"), links=links,
                      link_spans=tuple((abstract.index(ln.text), abstract.index(ln.text) + len(ln.text))
                                       for ln in links))
    return session_passage(session)


def test_a_session_is_quoted_by_the_abstract_sentence_that_answers_not_its_speakers_titles() -> None:
    passage = _session("We run the mesh for every team. Our Salesforce migration moved 2,000 services to Istio.")
    quoted = _best_sentences(passage, Wanted.of("What was the Salesforce talk about?", "en", NO_LEXICON), _idf)[0]
    assert "migration" in quoted and "Principal Engineer" not in quoted


def test_a_session_whose_abstract_does_not_match_is_quoted_by_the_line_that_does() -> None:
    passage = _session("We run the mesh for every team.")
    quoted = _best_sentences(passage, Wanted.of("Who from Salesforce spoke?", "en", NO_LEXICON), _idf)[0]
    assert "Salesforce" in quoted


def test_a_session_quote_links_what_its_quoted_sentence_writes() -> None:
    labs = Link("https://github.com/solo-io/workshops", "https://github.com/solo-io/workshops", "link")
    passage = _session("Bring a laptop. The labs are publicly available: https://github.com/solo-io/workshops. "
                       "Seats are limited.", (labs,))
    text, links, spans = _best_sentences(passage, Wanted.of("where are the labs of the workshop?", "en", NO_LEXICON),
                                         _idf)
    written = [(link.url, text[start:end]) for link, (start, end) in zip(links, spans, strict=True) if end]
    assert written == [("https://github.com/solo-io/workshops", "https://github.com/solo-io/workshops")]


def test_a_talks_title_words_say_which_talk_not_which_sentence_answers(answerer: Answerer) -> None:
    """"la charla de Sberbank sobre pasar istio de PoC a producción" names the talk "Sberbank Story: moving Istio from
    PoC to production"; the sentence quoted is the one with the clusters asked about, not the one repeating the
    title's words."""
    for question in ("en la charla de Sberbank sobre pasar istio de PoC a produccion, de cuantos clusters hablan",
                     "Sberbank 从 PoC 到生产那场分享里有多少个集群？"):
        reply = answerer.ask(question)
        assert any("50+ On-Premise Kubernetes Clusters" in quote.text for quote in reply.quotes), question
