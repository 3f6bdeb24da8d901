"""Hugo markdown to plain text: shortcodes, links and wrapped CJK lines.

The output keeps everything a reader would see (link text, image captions) as plain text and records
each link with its position, so later stages can cut text anywhere and still know which links a piece
mentions.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

LinkKind = Literal["video", "session", "slides", "link"]

_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
CJK_CHAR = re.compile(f"[{_CJK}]")

_SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w./-]+)(.*?)[>%]\}\}", re.DOTALL)
_SHORTCODE_ARG = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{#[^}]*\})?\s*#*\s*$")  # drops Hugo's {#anchor}
_LIST_ITEM = re.compile(r"^\s*(?:[*+-]|\d+[.)])\s+")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
# [text](url "title") with one level of nested brackets allowed in the text.
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
TRACKING_PARAMS = frozenset({"si", "feature", "fbclid", "gclid"})
"""Query parameters that only track a visit (and every ``utm_*``): dropped from every URL."""


def is_tracking(param: str) -> bool:
    return param.startswith("utm_") or param in TRACKING_PARAMS


@dataclass(frozen=True)
class Link:
    """A link: ``kind`` is ``video`` (YouTube), ``session`` (a talk's page), ``slides`` or ``link``."""

    url: str
    text: str
    kind: LinkKind
    video_id: str | None = None


@dataclass(frozen=True)
class Block:
    """A heading or a paragraph (a list, a caption, or running text) as plain text plus its links.

    ``link_spans`` gives, for each link, the character range of its text inside ``text``.
    """

    kind: Literal["heading", "paragraph", "caption", "list"]
    text: str
    links: tuple[Link, ...] = ()
    link_spans: tuple[tuple[int, int], ...] = ()
    level: int = 0


def is_cjk(char: str) -> bool:
    return bool(CJK_CHAR.match(char))


def _split(url: str) -> SplitResult | None:
    """The URL's parts, or None for a malformed one (``http://[bad``): it stays plain text, never an error."""
    try:
        return urlsplit(url)
    except ValueError:
        return None


def display_url(url: str) -> str:
    """The URL without tracking parameters (YouTube's ``si``, ``utm_*``), for showing and comparing."""
    parts = _split(url)
    if parts is None:
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    return urlunsplit(parts._replace(query=urlencode(query)))


def youtube_id(url: str) -> str | None:
    """The video id of a youtu.be / youtube.com URL, or None for any other (or a malformed) URL."""
    parts = _split(url)
    if parts is None:
        return None
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host == "youtu.be":
        return parts.path.strip("/").split("/")[0] or None
    if host.endswith("youtube.com"):
        if parts.path.startswith(("/embed/", "/shorts/", "/live/", "/v/")):
            return parts.path.split("/")[2] or None
        return dict(parse_qsl(parts.query)).get("v")
    return None


def make_link(url: str, text: str, base_url: str) -> Link:
    """Classify a link and resolve it against the site (``/blog/...`` becomes ``base_url/blog/...``)."""
    if url.startswith("/"):
        url = base_url.rstrip("/") + url
    elif not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
        with contextlib.suppress(ValueError):
            url = urljoin(base_url.rstrip("/") + "/", url)
    video = youtube_id(url)
    if video:
        return Link(url=display_url(url), text=text, kind="video", video_id=video)
    parts = _split(url)
    if parts is not None and parts.netloc.lower().removeprefix("www.") == "sched.co":
        return Link(url=url, text=text, kind="session")
    return Link(url=url, text=text, kind="link")


def _shortcode_args(raw: str) -> dict[str, str]:
    return {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _SHORTCODE_ARG.finditer(raw)}


def _replace_shortcodes(body: str) -> str:
    """Image shortcodes become their caption (or alt text) as a paragraph; other shortcodes vanish.

    Paired shortcodes (``{{< tip >}}…{{< /tip >}}``) keep their inner text.
    """

    def repl(match: re.Match[str]) -> str:
        closing, name, raw = match.group(1), match.group(2), match.group(3)
        if not closing and name in {"image", "figure", "img"}:
            args = _shortcode_args(raw)
            caption = args.get("caption") or args.get("alt") or args.get("title") or ""
            return f"\n\n\x00caption {caption.strip()}\n\n" if caption.strip() else "\n\n"
        return ""

    return _SHORTCODE.sub(repl, body)


def _join_lines(lines: list[str]) -> str:
    """Join the wrapped lines of one paragraph: no space where either side is a CJK character."""
    out = ""
    for line in (raw.strip() for raw in lines):
        if not line:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(line[0])):
            out += " "
        out += line
    return out


def _inline(text: str, base_url: str) -> tuple[str, list[Link], list[tuple[int, int]]]:
    """Render inline markdown to plain text, collecting links and where their text sits."""
    text = _IMAGE.sub(lambda m: m.group(1), text)
    text = _AUTOLINK.sub(lambda m: f"[{m.group(1)}]({m.group(1)})", text)
    out: list[str] = []
    links: list[Link] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    length = 0
    for match in _LINK.finditer(text):
        before = _plain(text[pos : match.start()])
        out.append(before)
        length += len(before)
        label = _plain(match.group(1)) or match.group(2)
        links.append(make_link(match.group(2), label, base_url))
        spans.append((length, length + len(label)))
        out.append(label)
        length += len(label)
        pos = match.end()
    out.append(_plain(text[pos:]))
    return "".join(out), links, spans


def _plain(text: str) -> str:
    text = _HTML_TAG.sub("", text)
    text = _EMPHASIS.sub(lambda m: m.group(2), text)
    return text.replace("\\", "")


def to_blocks(body: str, base_url: str) -> list[Block]:
    """Split a post body into headings and paragraphs of plain text."""
    body = _HTML_COMMENT.sub("", _replace_shortcodes(body.replace("\r\n", "\n")))
    blocks: list[Block] = []
    in_code = False
    for chunk in re.split(r"\n\s*\n", body):
        lines = [line for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0].lstrip().startswith("```") or in_code:
            # Code blocks carry no event facts; skip them (and keep track across blank lines).
            fences = sum(line.lstrip().startswith("```") for line in lines)
            in_code = in_code != (fences % 2 == 1)
            continue
        heading = _HEADING.match(lines[0])
        if heading:
            text, _, _ = _inline(heading.group(2), base_url)
            blocks.append(Block("heading", text.strip(), level=len(heading.group(1))))
            lines = lines[1:]
            if not lines:
                continue
        if all(line.lstrip().startswith("|") for line in lines):
            # A table (often a schedule): one line per row, cells joined, the |---| rule dropped.
            rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]
            rows = [row for row in rows if not all(re.fullmatch(r":?-{2,}:?", c) for c in row if c)]
            raw = "\n".join(" — ".join(c for c in row if c) for row in rows)
            text, links, spans = _inline(raw, base_url)
            if text.strip():
                blocks.append(Block("list", text, tuple(links), tuple(spans)))
            continue
        if lines[0].startswith("\x00caption "):
            caption = _join_lines([lines[0].removeprefix("\x00caption ")])
            text, links, spans = _inline(caption, base_url)
            blocks.append(Block("caption", text, tuple(links), tuple(spans)))
            continue
        # A list (possibly after an introductory line) keeps one item per line; other text is joined.
        items: list[list[str]] = []
        for line in lines:
            if _LIST_ITEM.match(line) or not items:
                items.append([_LIST_ITEM.sub("", line)])
            else:
                items[-1].append(line.lstrip("> "))
        kind: Literal["list", "paragraph"] = "list" if any(_LIST_ITEM.match(line) for line in lines) else "paragraph"
        raw = "\n".join(_join_lines(item) for item in items)
        text, links, spans = _inline(raw, base_url)
        if text.strip():
            blocks.append(Block(kind, text, tuple(links), tuple(spans)))
    return blocks
