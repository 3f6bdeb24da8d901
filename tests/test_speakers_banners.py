"""Speaker pages and site banners: documents of their own, one passage each, that questions about people and
about what istio.io announced find."""

from __future__ import annotations

from pathlib import Path

from support import DOCS, make_docs

from bot.core.answerer import Answerer
from embeddings.documents import load_corpus
from embeddings.passages import Passage
from embeddings.speakers import load_profiles

BASE = "https://istio.io"


def _passages(kind: str) -> list[Passage]:
    return [p for p in load_corpus(DOCS, BASE).passages() if p.kind == kind]


def test_a_speaker_page_with_a_biography_is_one_passage_tied_to_the_talks() -> None:
    profiles, problems = load_profiles(DOCS)
    assert problems == [] and len(profiles) >= 160
    lin = next(p for p in _passages("speaker") if p.doc_id == "speaker/istiocon-2022/lin-sun")
    assert lin.title == "Lin Sun" and lin.section == "IstioCon 2022" and lin.year == "2022"
    assert "more than 200 patents" in lin.text and lin.text.startswith("Director of Open-Source, Solo.io")
    assert "IstioCon 2022: " in lin.text and "State of Istio" in lin.text  # the talks she gave there
    assert lin.url == "https://events.istio.io/istiocon-2022/speakers/lin-sun/" and lin.links[0].url == lin.url
    # a Chinese name stored given name first is shown family name first, and a Chinese biography is Chinese
    assert any(p.title == "许超" for p in _passages("speaker"))


def test_a_speaker_page_without_a_biography_adds_no_passage(tmp_path: Path) -> None:
    program = "programs/istiocon-2030"
    docs = make_docs(tmp_path / "docs", {
        f"{program}/sessions/a1.md": "---\ntitle: Fine talk\nspeakers:\n - Ana Gato\n---\n\nAbout meshes.\n",
        f"{program}/speakers/ana-gato/_index.md": "---\ntitle: Ana Gato\ndesignation: Engineer at Cats\n---\n\n"
                                                  "Ana maintains the cat mesh.\n",
        f"{program}/speakers/bo-perro/_index.md": "---\ntitle: Bo Perro\ndesignation: Engineer at Dogs\n---\n",
        f"{program}/speakers/broken/_index.md": "---\ntitle: [unclosed\n---\n",
    })
    corpus = load_corpus(docs, BASE)
    assert [p.title for p in corpus.passages() if p.kind == "speaker"] == ["Ana Gato"]
    assert [problem.path.parent.name for problem in corpus.problems] == ["broken"]  # reported by name, skipped
    assert next(s for s in corpus.sessions).speakers[0].role == "Engineer at Cats"


def test_a_banner_is_one_passage_with_its_period_and_its_link_resolved() -> None:
    banners = {(p.lang, p.slug): p for p in _passages("banner")}
    k8s = banners[("en", "banner-kubernetes-1.22-with-older-releases")]
    assert "Kubernetes 1.22 will only work with Istio 1.10 and above" in k8s.text
    assert "2021-08-04" in k8s.text and "2022-01-31" in k8s.text  # when istio.io showed it
    assert k8s.url == k8s.links[0].url == "https://istio.io/docs/releases/supported-releases#support-status-of-istio-releases"
    zh = banners[("zh", "banner-kubernetes-1.22-with-older-releases")]
    assert zh.group == k8s.group and "在 istio.io 上展示" in zh.text  # one translation group, in its language
    # the latest-release banner is a template with no period: nothing to quote
    assert not any(slug == "banner-latest-release" for _, slug in banners)


def test_questions_about_a_banner_and_a_speaker_page_find_them(answerer: Answerer) -> None:
    reply = answerer.ask("Which Istio versions did the Kubernetes 1.22 banner on istio.io say were needed?")
    assert not reply.abstained and reply.quotes[0].kind == "banner" and "Istio 1.10" in reply.quotes[0].text
    reply = answerer.ask("How many patents does Lin Sun have, according to her speaker bio?")
    assert not reply.abstained and reply.quotes[0].kind == "speaker" and "200 patents" in reply.quotes[0].text
    # a banner is quoted whole: its period answers "when"
    reply = answerer.ask("istio.io 上那个 Ambient Alpha 的横幅是什么时候展示的？")
    assert reply.quotes[0].kind == "banner" and "2024-01-27" in reply.quotes[0].text


def test_a_spanish_question_is_quoted_the_english_sentence_its_cognates_name(answerer: Answerer) -> None:
    """"patentes" is in no mined translation (only the English biography says it): the sentence with "patents"
    is quoted, not the biography's first line."""
    reply = answerer.ask("¿Cuántas patentes tiene Lin Sun según su biografía de ponente?")
    assert not reply.abstained and any("200 patents" in quote.text for quote in reply.quotes)


def test_a_programs_index_pages_are_one_passage_each_with_the_links_they_write() -> None:
    pages = {p.doc_id: p for p in _passages("page")}
    sessions = pages["page/istiocon-2021/sessions/_index"]
    assert sessions.section == "IstioCon 2021" and sessions.year == "2021" and sessions.lang == "en"
    assert sessions.url == "https://events.istio.io/istiocon-2021/sessions/"
    assert "cannot access videos on YouTube" in sessions.text
    assert [link.text for link in sessions.links] == ["IstioCon channel on bilibili"]
    assert sessions.links[0].url.startswith("https://space.bilibili.com/")
    chinese = pages["page/istiocon-2021/schedule/chinese"]
    assert chinese.url == "https://events.istio.io/istiocon-2021/schedule/chinese/"
    assert "only shows sessions in Chinese" in chinese.text
    schedule = pages["page/istiocon-2021/schedule/_index"]
    assert {link.url for link in schedule.links} == {
        "https://events.istio.io/istiocon-2021/schedule/english", "https://events.istio.io/istiocon-2021/schedule/chinese"}


def test_a_program_page_without_text_adds_nothing_and_a_broken_one_is_reported_by_name(tmp_path: Path) -> None:
    program = "programs/istiocon-2030"
    docs = make_docs(tmp_path / "docs", {
        f"{program}/sessions/_index.md": "---\ntitle: Sessions\n---\n\nWatch them [here](https://example.com/v).\n",
        f"{program}/sessions/a1.md": "---\ntitle: Fine talk\nspeakers:\n - Ana Gato\n---\n\nAbout meshes.\n",
        f"{program}/schedule/_index.md": "---\ntitle: Schedule\nblocks: []\n---\n",
        f"{program}/schedule/english.md": "---\ntitle: [unclosed\n---\n\nText.\n",
    })
    corpus = load_corpus(docs, BASE)
    pages = [p for p in corpus.passages() if p.kind == "page"]
    assert [(p.title, p.section, p.links[0].url) for p in pages] == [("Sessions", "IstioCon 2030", "https://example.com/v")]
    assert [problem.path.name for problem in corpus.problems] == ["english.md"]
    assert [s.title for s in corpus.sessions] == ["Fine talk"]  # the sessions are not held back


def test_a_quoted_speaker_page_is_cited_with_the_speakers_role_and_company(answerer: Answerer) -> None:
    """Whichever sentence of the biography is quoted, the citation says who the person is (the page's designation)."""
    answer = answerer.ask("Idit Levine 是谁？")
    speaker = next(quote for quote in answer.quotes if quote.kind == "speaker")
    assert speaker.title == "Idit Levine" and "Solo.io" in speaker.role
    assert speaker.role in [part.text for part in speaker.citation]
    assert speaker.role not in speaker.text  # said once, in the citation: the quote is the biography
