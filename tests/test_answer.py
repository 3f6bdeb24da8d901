"""Answers: short cited snippets, the recordings they mention, translations once, and honest abstention."""

from __future__ import annotations

import re

import pytest

from bot.core import intents
from bot.core.answerer import MAX_LINKS, MAX_SNIPPETS, SNIPPET_CHARS, Answerer
from bot.core.evaluate import shown_text
from bot.core.reply import Reply
from bot.render.text import render_text
from embeddings.index import Index
from embeddings.passages import Passage

QUESTIONS = [
    ("en", "How did Bloomberg secure their financial information with Istio?"),
    ("en", "Where can I watch the talk about the security posture of Ambient Mesh?"),
    ("en", "Which ecosystem announcements were made at KubeCon Europe 2023?"),
    ("es", "¿Qué se presentó en IstioCon China 2023?"),
    ("es", "¿Quién habló de Istio multi-cluster en el Istio Day de Londres?"),
    ("zh", "彭博社如何使用 Istio 保护他们的财务信息？"),
    ("zh", "2023 年欧洲 Istio Day 有哪些闪电演讲？"),
]

OFF_TOPIC = [
    ("en", "What will the weather be like in Amsterdam tomorrow?"),
    ("en", "How do I bake sourdough bread at home?"),
    ("en", "Who won the football World Cup in 2022?"),
    ("es", "¿Qué tiempo hará mañana en Madrid?"),
    ("es", "¿Cómo se prepara una paella valenciana?"),
    ("es", "¿Quién ganó la liga de fútbol española el año pasado?"),
    ("zh", "明天北京的天气怎么样？"),
    ("zh", "怎么做红烧肉？"),
    ("zh", "谁赢得了2022年世界杯足球赛？"),
]


@pytest.fixture(scope="module")
def answers(answerer: Answerer) -> list[Reply]:
    return [answerer.ask(question) for _, question in QUESTIONS]


def _source(index: Index, text: str, url: str) -> Passage | None:
    """The passage of post ``url`` that the snippet ``text`` was cut from."""
    body = text.removesuffix("…").removeprefix("…")
    return next((p for p in index.passages if p.url == url and body in p.text), None)


def _group(url: str) -> tuple[str, str]:
    match = re.search(r"/blog/(\d{4})/([^/]+)/$", url)
    assert match, url
    return match.group(1), match.group(2)


def test_questions_are_answered_in_their_language(answers: list[Reply]) -> None:
    for (lang, _), answer in zip(QUESTIONS, answers, strict=True):
        assert answer.lang == lang
        assert not answer.abstained, answer.question
        assert 1 <= len(answer.quotes) <= MAX_SNIPPETS
        assert len(answer.links) <= MAX_LINKS


def test_snippets_are_short_extracts_with_citations(answers: list[Reply], docs_index: Index) -> None:
    """Each snippet is at most ~300 characters (plus an ellipsis when cut), cut from the cited passage."""
    for answer in answers:
        for snippet in answer.quotes:
            assert len(snippet.text) <= SNIPPET_CHARS + 1, snippet.text
            if len(snippet.text) > SNIPPET_CHARS:
                assert snippet.text.endswith("…")
            source = _source(docs_index, snippet.text, snippet.url)
            assert source is not None, (snippet.url, snippet.text)
            assert (snippet.title, snippet.date, snippet.lang, snippet.section, snippet.kind) == (
                source.title, source.date, source.lang, source.section, source.kind,
            )
            assert (re.fullmatch(r"\d{4}-\d\d-\d\d", snippet.date) or (snippet.event and not snippet.event.start)
                    or (snippet.kind == "speaker" and not snippet.date))  # a speaker page is not dated
            if snippet.kind in ("post", "speaker"):
                site = "https://istio.io/latest/" if snippet.kind == "post" else "https://events.istio.io/"
                assert snippet.url.startswith(site) and snippet.url.endswith("/")
                # The snippet's links are links of its passage whose text lies inside the snippet.
                for link in snippet.links:
                    assert link in source.links
                    assert link.text in snippet.text
            else:  # a session, an event card or a banner is cited with all its links (recording, slides, page)
                assert snippet.links == list(source.links)
                assert (snippet.session or snippet.event) is not None or snippet.kind == "banner"


def test_long_paragraph_is_quoted_in_part(answerer: Answerer, docs_index: Index) -> None:
    """The snippet is the relevant sentences, not the whole long paragraph."""
    answer = answerer.ask("Who talked about using Istio for controls compliance?")
    top = answer.quotes[0]
    source = _source(docs_index, top.text, top.url)
    assert source is not None and len(source.text) > SNIPPET_CHARS
    assert len(top.text) < len(source.text)
    assert "Controls Compliance" in top.text or "控制合规性" in top.text or "cumplimiento" in top.text.lower()


def test_long_sentence_is_cut_with_ellipsis(answerer: Answerer) -> None:
    """A single sentence longer than the limit is cut at a word boundary and marked with …."""
    answer = answerer.ask("Which talks about Istio ambient mesh at KubeCon Europe 2025 can I watch?")
    assert not answer.abstained
    for snippet in answer.quotes:
        assert len(snippet.text) <= SNIPPET_CHARS + 1
        if snippet.text.endswith("…"):
            assert not snippet.text[:-1].endswith(" ")


def test_video_links_are_shown_with_their_titles(answerer: Answerer) -> None:
    answer = answerer.ask("Where can I watch the talk about the security posture of Ambient Mesh?")
    videos = {link.url: link for link in answer.links if link.kind == "video"}
    assert "https://youtu.be/QnfrbbY_Hy4" in videos
    assert videos["https://youtu.be/QnfrbbY_Hy4"].text == "the security posture of Ambient Mesh"
    assert all(link.kind in {"video", "session", "slides"} for link in answer.links)
    assert len({link.url for link in answer.links}) == len(answer.links)
    rendered = render_text(answer)
    assert "https://youtu.be/QnfrbbY_Hy4" in rendered and "the security posture of Ambient Mesh" in rendered
    assert answer.quotes[0].url in rendered and answer.quotes[0].title in rendered


def test_links_drop_the_si_tracking_parameter(answerer: Answerer) -> None:
    answer = answerer.ask("¿Quién habló de Istio multi-cluster en el Istio Day de Londres?")
    assert "https://youtu.be/WpEkfVGWmd8" in {link.url for link in answer.links}
    assert all("si=" not in link.url for link in answer.links)


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "How did Bloomberg protect its financial data with Istio?"),
        ("es", "¿Cómo protege Bloomberg su información financiera con Istio?"),
        ("zh", "彭博社如何使用 Istio 保护他们的财务信息？"),
    ],
)
def test_translations_prefer_the_askers_language(answerer: Answerer, lang: str, question: str) -> None:
    """The 2023 paragraph exists in en/es/zh: the asker gets their own language's version first."""
    answer = answerer.ask(question)
    assert answer.lang == lang
    top = answer.quotes[0]
    assert top.lang == lang
    assert "https://youtu.be/f6jMix46ZD8" in {link.url for link in answer.links}


def test_a_translation_that_leaves_out_what_the_question_names_is_not_swapped_in(answerer: Answerer) -> None:
    """The Chinese graduation post lists the companies' blog posts one short: VMware's is left out. Asked in
    Chinese about VMware's post, the reply quotes the paragraph that names VMware and links its post, even
    though that paragraph is not in Chinese."""
    answer = answerer.ask("istio 毕业的时候 vmware 发祝贺博客了吗 链接给一下")
    assert not answer.abstained
    assert "VMware" in answer.quotes[0].text
    assert any("vmware-celebrates-istio" in link.url for link in answer.quotes[0].links)
    # The Chinese version of that paragraph exists, and it is the one that says nothing of VMware.
    chinese = [p for hit in answerer.rank("istio 毕业的时候 vmware 发祝贺博客了吗", "zh")
               for p in answerer.translations(hit.passage) if p.lang == "zh" and "DaoCloud" in p.text]
    assert chinese and all("VMware" not in p.text for p in chinese)


def test_a_number_written_another_way_does_not_keep_the_askers_translation_away(answerer: Answerer) -> None:
    """Spanish writes "4.000" where English writes "4,000": the English version is still the one an English asker
    gets."""
    answer = answerer.ask("Is it true that 4.000 people joined IstioCon 2021?")
    assert answer.quotes and answer.quotes[0].lang == "en" and "4,000" in answer.quotes[0].text


SHOWN_ONCE = [*QUESTIONS, ("en", "Which end user talks were given at Istio Day Europe 2023?")]


@pytest.mark.parametrize(
    ("lang", "question"), SHOWN_ONCE, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(SHOWN_ONCE)]
)
def test_translations_are_shown_once(answerer: Answerer, lang: str, question: str) -> None:
    """Two snippets from language versions of one post never quote the same recording: that would be
    the same paragraph twice. Likewise the ranked list never holds one passage twice."""
    answer = answerer.ask(question)
    seen: dict[str, tuple[str, str]] = {}
    for snippet in answer.quotes:
        for link in snippet.links:
            if link.kind != "video":
                continue
            key = (snippet.lang, snippet.url)
            if link.url in seen and seen[link.url][0] != snippet.lang:
                assert _group(seen[link.url][1]) != _group(snippet.url), (link.url, seen[link.url], key)
            seen.setdefault(link.url, key)
    hits = answerer.rank(question, lang)
    assert len({h.passage.id for h in hits}) == len(hits)


def test_issue_example_snippet_carries_the_keynote_recording(answerer: Answerer) -> None:
    """Done-when of the issue: a snippet whose links include https://youtu.be/v10UpNQIoT0."""
    answer = answerer.ask("Who gave the opening keynote at Istio Day Europe 2025?")
    assert not answer.abstained
    assert "https://youtu.be/v10UpNQIoT0" in {link.url for link in answer.links}
    assert any(s.url.endswith("/blog/2025/istio-at-kubecon-eu/") for s in answer.quotes)
    snippet_links = {link.url for s in answer.quotes for link in s.links}
    assert "https://youtu.be/v10UpNQIoT0" in snippet_links, [s.text for s in answer.quotes]


@pytest.mark.parametrize(("lang", "question"), OFF_TOPIC, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(OFF_TOPIC)])
def test_abstains_on_off_topic_questions(answerer: Answerer, lang: str, question: str) -> None:
    """Weather, cooking, sports: the posts say nothing, so the bot says it does not know and cites nothing."""
    answer = answerer.ask(question)
    assert answer.lang == lang
    assert answer.abstained, [s.text[:80] for s in answer.quotes]
    assert answer.quotes == [] and answer.links == []


def test_abstention_reply_is_a_hint_in_the_askers_language(answerer: Answerer) -> None:
    english = render_text(answerer.ask("How do I bake sourdough bread at home?"))
    spanish = render_text(answerer.ask("¿Cómo se prepara una paella valenciana?"))
    assert english.startswith("I don't know") and "events" in english
    assert spanish.startswith("No lo sé")


def test_answer_to_dict_schema(answerer: Answerer) -> None:
    from bot.render.json_reply import reply_dict

    data = reply_dict(answerer.ask("Who gave the opening keynote at Istio Day Europe 2023?"))
    assert set(data) >= {"question", "lang", "abstained", "kind", "snippets", "links", "sessions", "events", "latest"}
    assert data["kind"] == "passages" and data["sessions"] == [] and data["events"] == []
    for snippet in data["snippets"]:
        assert {"text", "title", "section", "date", "lang", "url", "score", "links", "kind"} <= set(snippet)
        for link in snippet["links"]:
            assert set(link) == {"url", "text", "kind"}
    assert {"url": "https://youtu.be/h9EgMrJ0ahs", "text": "opening keynote", "kind": "video"} in data["links"]


def test_a_link_in_a_quoted_sentence_stays_clickable_where_it_is_written(answerer: Answerer) -> None:
    from bot.core.citations import inline_parts
    from bot.slack.blocks import reply_message

    answer = answerer.ask("Where can I find the slides of IstioCon China 2023?")
    assert not answer.abstained
    inline = [part for snippet in answer.quotes for part in inline_parts(snippet.text, snippet.links, snippet.spans)]
    linked = [part for part in inline if part.url]
    assert any("sched.com" in part.url for part in linked), inline
    for snippet in answer.quotes:  # each drawn link's text is the text the post links
        for link, (start, end) in zip(snippet.links, snippet.spans, strict=True):
            if end > start:
                assert " ".join(snippet.text[start:end].split()) == " ".join(link.text.split())
    blocks = str(reply_message(answer).block_dicts())
    assert "<https://istioconchina2023.sched.com/|" in blocks
    assert "(https://istioconchina2023.sched.com/)" in render_text(answer)


def test_an_event_card_answers_when_and_where_and_no_other_question(answerer: Answerer) -> None:
    from bot.core.intents import asks_when_or_where

    assert asks_when_or_where("When was Istio Day Europe 2025?") and asks_when_or_where("¿Dónde fue la KubeCon 2024?")
    assert asks_when_or_where("IstioCon 2022 是什么时候？") and not asks_when_or_where("Who spoke about eBPF?")
    assert not asks_when_or_where("Where can I watch the Bloomberg talk?")  # a recording, not a place
    assert not asks_when_or_where("What happened at Istio Day Europe 2025?")  # "Day" names the event
    other = answerer.rank("Who from Lyft spoke at the all-day Istio Twitch stream in 2018?", "en")
    assert other and all(hit.passage.kind != "event" for hit in other[:5])
    when = answerer.rank("When was the all-day Istio Twitch stream?", "en")
    assert any(hit.passage.kind == "event" for hit in when[:3])


def test_only_when_or_where_one_edition_is_answered_by_what_is_about_that_edition(answerer: Answerer) -> None:
    """A post on another edition that says where that one "was held" does not answer "where was IstioCon 2022
    held?"; nor does a talk or a speaker page of the edition."""
    from bot.core.intents import asks_only_when_or_where

    assert asks_only_when_or_where("Where was IstioCon 2022 held?", ["IstioCon 2022"])
    assert asks_only_when_or_where("¿Cuándo y dónde se celebró la KubeCon NA 2024?", ["KubeCon North America 2024"])
    assert asks_only_when_or_where("IstioCon 2022 在哪里举办？", ["IstioCon 2022"])
    assert not asks_only_when_or_where("When is the CFP deadline for IstioCon 2022?", ["IstioCon 2022"])
    hits = answerer.rank("Where was IstioCon 2022 held?", "en")
    grounding = answerer.ground("Where was IstioCon 2022 held?")
    assert all(grounding.about(hit.passage) and hit.passage.kind in ("event", "post", "banner") for hit in hits[:3])


def test_a_quoted_sessions_card_says_when_in_utc_and_who_with_their_roles(answerer: Answerer) -> None:
    reply = answerer.ask("Is there a recording of the Sberbank talk at IstioCon 2021?")
    card = " · ".join(part.text for part in reply.quotes[0].citation)
    assert "24 February 2021, 18:20–18:45 UTC" in card
    assert "Igor Gustomyasov (Head of Integration Department at Sber)" in card
    es = answerer.ask("¿hay grabación de la charla de Sberbank en IstioCon 2021?")
    assert "24 de febrero de 2021, 18:20–18:45 UTC" in " · ".join(part.text for part in es.quotes[0].citation)


def test_a_link_a_talks_abstract_writes_is_shown_when_a_link_is_asked_for(answerer: Answerer) -> None:
    reply = answerer.ask("who led the istio upgrades listening session at istiocon 2022 and what's the link to join it")
    assert reply.quotes[0].title == "Listening session: Istio Upgrades"
    assert "https://meet.google.com/ncg-kawc-nqe" in reply.shown_links()  # "Join Google Meet", beside the quote
    assert any(part.text == "Join Google Meet" for part in reply.quotes[0].citation)
    other = answerer.ask("who led the istio upgrades listening session at istiocon 2022?")
    assert "https://meet.google.com/ncg-kawc-nqe" not in other.shown_links()  # not asked for, not quoted
    # Asking for a repository asks for a link: the workshop's labs, written in its abstract, are cited.
    repo = answerer.ask("IstioCon 2021 多集群 workshop 的 lab 放在哪个 github 仓库")
    assert "https://github.com/solo-io/workshops/tree/master/gloo-mesh" in repo.shown_links()


def test_a_time_of_day_no_quoted_passage_writes_is_not_answered(answerer: Answerer) -> None:
    # The posts give Istio Day North America 2024's day and city, never the hour it began.
    assert answerer.ask("what time did Istio Day North America 2024 kick off on November 12?").abstained
    # a time in a passage about something else (the Twitch stream's schedule) does not say when Istio Day began
    assert answerer.ask("a que hora exacta empezaba istio day atlanta el 10 de noviembre").abstained
    reply = answerer.ask("a que hora era el coffee break en el meetup de china de 2021?")  # its agenda gives it
    assert not reply.abstained and "15:30" in "".join(part.text for quote in reply.quotes for part in quote.inline)


def test_a_room_no_quoted_passage_writes_is_not_answered(answerer: Answerer) -> None:
    # The posts give Istio Day Europe 2024's city and venue, never a room or a booth number.
    assert answerer.ask("in which room of the Paris venue did Istio Day Europe 2024 take place?").abstained
    assert answerer.ask("¿cuál era el número de stand de Istio en la KubeCon de Londres 2025?").abstained
    # the 2021 Beijing meetup's report writes its hall and floor: answered, in the asker's words or not
    reply = answerer.ask("which hall hosted the Istio meetup in Beijing in 2021?")
    shown = "".join(part.text for quote in reply.quotes for part in quote.inline)
    assert not reply.abstained and ("展厅" in shown or "Hall" in shown), shown
    assert intents.room_unstated("which room was it in?", ["It was held at the Moscone Center."])
    assert not intents.room_unstated("which room was it in?", ["Sessions were in Room 2014, West building."])
    assert not intents.room_unstated("who was in the room when ambient was announced?", ["Nothing about it."])


def test_a_code_repository_no_quoted_passage_links_is_not_answered(answerer: Answerer) -> None:
    # BlaBlaCar's talk describes istio-redirector; no document links its repository.
    assert answerer.ask("link to the istio-redirector github repo that blablacar showed at istiocon?").abstained
    assert answerer.ask("华为那个 lazy xds 方案开源了吗 仓库地址").abstained
    # Aeraki's repository is linked in its talk's abstract: answered, with the link.
    reply = answerer.ask("where's the github repo of Aeraki from Huabing Zhao's istiocon 2021 talk?")
    assert not reply.abstained and "https://github.com/aeraki-framework/aeraki" in reply.shown_links()
    # "the repos" as a topic asks for no repository
    assert not intents.asks_repository("who explained the structure of the istio repos at the contribfest?")


@pytest.mark.parametrize(("message", "words"), [
    ("thanks a ton bot, you saved me a lot of digging through the istiocon schedule today", "You're welcome"),
    ("gracias crack, con el resumen de shanghai ya convenci a mi jefe de probar ambient", "¡De nada!"),
    ("谢谢，芝加哥那篇回顾写得挺好，我已经转发给同事了", "不客气"),
])
def test_thanks_that_ask_nothing_are_answered_in_kind(answerer: Answerer, message: str, words: str) -> None:
    reply, _ = answerer.respond(message)
    assert reply.abstained and not reply.quotes and reply.title.startswith(words)


def test_who_won_a_raffle_no_post_reports_is_not_answered(answerer: Answerer) -> None:
    # The wrap-up's raffle and the #IstioTurns4 swag are announced, their winners never named.
    assert answerer.ask("who won the raffle giveaways at the istiocon 2022 wrap-up?").abstained
    assert answerer.ask("Istio 4 周年生日活动最后是谁赢了礼品？").abstained
    # Awards are reported: the recap names who received them.
    assert not answerer.ask("who got the top committer award at KubeCon NA 25?").abstained
    assert not intents.winner_unreported("which team won the escape room?", ["The winners were team Envoy."])
    assert intents.winner_unreported("which team won the escape room?", ["Join for a chance to win some swag."])


def test_who_gave_a_talk_no_quoted_passage_names_anyone_for_is_not_answered(answerer: Answerer) -> None:
    # The posts list KubeCon's and Istio Day's Istio talks by title; only a program or a recap names who spoke.
    assert answerer.ask("quien presenta 'Trino y gobernanza de datos en Kubernetes' en kubecon londres").abstained
    assert answerer.ask("Skyscanner 每分钟 6000 万请求那个演讲是谁讲的").abstained
    # a recap that names the speakers answers, in Chinese too, as does a program's session
    reply = answerer.ask("who gave the keynote on ambient as managed infrastructure at istiocon china 2023?")
    assert not reply.abstained and "Justin Pettit" in shown_text(reply)
    assert not answerer.ask("中国首场 istio meetup 上那个《服务网格数据平面热升级技术分享》是谁讲的？").abstained
    assert not answerer.ask("who gave the Istio and Supply Chain Security talk at IstioCon 2022?").abstained
    # who sponsored asks for a company, not a speaker
    assert not intents.asks_who_spoke("who sponsored the new istio t-shirts at the chicago kiosk?")
