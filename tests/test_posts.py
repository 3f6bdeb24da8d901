"""Ingestion: reading real posts into clean text, links with their kinds, and skipping broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import BASE_URL, DOCS, corpus_file, make_docs

from embeddings.documents import load_corpus
from embeddings.markdown import display_url, make_link, to_blocks, youtube_id
from embeddings.passages import Passage, split_post
from embeddings.posts import Post, load_posts, read_post


@pytest.fixture(scope="module")
def posts() -> dict[str, Post]:
    loaded, problems = load_posts(DOCS, BASE_URL)
    assert problems == []
    return {post.id: post for post in loaded}


@pytest.fixture(scope="module")
def passages(posts: dict[str, Post]) -> dict[str, list[Passage]]:
    return {doc_id: split_post(post) for doc_id, post in posts.items()}


def _text(passages: list[Passage]) -> str:
    return "\n".join(p.text for p in passages)


def test_docs_layout_gives_language_year_slug_and_canonical_url(posts: dict[str, Post]) -> None:
    """Language, year and slug come from the path; English lives at /blog/, others under /<lang>/blog/."""
    on_disk = {
        path.relative_to(DOCS).with_suffix("").as_posix()
        for path in DOCS.glob("*/*/*.md")
        if path.parts[-3] not in {"programs", "banners"}
    }
    assert set(posts) == on_disk and len(posts) >= 75  # every post, in five languages
    assert {p.lang for p in posts.values()} == {"en", "es", "zh", "uk", "pt-br"}
    en = posts["en/2023/istio-at-kubecon-eu"]
    assert (en.lang, en.year, en.slug) == ("en", "2023", "istio-at-kubecon-eu")
    assert en.url == "https://istio.io/latest/blog/2023/istio-at-kubecon-eu/"
    assert en.title == "Istio at KubeCon Europe 2023"
    assert en.date == "2023-04-27"
    assert posts["es/2025/istio-at-kubecon-eu"].url == "https://istio.io/latest/es/blog/2025/istio-at-kubecon-eu/"
    assert posts["zh/2023/istio-at-kubecon-eu"].url == "https://istio.io/latest/zh/blog/2023/istio-at-kubecon-eu/"


def test_mojibake_is_repaired(passages: dict[str, list[Passage]]) -> None:
    """The English file really contains ``Istioâ€™s``; no passage may keep the mojibake."""
    raw = (DOCS / "en/2023/istio-at-kubecon-eu.md").read_text(encoding="utf-8")
    assert "Istioâ€™s" in raw
    text = _text(passages["en/2023/istio-at-kubecon-eu"])
    assert re.search(r"Istio['’]s presence at the conference", text)
    for post_passages in passages.values():
        for passage in post_passages:
            assert "â€" not in passage.text
            assert "Ã" not in passage.text


def test_image_captions_are_kept_as_text(passages: dict[str, list[Passage]]) -> None:
    """Image shortcodes span several lines; their captions become passage text, the markup vanishes."""
    raw = (DOCS / "en/2023/istio-at-kubecon-eu.md").read_text(encoding="utf-8")
    captions = re.findall(r'caption="([^"]+)"', raw)
    assert len(captions) >= 5
    text = _text(passages["en/2023/istio-at-kubecon-eu"])
    for caption in captions:
        assert caption in text
    for post_passages in passages.values():
        for passage in post_passages:
            assert "{{<" not in passage.text and ">}}" not in passage.text
            assert "istio-day-welcome.jpg" not in passage.text


def test_chinese_wrapped_lines_are_joined_without_spaces(passages: dict[str, list[Passage]]) -> None:
    """A zh paragraph wrapped over lines reads as one run: no newline or space at the joins."""
    raw = (DOCS / "zh/2023/istio-at-kubecon-eu.md").read_text(encoding="utf-8")
    # The real wrap in the first paragraph: "...KubeCon 中。" / "这是一场..." / "...盛会，" / "也是...".
    assert "2023 年第一场 KubeCon 中。\n这是一场" in raw
    assert "为期四天的盛会，\n也是在这片土地上" in raw
    text = _text(passages["zh/2023/istio-at-kubecon-eu"])
    assert "2023 年第一场 KubeCon 中。这是一场由云原生计算基金会组织" in text
    assert "为期四天的盛会，也是在这片土地上" in text
    # Also a wrap right before a link: "...Christian Posta 和 John Howard 带来了...讨论的" / "[Ambient Mesh 安全态势]".
    assert "讨论的Ambient Mesh 安全态势议题" in text
    # Latin words wrapped across lines are still separated by a space.
    (block,) = to_blocks("Istio Day kicked\noff with a keynote.\n", BASE_URL)
    assert block.text == "Istio Day kicked off with a keynote."


def test_link_text_stays_in_text_and_links_are_recorded(passages: dict[str, list[Passage]]) -> None:
    """Markdown links become their text; the URL is only in the metadata."""
    en = passages["en/2023/istio-at-kubecon-eu"]
    keynote = next(p for p in en if "h9EgMrJ0ahs" in {link.video_id for link in p.links})
    assert "The opening keynote was an ice-breaker" in keynote.text
    assert "](" not in _text(en)
    assert "https://youtu.be" not in _text(en)


def test_youtube_links_are_videos_with_id_and_without_si(passages: dict[str, list[Passage]]) -> None:
    """``youtu.be/ID?si=...`` (the 2025 post) is a video whose shown URL drops the ``si`` tracker."""
    raw = (DOCS / "es/2025/istio-at-kubecon-eu.md").read_text(encoding="utf-8")
    assert "https://youtu.be/v10UpNQIoT0?si=" in raw
    links = [link for p in passages["es/2025/istio-at-kubecon-eu"] for link in p.links]
    keynote = next(link for link in links if link.video_id == "v10UpNQIoT0")
    assert keynote.kind == "video"
    assert keynote.url == "https://youtu.be/v10UpNQIoT0"
    assert keynote.text == "ponencia de apertura"
    videos = [link for link in links if link.kind == "video"]
    assert len(videos) >= 15
    for link in videos:
        assert "si=" not in link.url
        assert link.video_id and link.url.endswith(link.video_id)


def test_sched_links_are_sessions(passages: dict[str, list[Passage]]) -> None:
    links = [link for p in passages["en/2023/istio-at-kubecon-eu"] for link in p.links]
    sessions = {link.url: link for link in links if link.kind == "session"}
    assert len(sessions) == 8
    assert sessions["https://sched.co/1HySB"].text == "Future of Istio - Sidecar, Sidecarless or Both?"
    assert all(url.startswith("https://sched.co/") for url in sessions)
    others = [link for link in links if link.kind == "link"]
    assert any("learn.microsoft.com" in link.url for link in others)


def test_relative_links_resolve_against_base_url(passages: dict[str, list[Passage]]) -> None:
    """``[Istio Day Europe](/blog/2023/istio-at-kubecon-eu/)`` points inside istio.io."""
    links = [link for p in passages["es/2023/istiocon-china"] for link in p.links]
    inside = next(link for link in links if link.text == "Istio Day Europe")
    assert inside.url == "https://istio.io/latest/blog/2023/istio-at-kubecon-eu/"
    assert inside.kind == "link"
    assert all(not link.url.startswith("/") for p in passages.values() for q in p for link in q.links)


def test_a_link_relative_to_the_post_resolves_beside_it(passages: dict[str, list[Passage]]) -> None:
    """The Beijing meetup report links its slides as ``./IstioMeetupChina-….pdf``: files of the post's own folder,
    as a browser resolves them, not of the site's root."""
    post = "zh/2021/istiomeetups-china-report"
    slides = [link for p in passages[post] for link in p.links if link.url.endswith(".pdf")]
    assert slides and all(
        link.url.startswith("https://istio.io/latest/zh/blog/2021/istiomeetups-china-report/IstioMeetupChina-")
        for link in slides)


def test_base_url_is_configurable(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "docs", {"es/2023/istiocon-china.md": DOCS / "es/2023/istiocon-china.md"})
    post = read_post(docs / "es/2023/istiocon-china.md", docs, "https://mirror.example.org/istio/")
    assert post.url == "https://mirror.example.org/istio/es/blog/2023/istiocon-china/"
    links = [link for block in post.blocks for link in block.links]
    assert "https://mirror.example.org/istio/blog/2023/istio-at-kubecon-eu/" in {link.url for link in links}


@pytest.mark.parametrize(
    ("url", "kind", "video", "shown"),
    [
        ("https://youtu.be/abcDEF12345?si=XyZ", "video", "abcDEF12345", "https://youtu.be/abcDEF12345"),
        ("https://www.youtube.com/watch?v=abcDEF12345&si=q&t=42", "video", "abcDEF12345",
         "https://www.youtube.com/watch?v=abcDEF12345&t=42"),
        ("https://www.youtube.com/embed/abcDEF12345", "video", "abcDEF12345", "https://www.youtube.com/embed/abcDEF12345"),
        ("https://sched.co/1HySB", "session", None, "https://sched.co/1HySB"),
        ("/blog/2023/istiocon-china/", "link", None, "https://istio.io/latest/blog/2023/istiocon-china/"),
        ("https://www.youtube.com/@IstioMesh", "link", None, "https://www.youtube.com/@IstioMesh"),
    ],
)
def test_make_link_kinds(url: str, kind: str, video: str | None, shown: str) -> None:
    link = make_link(url, "text", BASE_URL)
    assert (link.kind, link.video_id, link.url) == (kind, video, shown)
    assert youtube_id(url) == video
    if kind == "video":
        assert display_url(url) == shown


def test_block_link_spans_point_at_link_text() -> None:
    blocks = to_blocks("See [the **keynote**](https://youtu.be/abc?si=1) and [agenda](/blog/x/).\n", BASE_URL)
    (block,) = blocks
    assert block.text == "See the keynote and agenda."
    assert [block.text[a:b] for a, b in block.link_spans] == ["the keynote", "agenda"]
    assert [link.url for link in block.links] == ["https://youtu.be/abc", "https://istio.io/latest/blog/x/"]


BROKEN: dict[str, bytes] = {
    "en/2023/bad-yaml.md": b'---\ntitle: "unterminated\ndate: [2023\n---\n\nSome body text here.\n',
    "en/2023/latin1.md": "---\ntitle: Caf\u00e9\n---\n\nCaf\u00e9 con le\u00f1a en la conferencia.\n".encode("latin-1"),
    "en/2023/empty.md": b"",
    "en/2023/no-body.md": b"---\ntitle: Only a title\ndate: 2023-01-01\n---\n\n## A heading only\n",
    "en/2023/no-front-matter.md": b"Just some text without front matter.\n",
}


def test_broken_posts_are_reported_by_name_and_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Bad YAML, not UTF-8, empty, no body: each one is named with a reason; good posts still load."""
    docs = make_docs(
        tmp_path / "docs",
        {"es/2023/istiocon-china.md": DOCS / "es/2023/istiocon-china.md", **BROKEN},
    )
    with caplog.at_level("WARNING"):
        loaded, problems = load_posts(docs, BASE_URL)
    assert [post.id for post in loaded] == ["es/2023/istiocon-china"]
    reasons = {problem.path.name: problem.reason for problem in problems}
    assert set(reasons) == {Path(rel).name for rel in BROKEN}
    assert "YAML" in reasons["bad-yaml.md"]
    assert "UTF-8" in reasons["latin1.md"]
    assert "empty" in reasons["empty.md"]
    assert "body" in reasons["no-body.md"]
    assert "front matter" in reasons["no-front-matter.md"]
    for name in reasons:
        assert name in caplog.text


def test_files_outside_the_layout_are_reported(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "docs", {
        "notes/todo.md": "---\ntitle: x\n---\n\ntext\n",
        "en/todo.md": "---\ntitle: x\n---\n\ntext\n",
    })
    loaded, problems = load_posts(docs, BASE_URL)
    assert loaded == []
    assert [p.path.name for p in problems] == ["todo.md"]
    assert "layout" in problems[0].reason
    corpus = load_corpus(docs, BASE_URL)  # a file in no known folder is reported too, not ignored
    assert sorted(p.path.relative_to(docs).as_posix() for p in corpus.problems) == ["en/todo.md", "notes/todo.md"]


def test_region_language_dirs_are_accepted(tmp_path: Path) -> None:
    """``pt-br`` and ``uk`` posts from the shared corpus load, with the language in their URL."""
    docs = make_docs(
        tmp_path / "docs",
        {
            "pt-br/2020/istiocon-2021.md": corpus_file("pt-br", "2020", "istiocon-2021"),
            "uk/2024/kubecon-na.md": corpus_file("uk", "2024", "kubecon-na"),
        },
    )
    loaded, problems = load_posts(docs, BASE_URL)
    assert problems == []
    by_id = {post.id: post for post in loaded}
    assert set(by_id) == {"pt-br/2020/istiocon-2021", "uk/2024/kubecon-na"}
    assert by_id["pt-br/2020/istiocon-2021"].url == "https://istio.io/latest/pt-br/blog/2020/istiocon-2021/"
    uk = by_id["uk/2024/kubecon-na"]
    assert uk.lang == "uk" and uk.title == "Istio в Солт-Лейк-Сіті!"
    uk_passages = split_post(uk)
    # The image shortcode here has only alt text; it is kept.
    assert "Солт-Лейк-Сіті, Юта" in _text(uk_passages)
    sessions = [link for p in uk_passages for link in p.links if link.kind == "session"]
    assert len(sessions) == 13


def test_every_shared_corpus_post_parses(tmp_path: Path) -> None:
    """Every published post in ../shared/corpus parses in the docs layout (``<lang>/<year>-<slug>.md``)."""
    from support import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("shared corpus not available")
    files = {f"{path.parent.name}/{path.name}": path for path in CORPUS.glob("*/*.md")}
    docs = make_docs(tmp_path / "docs", files)
    loaded, problems = load_posts(docs, BASE_URL)
    assert problems == []
    assert len(loaded) == len(files) > 50
    assert {post.lang for post in loaded} == {"en", "es", "zh", "uk", "pt-br"}
    for post in loaded:
        for passage in split_post(post):
            assert "â€" not in passage.text and "{{<" not in passage.text
