"""``embeddings.markdown``: the defects of the regex parser, fixed by markdown-it-py, and what must not change."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import DOCS

from embeddings.banners import load_banners, read_banner
from embeddings.markdown import Block, source_layout, to_blocks
from embeddings.sync import clean_markdown, read_markdown

BASE_URL = "https://istio.io/latest"


def _text(body: str) -> list[str]:
    return [block.text for block in to_blocks(body, BASE_URL)]


def _links(block: Block) -> list[tuple[str, str]]:
    return [(link.url, link.text) for link in block.links]


def test_comment_link_definition_vanishes_from_banner(tmp_path: Path) -> None:
    """Defect 1: ``[comment]: <> (…)`` is a link reference definition, not text."""
    path = tmp_path / "notice.md"
    path.write_text(
        "---\ntitle: Notice\nperiod_start: 2021-03-07\nperiod_end: 2021-03-26\n---\n"
        "[comment]: <> (TODO: change periods if needed)\n\n"
        "This is a test banner. [Check Istio page](https://www.istio.io)\n",
        encoding="utf-8",
    )
    banner = read_banner(path, "en", BASE_URL)
    assert banner is not None
    assert banner.text == "This is a test banner. Check Istio page"
    assert [link.url for link in banner.links] == ["https://www.istio.io"]
    assert _text("[comment]: <> (a note)\n[//]: # (another note)\n\nText.\n") == ["Text."]


def test_a_banner_its_comment_marks_as_a_placeholder_is_left_out() -> None:
    """istio.io keeps a test banner ("TODO: Replace placeholder … or remove file"): its text is not news."""
    banners, problems = load_banners(DOCS, BASE_URL)
    files = sorted((DOCS / "banners").glob("*/*.md"))
    placeholders = [path for path in files if path.stem == "test-banner"]
    assert [path.parent.name for path in placeholders] == ["en", "zh"]
    assert all("placeholder" in path.read_text(encoding="utf-8") for path in placeholders)
    assert "test-banner" not in {banner.name for banner in banners} and not problems
    assert len(banners) == len(files) - len(placeholders)  # every other banner is read


def test_link_inside_code_span_stays_code_text() -> None:
    """Defect 2: ``[x](y)`` inside backticks is code, not a link."""
    (block,) = to_blocks("Write `[talk](https://youtu.be/abc)` in the post, see [docs](/docs/).\n", BASE_URL)
    assert block.text == "Write [talk](https://youtu.be/abc) in the post, see docs."
    assert _links(block) == [("https://istio.io/latest/docs/", "docs")]
    start = len("Write [talk](https://youtu.be/abc) in the post, see ")
    assert block.link_spans == ((start, start + 4),)


@pytest.mark.parametrize("body", [
    "Watch [the keynote][kn] now.\n\n[kn]: https://youtu.be/abc?si=x\n",
    "Watch [the keynote][] now.\n\n[The Keynote]: https://youtu.be/abc?si=x \"Title\"\n",
    "Watch [the keynote] now.\n\n[the keynote]: <https://youtu.be/abc?si=x>\n",
])
def test_reference_links_become_links(body: str) -> None:
    """Defect 3: full, collapsed and shortcut reference links read like inline links; definitions vanish."""
    (block,) = to_blocks(body, BASE_URL)
    assert block.text == "Watch the keynote now."
    (link,) = block.links
    assert (link.url, link.text, link.kind, link.video_id) == ("https://youtu.be/abc", "the keynote", "video", "abc")
    assert block.link_spans == ((6, 17),)


def test_relative_reference_link_resolves_against_base_url() -> None:
    (block,) = to_blocks("See [the recap][r].\n\n[r]: /blog/2023/istio-at-kubecon-eu/\n", BASE_URL)
    assert _links(block) == [("https://istio.io/latest/blog/2023/istio-at-kubecon-eu/", "the recap")]


def test_tilde_and_indented_code_blocks_are_skipped_like_backtick_fences() -> None:
    """Defect 4: every kind of code block is skipped, as ``` fences always were."""
    body = (
        "Before.\n\n"
        "```yaml\nbacktick: [a](https://a.example)\n```\n\n"
        "~~~\ntilde: [b](https://b.example)\n\nstill code\n~~~\n\n"
        "    indented: [c](https://c.example)\n\n"
        "After.\n"
    )
    blocks = to_blocks(body, BASE_URL)
    assert [block.text for block in blocks] == ["Before.", "After."]
    assert all(not block.links for block in blocks)


def test_what_the_regex_parser_did_is_kept() -> None:
    """Headings (Hugo anchors dropped), lists after a lead-in, tables, captions, emphasis, CJK joins."""
    body = (
        "## Istio Day {#istio-day}\n"
        "Sessions:\n- **Keynote** by [Lin](https://sched.co/1)\n- *Ambient* mode\n\n"
        "| Time | Talk |\n|---|---|\n| 9:00 | *Welcome*<br>Craig |\n\n"
        '{{< image width="50%" link="./a.png" caption="The [crowd](https://youtu.be/v1)" >}}\n\n'
        "中文第一行\n第二行 and English\nwrapped _kept_ __strong__\n"
    )
    blocks = to_blocks(body, BASE_URL)
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Istio Day"),
        ("list", "Sessions:\nKeynote by Lin\nAmbient mode"),
        ("list", "Time — Talk\n9:00 — WelcomeCraig"),
        ("caption", "The crowd"),
        ("paragraph", "中文第一行第二行 and English wrapped _kept_ strong"),
    ]
    assert [(link.kind, link.text) for link in blocks[1].links] == [("session", "Lin")]
    assert blocks[3].link_spans == ((4, 9),)


def test_source_layout_locates_links_and_code() -> None:
    layout = source_layout("a [x](TBD) `[y](TBD)` b\n~~~\n[z](TBD)\n~~~\n\n    [i](TBD)\n\n  [w][r]\n\n[r]: #\n")
    assert layout.code_lines == {1, 2, 3, 5}
    assert layout.code_spans == ((0, 11, 21),)
    assert [(link.line, link.start, link.end, link.text, link.url) for link in layout.links] == [
        (0, 2, 10, "x", "TBD"),
        (7, 2, 8, "w", "#"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("Use `[link to be added](TBD)` as a placeholder.\n", "Use `[link to be added](TBD)` as a placeholder.\n"),
    ("~~~\n[link to be added](TBD) https://a.b/?si=1\n~~~\n", "~~~\n[link to be added](TBD) https://a.b/?si=1\n~~~\n"),
    ("Text.\n\n    [link to be added](TBD)\n", "Text.\n\n    [link to be added](TBD)\n"),
    ("See [the recap][r] and [TBD][r].\n\n[r]: #\n", "See the recap and .\n\n[r]: #\n"),
])
def test_sync_cleaning_leaves_code_alone_and_reads_reference_links(text: str, expected: str) -> None:
    assert clean_markdown(text) == expected


def test_sync_reads_front_matter_with_python_frontmatter(tmp_path: Path) -> None:
    path = tmp_path / "post.md"
    path.write_text("\ufeff---\ntitle: IstioCon\n---\nBody.\n", encoding="utf-8")
    text, meta, body = read_markdown(path)
    assert meta == {"title": "IstioCon"} and body.strip() == "Body."
    assert clean_markdown(text) == text


def test_a_bare_url_and_an_html_link_are_links_where_they_are_written() -> None:
    body = ('The labs: https://github.com/solo-io/workshops, by Solo.io and zhihu.com.\n\n'
            '<a class="btn" target="_blank" href="https://meet.google.com/abc-defg">Join Google Meet</a>')
    labs, meet = to_blocks(body, BASE_URL)
    assert _links(labs) == [("https://github.com/solo-io/workshops", "https://github.com/solo-io/workshops")]
    start, end = labs.link_spans[0]
    assert labs.text[start:end] == "https://github.com/solo-io/workshops"
    assert "Solo.io and zhihu.com" in labs.text  # a name with a dot is a word, not a link
    assert meet.text == "Join Google Meet"
    assert _links(meet) == [("https://meet.google.com/abc-defg", "Join Google Meet")]
    inline = to_blocks('Register <a href="https://zoom.us/r">here</a> today.', BASE_URL)[0]
    assert inline.text == "Register here today." and _links(inline) == [("https://zoom.us/r", "here")]
    assert inline.text[slice(*inline.link_spans[0])] == "here"


def test_an_embedded_player_is_a_recording_linked_where_the_post_embeds_it() -> None:
    body = ('In this video for Techstrong TV, I talk about the project.\n\n'
            '<iframe width="754" src="https://player.vimeo.com/video/844586107" title="Vimeo video player" '
            'allowfullscreen></iframe>\n\n'
            "<iframe src='https://www.youtube.com/embed/c5baPkXZEMU'></iframe>\n\n"
            '<iframe title="no source"></iframe>')
    blocks = to_blocks(body, BASE_URL)
    vimeo, youtube = blocks[1], blocks[2]
    assert vimeo.text == "Vimeo video player" and [(ln.kind, ln.video_id) for ln in vimeo.links] == [("video", None)]
    assert vimeo.links[0].url == "https://player.vimeo.com/video/844586107"
    assert youtube.text == "video" and youtube.links[0].video_id == "c5baPkXZEMU"
    assert len(blocks) == 3  # a player without a source shows nothing
