"""Passages: bounded size, headings carried as sections, translation groups, link spans."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import BASE_URL, CORPUS, DOCS, EU_2023, corpus_file, make_docs

from embeddings.passages import MAX_WEIGHT, MIN_WEIGHT, Passage, sentence_bounds, split_post, weight
from embeddings.posts import load_posts


def _all_passages(docs: Path) -> dict[str, list[Passage]]:
    posts, problems = load_posts(docs, BASE_URL)
    assert problems == []
    return {post.id: split_post(post) for post in posts}


@pytest.fixture(scope="module")
def docs_passages() -> dict[str, list[Passage]]:
    return _all_passages(DOCS)


@pytest.fixture(scope="module")
def corpus_passages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Passage]]:
    """Every published post of ../shared/corpus, laid out as docs."""
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    files = {f"{path.parent.name}/{path.name}": path for path in CORPUS.glob("*/*.md")}
    return _all_passages(make_docs(tmp_path_factory.mktemp("corpus") / "docs", files))


@pytest.fixture(scope="module")
def na_2025(tmp_path_factory: pytest.TempPathFactory) -> list[Passage]:
    """The English KubeCon NA 2025 recap (it has ``##`` sections), copied into a docs layout."""
    docs = make_docs(
        tmp_path_factory.mktemp("na") / "docs",
        {"en/2025/istio-at-kubecon-na.md": corpus_file("en", "2025", "istio-at-kubecon-na")},
    )
    return _all_passages(docs)["en/2025/istio-at-kubecon-na"]


def test_passage_fields(docs_passages: dict[str, list[Passage]]) -> None:
    """Ids, post ids, positions in reading order, and the post's metadata on every passage."""
    for doc_id, passages in docs_passages.items():
        assert passages, doc_id
        assert [p.position for p in passages] == list(range(len(passages)))
        assert len({p.id for p in passages}) == len(passages)
        for p in passages:
            assert p.doc_id == doc_id and p.id.startswith(doc_id + "#")
            assert p.lang == doc_id.split("/")[0]
            assert p.title and p.date[:4] == p.year and p.url.startswith("https://istio.io/latest/")
            assert p.text == p.text.strip() and p.text


def test_every_passage_is_at_most_max_weight(
    docs_passages: dict[str, list[Passage]], corpus_passages: dict[str, list[Passage]]
) -> None:
    for passages in [*docs_passages.values(), *corpus_passages.values()]:
        for p in passages:
            assert weight(p.text) <= MAX_WEIGHT, (p.id, weight(p.text))


def _mergeable_tiny(passages: list[Passage]) -> list[str]:
    """Passages under MIN_WEIGHT that a same-section neighbour could absorb within MAX_WEIGHT."""
    found = []
    for i, p in enumerate(passages):
        if weight(p.text) >= MIN_WEIGHT:
            continue
        neighbours = [passages[j] for j in (i - 1, i + 1) if 0 <= j < len(passages)]
        if any(n.section == p.section and weight(n.text) + weight(p.text) + 1 <= MAX_WEIGHT for n in neighbours):
            found.append(f"{p.id} ({weight(p.text)}): {p.text[:60]!r}")
    return found


def test_tiny_paragraphs_do_not_stand_alone_in_docs(docs_passages: dict[str, list[Passage]]) -> None:
    """A caption or one-liner under MIN_WEIGHT is merged into a neighbour of its section when it fits."""
    tiny = [item for passages in docs_passages.values() for item in _mergeable_tiny(passages)]
    assert tiny == []


def test_tiny_paragraphs_do_not_stand_alone_in_corpus(corpus_passages: dict[str, list[Passage]]) -> None:
    tiny = [item for passages in corpus_passages.values() for item in _mergeable_tiny(passages)]
    assert tiny == []


def test_short_paragraphs_are_merged(tmp_path: Path) -> None:
    """Three one-line paragraphs of one section make one passage, not three."""
    body = "\n\n".join(["Istio Day opened with a keynote.", "Then came the roadmap.", "Then a panel."])
    docs = make_docs(tmp_path / "docs", {"en/2024/tiny.md": f"---\ntitle: Tiny\n---\n\n{body}\n"})
    (passage,) = _all_passages(docs)["en/2024/tiny"]
    assert "keynote" in passage.text and "roadmap" in passage.text and "panel" in passage.text


def test_huge_paragraphs_split_at_sentence_ends(tmp_path: Path) -> None:
    """A long English and a long Chinese paragraph split into whole sentences (CJK 。 included)."""
    en = " ".join(f"Sentence number {i} talks about the Istio ambient mesh at KubeCon." for i in range(40))
    zh = "".join(f"第{i}句话介绍了在 KubeCon 上关于 Istio 环境网格的演讲内容。" for i in range(40))
    docs = make_docs(
        tmp_path / "docs",
        {"en/2024/long.md": f"---\ntitle: Long\n---\n\n{en}\n", "zh/2024/long.md": f"---\ntitle: 长\n---\n\n{zh}\n"},
    )
    passages = _all_passages(docs)
    for doc_id, end in (("en/2024/long", "."), ("zh/2024/long", "。")):
        pieces = passages[doc_id]
        assert len(pieces) >= 3
        for p in pieces:
            assert weight(p.text) <= MAX_WEIGHT
            assert p.text.endswith(end), p.text[-20:]
        joined = ("" if end == "。" else " ").join(p.text for p in pieces)
        assert joined == (en if end == "." else zh)


def test_sentence_bounds_cover_cjk_punctuation() -> None:
    text = "第一句。第二句！第三句？Fourth sentence. Fifth"
    parts = [text[a:b].strip() for a, b in sentence_bounds(text)]
    assert parts == ["第一句。", "第二句！", "第三句？", "Fourth sentence.", "Fifth"]


def test_an_abbreviations_period_ends_no_sentence() -> None:
    """The Beijing meetup's venue was quoted up to "No." and lost its street ("No. 52 Huayuan North Road")."""
    text = "Venue: Research Building, No. 52 Huayuan North Road, Beijing. Bring a badge, e.g. your ID. Done."
    parts = [text[a:b].strip() for a, b in sentence_bounds(text)]
    assert parts == [
        "Venue: Research Building, No. 52 Huayuan North Road, Beijing.", "Bring a badge, e.g. your ID.", "Done."]


def test_headings_are_carried_into_section(na_2025: list[Passage]) -> None:
    """Passages after ``## Istio Day at KubeCon NA`` carry that section, in reading order."""
    raw = corpus_file("en", "2025", "istio-at-kubecon-na").read_text(encoding="utf-8")
    headings = [line[3:].strip() for line in raw.splitlines() if line.startswith("## ")]
    assert "Istio Day at KubeCon NA" in headings
    sections = [p.section for p in na_2025]
    assert sections[0] == ""  # the introduction comes before any heading
    seen = list(dict.fromkeys(s for s in sections if s))
    assert seen == headings
    day = [p for p in na_2025 if p.section == "Istio Day at KubeCon NA"]
    assert day and any(link.kind == "video" for p in day for link in p.links)
    assert all(p.embedding_text.startswith(f"{p.title} — {p.section}\n") for p in day)
    # A passage never straddles two sections: none contains the next heading's text as a line.
    for p in na_2025:
        assert not any(line.strip() in headings for line in p.text.splitlines())


def test_heading_anchor_ids_are_not_part_of_the_section(corpus_passages: dict[str, list[Passage]]) -> None:
    """Hugo heading ids (``## 日程安排 {#agenda}``) are markup, not part of the section name shown to users."""
    sections = {p.section for passages in corpus_passages.values() for p in passages}
    assert "日程安排" in {s.split("{#")[0].strip() for s in sections}
    assert [s for s in sections if "{#" in s] == []


def test_translation_group_is_shared_across_languages(docs_passages: dict[str, list[Passage]]) -> None:
    """en/es/zh versions of the 2023 KubeCon EU recap share the group ``(2023, istio-at-kubecon-eu)``."""
    groups: dict[tuple[str, str], set[str]] = {}
    for passages in docs_passages.values():
        for p in passages:
            groups.setdefault(p.group, set()).add(p.lang)
    assert groups[EU_2023] == {"en", "es", "zh"}
    assert groups[("2025", "istio-at-kubecon-eu")] == {"en", "es", "uk", "zh"}
    assert groups[("2021", "istiomeetups-china-report")] == {"zh"}  # the Beijing meetup report is Chinese-only
    assert groups[("2023", "istiocon-china")] == {"en", "es", "pt-br", "zh"}
    # The same recording appears in the same group in every language.
    for lang in ("en", "es", "zh"):
        ids = {link.video_id for p in docs_passages[f"{lang}/2023/istio-at-kubecon-eu"] for link in p.links}
        assert "h9EgMrJ0ahs" in ids


def test_link_spans_equal_link_text(
    docs_passages: dict[str, list[Passage]], corpus_passages: dict[str, list[Passage]]
) -> None:
    """Each link's recorded span in the passage text is exactly the link's text (also after splitting)."""
    count = 0
    for passages in [*docs_passages.values(), *corpus_passages.values()]:
        for p in passages:
            assert len(p.links) == len(p.link_spans)
            for link, (start, end) in zip(p.links, p.link_spans, strict=True):
                assert p.text[start:end] == link.text, (p.id, link)
                count += 1
    assert count > 500


def test_every_link_of_a_post_lands_in_one_passage(docs_passages: dict[str, list[Passage]]) -> None:
    """Splitting and merging neither drop nor duplicate links."""
    from embeddings.posts import read_post

    for doc_id, passages in docs_passages.items():
        lang, year, slug = doc_id.split("/")
        post = read_post(DOCS / lang / year / f"{slug}.md", DOCS, BASE_URL)
        in_blocks = [link for block in post.blocks for link in block.links]
        in_passages = [link for p in passages for link in p.links]
        assert in_passages == in_blocks
