"""Hugo markdown to plain text: shortcodes, links and wrapped CJK lines; the project's one markdown parser.

Markdown itself is parsed by markdown-it-py (CommonMark plus tables): reference links and their definitions,
code spans, fenced (backtick or tilde) and indented code blocks all follow the spec instead of a regex's
guess. Around the parser sit two Hugo-specific passes: shortcodes are replaced before it (an image
shortcode becomes its caption), and wrapped lines are joined after it (no space where either side is a
CJK character).

The output keeps everything a reader would see (link text, image captions) as plain text and records
each link with its position, so later stages can cut text anywhere and still know which links a piece
mentions. :func:`source_layout` gives the sync step where links and code sit in the source, so it can
rewrite a file without disturbing anything else.
"""

from __future__ import annotations

import contextlib
import functools
import html
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:  # the parser is imported when first used: a serving process reads built indexes only
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

LinkKind = Literal["video", "session", "slides", "link"]

_CJK = (
    r"\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
)
CJK_CHAR = re.compile(f"[{_CJK}]")

_SHORTCODE = re.compile(r"\{\{[<%]\s*(/?)\s*([\w./-]+)(.*?)[>%]\}\}", re.DOTALL)
_SHORTCODE_ARG = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_HTML_ANCHOR = re.compile(r"""<a\s[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>""", re.IGNORECASE)
"""An HTML link's opening tag (``<a class="btn" href="https://meet.google.com/…">``): its text is a link."""
_HTML_ANCHOR_CLOSE = re.compile(r"</a\s*>", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_HTML_IFRAME = re.compile(
    r"""<iframe\s[^>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*>(?:\s*</iframe\s*>)?""", re.IGNORECASE
)
"""An embedded player (``<iframe src="https://player.vimeo.com/video/…" title="Vimeo video player">``): shown as a
link, its title the text, so the recording is cited where the post embeds it."""
_HTML_TITLE = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_VIDEO_HOSTS = ("vimeo.com", "player.vimeo.com")
"""Hosts whose links are recordings (besides YouTube's, which carry a video id)."""
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")
"""Emphasis and code markers as the regex parser stripped them (see :class:`_Text`)."""
_ANCHOR = re.compile(r"\s*\{#[^}]*\}\s*$")  # Hugo's {#anchor} after a heading
_CAPTION = "\ue000caption "
"""Marks the paragraph an image shortcode leaves behind (a private-use character: no text contains it)."""
TRACKING_PARAMS = frozenset({"si", "feature", "fbclid", "gclid"})
"""Query parameters that only track a visit (and every ``utm_*``): dropped from every URL."""


def is_tracking(param: str) -> bool:
    """Whether a query parameter only tracks a visit, so dropping it keeps the URL's meaning."""
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
    """Whether a character is CJK: wrapped CJK lines join without a space."""
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


class _Base(NamedTuple):
    """What a post's links resolve against: the site, and the page itself for relative links."""

    site: str
    page: str = ""


def make_link(url: str, text: str, base_url: str, page_url: str = "") -> Link:
    """Classify a link and resolve it against the site (``/blog/...`` becomes ``base_url/blog/...``) or, when
    relative (``./slides.pdf``), against the page that links it, as a browser does."""
    if url.startswith("/"):
        url = base_url.rstrip("/") + url
    elif not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
        with contextlib.suppress(ValueError):
            url = urljoin(page_url.rstrip("/") + "/" if page_url else base_url.rstrip("/") + "/", url)
    video = youtube_id(url)
    if video:
        return Link(url=display_url(url), text=text, kind="video", video_id=video)
    parts = _split(url)
    if parts is not None and parts.netloc.lower().removeprefix("www.") in _VIDEO_HOSTS:
        return Link(url=url, text=text, kind="video")
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
            return f"\n\n{_CAPTION}{caption.strip()}\n\n" if caption.strip() else "\n\n"
        return ""

    return _SHORTCODE.sub(repl, body)


# --- the parser ---------------------------------------------------------------------------------------------------


def _record_links(state: StateCore) -> None:
    """Core rule replacing ``inline``: parse each inline token with itself at hand, so the wrapped ``link``
    and ``backticks`` rules can note on it where links and code spans sit in its text."""
    for token in state.tokens:
        if token.type == "inline":
            token.children = token.children or []
            state.env["_inline"] = token
            state.md.inline.parse(token.content, state.md, state.env, token.children)
    state.env.pop("_inline", None)


def _noting(rule: Any, kind: str) -> Any:
    """Wrap an inline rule so a match (not a look-ahead) records its range in the inline token's meta."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not rule(state, silent):
            return False
        owner = state.env.get("_inline")
        if not silent and owner is not None:
            entry: tuple[Any, ...] = (kind, start, state.pos)
            if kind == "link":
                label_end = state.md.helpers.parseLinkLabel(state, start, True)
                href = next((t.attrs.get("href") for t in reversed(state.tokens) if t.type == "link_open"), "")
                entry = (*entry, label_end, str(href or ""))
            owner.meta.setdefault("ranges", []).append(entry)
        return True

    return wrapped


@functools.cache
def _parser() -> MarkdownIt:
    """CommonMark with tables and raw HTML; URLs are kept exactly as written (no percent-encoding, no
    scheme filter), as the regex parser kept them. A bare ``https://…`` URL is a link too (linkify-it, without
    its fuzzy matching: "Solo.io" and "zhihu.com" stay words), as a browser showing the page makes it one."""
    from markdown_it import MarkdownIt, rules_inline

    md = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(["table", "linkify"]).disable("emphasis")
    if md.linkify is not None:  # linkify-it-py is a dependency (markdown-it-py[linkify])
        md.linkify.set({"fuzzy_link": False, "fuzzy_email": False})
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.normalizeLinkText = lambda link: link  # type: ignore[method-assign]
    md.core.ruler.at("inline", _record_links)
    md.inline.ruler.at("link", _noting(rules_inline.link, "link"))
    md.inline.ruler.at("backticks", _noting(rules_inline.backtick, "code"))
    return md


def _parse(text: str) -> tuple[list[Token], dict[str, Any]]:
    env: dict[str, Any] = {}
    return _parser().parse(text, env), env


# --- rendering ----------------------------------------------------------------------------------------------------


def _separator(before: str, after: str) -> str:
    """What joins two wrapped source lines: nothing where either side is a CJK character, else a space."""
    before, after = before.strip(), after.strip()
    if not before or not after:
        return ""
    return "" if is_cjk(before[-1]) or is_cjk(after[0]) else " "


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


class _Text:
    """Plain text being built, with the links met so far and where their text sits.

    Text arrives with its emphasis markers (the parser's emphasis rule is off) and is made plain a run at a
    time, a run being the text between two link boundaries: :data:`_EMPHASIS` then strips ``*``, ``**``,
    ``__`` and backtick pairs exactly as the regex parser did, so passages read as before (``_x_`` keeps its
    underscores, ``**`` around a link stays, ``**新功能：**您`` loses its asterisks where CommonMark would not).
    """

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending: list[str] = []
        self.links: list[Link] = []
        self.spans: list[tuple[int, int]] = []

    def add(self, text: str) -> None:
        self.pending.append(text)

    def flush(self) -> str:
        """Make the pending run plain and append it; returns it."""
        run = _EMPHASIS.sub(lambda m: m.group(2), "".join(self.pending))
        self.pending = []
        self.parts.append(run)
        self.length += len(run)
        return run

    def link(self, url: str, label_start: int, base: _Base) -> None:
        label = self.flush()
        if not label:
            self.parts.append(url)
            self.length += len(url)
            label = url
        self.links.append(make_link(url, label, base.site, base.page))
        self.spans.append((label_start, label_start + len(label)))

    @property
    def text(self) -> str:
        self.flush()
        return "".join(self.parts)

    def last_char(self) -> str:
        pending = "".join(self.pending)
        return pending[-1:] or ("".join(self.parts)[-1:])


def _render(children: list[Token], raw: str, out: _Text, base: _Base) -> None:
    """Append an inline token's children as plain text: tags dropped, links recorded, wrapped lines joined.

    ``raw`` is the inline source: line breaks join as its source lines do (the CJK rule reads the characters
    written at the end and start of each line, markup included, as it always has).
    """
    raw_lines = raw.split("\n")
    breaks = [_separator(a, b) for a, b in itertools.pairwise(raw_lines)]
    if sum(child.type in {"softbreak", "hardbreak"} for child in children) != len(breaks):
        breaks = []  # a line break inside a code span: fall back to the rendered characters
    link: str | None = None
    for child in children:
        kind = child.type
        if kind == "text":
            out.add(child.content)
        elif kind == "code_inline":
            out.add(f"{child.markup}{child.content}{child.markup}")  # the backticks go in the emphasis pass
        elif kind in {"softbreak", "hardbreak"}:
            out.add(breaks.pop(0) if breaks else "" if is_cjk(out.last_char() or " ") else " ")
        elif kind == "image":
            out.add(child.content)  # the alt text as written
        elif kind == "link_open":
            out.flush()
            link = str(child.attrs.get("href") or "")
            label_start = out.length
        elif kind == "link_close" and link is not None:
            out.link(link, label_start, base)
            link = None
        elif kind == "html_inline" and (anchor := _HTML_ANCHOR.match(child.content)) and link is None:
            out.flush()  # "<a href=…>Join Google Meet</a>" links its text, as a markdown link does
            link = anchor.group(1) if anchor.group(1) is not None else anchor.group(2)
            label_start = out.length
        elif kind == "html_inline" and _HTML_ANCHOR_CLOSE.match(child.content) and link is not None:
            out.link(link, label_start, base)
            link = None
        # other html_inline (tags, comments): no text of its own


def _inline_text(children: list[Token], raw: str, base: _Base) -> tuple[str, list[Link], list[tuple[int, int]]]:
    out = _Text()
    _render(children, raw, out, base)
    return out.text, out.links, out.spans


@dataclass
class _Leaf:
    """One block of source text: a heading, a paragraph, a table, raw HTML or code."""

    kind: Literal["heading", "paragraph", "table", "html", "code", "hr"]
    first_line: int
    inline: Token | None = None
    level: int = 0
    item: bool = False
    """A list item's first paragraph: it starts a new line of the block."""
    rows: list[list[Token]] | None = None
    html: str = ""
    """Raw HTML, or a thematic break's markup."""


def _leaves(tokens: list[Token], lines: list[str]) -> list[_Leaf]:
    leaves: list[_Leaf] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        line = token.map[0] if token.map else (leaves[-1].first_line if leaves else 0)
        if token.type == "heading_open":
            leaves.append(_Leaf("heading", line, tokens[i + 1], level=int(token.tag[1])))
        elif token.type == "paragraph_open":
            item = i > 0 and tokens[i - 1].type == "list_item_open"
            leaves.append(_Leaf("paragraph", line, tokens[i + 1], item=item))
        elif token.type == "table_open":
            rows: list[list[Token]] = []
            while tokens[i].type != "table_close":
                if tokens[i].type == "tr_open":
                    rows.append([])
                elif tokens[i].type == "inline":
                    rows[-1].append(tokens[i])
                i += 1
            leaves.append(_Leaf("table", line, rows=rows))
        elif token.type == "html_block":
            leaves.append(_Leaf("html", line, html=token.content))
        elif token.type in {"fence", "code_block"}:
            leaves.append(_Leaf("code", line))
        elif token.type == "hr":
            leaves.append(_Leaf("hr", line, html=lines[line].strip()))
        i += 1
    return leaves


def _chunks(leaves: list[_Leaf], lines: list[str]) -> list[list[_Leaf]]:
    """Leaves grouped as the text runs between blank lines: each run is one block (a paragraph after a list's
    lead-in line stays with the list). Code never joins a run: it is skipped."""
    chunks: list[list[_Leaf]] = []
    for leaf in leaves:
        starts = leaf.first_line == 0 or not lines[leaf.first_line - 1].strip()
        if leaf.kind == "code":
            chunks.append([])
        elif starts or not chunks:
            chunks.append([leaf])
        else:
            chunks[-1].append(leaf)
    return [chunk for chunk in chunks if chunk]


def _html(leaf: _Leaf, env: dict[str, Any], out: _Text, base: _Base) -> None:
    """Raw HTML as the text it shows (tags and comments dropped), its links and markdown links inside it read; an
    embedded player is a link titled by its ``title``."""
    plain = _HTML_TAG.sub(lambda m: m.group(0) if _HTML_ANCHOR.match(m.group(0)) or _HTML_ANCHOR_CLOSE.match(
        m.group(0)) else "", _HTML_IFRAME.sub(_iframe_anchor, _leaf_raw(leaf))).strip()
    if plain:
        (token,) = _parser().parseInline(plain, env)
        _render(token.children or [], plain, out, base)


def _iframe_anchor(match: re.Match[str]) -> str:
    """An embedded player as an HTML link: its title (else "video") linking to its source."""
    src = html.unescape(match.group(1) or match.group(2) or "").strip()
    title = _HTML_TITLE.search(match.group(0))
    text = html.unescape((title.group(1) or title.group(2) or "") if title else "").strip() or "video"
    return f'<a href="{html.escape(src)}">{html.escape(text, quote=False)}</a>' if src else ""


def _leaf_raw(leaf: _Leaf) -> str:
    """The leaf's source text, lines and all: what the CJK rule reads where two leaves join."""
    if leaf.inline is not None:
        return leaf.inline.content
    if leaf.kind == "html":
        return _join_lines(_HTML_COMMENT.sub("", leaf.html).split("\n"))
    return leaf.html


def _table(leaf: _Leaf, out: _Text, base: _Base) -> None:
    """A table (often a schedule): one line per row, non-empty cells joined with a dash."""
    for r, row in enumerate(leaf.rows or []):
        if r:
            out.add("\n")
        cells = [cell for cell in row if cell.content.strip()]
        for c, cell in enumerate(cells):
            if c:
                out.add(" — ")
            _render(cell.children or [], cell.content, out, base)


def to_blocks(body: str, base_url: str, page_url: str = "") -> list[Block]:
    """Split a post body into headings and paragraphs of plain text; code and link definitions vanish. Links are
    resolved against the site (``base_url``) and, when relative, against the page (``page_url``, if known)."""
    base = _Base(base_url, page_url)
    text = _replace_shortcodes(body.replace("\r\n", "\n"))
    tokens, env = _parse(text)
    blocks: list[Block] = []
    lines = text.split("\n")
    for chunk in _chunks(_leaves(tokens, lines), lines):
        if chunk[0].kind == "heading" and chunk[0].inline is not None:
            heading, _, _ = _inline_text(chunk[0].inline.children or [], chunk[0].inline.content, base)
            blocks.append(Block("heading", _ANCHOR.sub("", heading).strip(), level=chunk[0].level))
            chunk = chunk[1:]
            if not chunk:
                continue
        first = chunk[0]
        if first.inline is not None and first.inline.content.startswith(_CAPTION):
            # Only the caption's own line: the shortcode pass put it alone between blank lines.
            raw = first.inline.content.split("\n")[0].removeprefix(_CAPTION)
            (token,) = _parser().parseInline(raw, env)
            caption, links, spans = _inline_text(token.children or [], raw, base)
            blocks.append(Block("caption", caption, tuple(links), tuple(spans)))
            continue
        block = _text_block(chunk, env, base)
        if block is not None:
            blocks.append(block)
    return blocks


def plain_text(body: str, base_url: str) -> tuple[str, tuple[Link, ...], tuple[tuple[int, int], ...]]:
    """A body's paragraphs as one plain text, a line each, headings left out (a session's abstract, a speaker's
    biography), with its links and where each is written in that text."""
    text = ""
    links: list[Link] = []
    spans: list[tuple[int, int]] = []
    for block in to_blocks(body, base_url):
        if block.kind == "heading":
            continue
        at = len(text) + 1 if text else 0
        text = f"{text}\n{block.text}" if text else block.text
        links += block.links
        spans += [(at + start, at + end) for start, end in block.link_spans]
    lead = len(text) - len(text.lstrip())
    return text.strip(), tuple(links), tuple((start - lead, end - lead) for start, end in spans)


def _text_block(chunk: list[_Leaf], env: dict[str, Any], base: _Base) -> Block | None:
    """A table, a paragraph, or a list (possibly after a lead-in line) with one item per line."""
    out = _Text()
    previous: _Leaf | None = None
    for leaf in chunk:
        if previous is not None:
            out.add("\n" if leaf.item else _separator(_leaf_raw(previous).split("\n")[-1], _leaf_raw(leaf)))
        if leaf.kind == "html":
            _html(leaf, env, out, base)
        elif leaf.kind == "table":
            _table(leaf, out, base)
        elif leaf.inline is not None:
            _render(leaf.inline.children or [], leaf.inline.content, out, base)
        else:  # a thematic break: the regex parser kept its dashes as a paragraph
            out.add(leaf.html)
        previous = leaf
    text = out.text
    if not text.strip():
        return None
    listed = any(leaf.item for leaf in chunk) or all(leaf.kind == "table" for leaf in chunk)
    return Block("list" if listed else "paragraph", text, tuple(out.links), tuple(out.spans))


# --- source positions, for rewriting files --------------------------------------------------------------------


@dataclass(frozen=True)
class SourceLink:
    """An inline or reference link (not an image) in the source: ``line`` (0-based) and the columns of
    ``[text](url)`` in it, the text as written between the brackets, and the URL it points to."""

    line: int
    start: int
    end: int
    text: str
    url: str


@dataclass(frozen=True)
class SourceLayout:
    """Where code and links sit in a markdown body, so it can be rewritten without touching anything else.

    ``code_lines`` are the lines of fenced and indented code blocks; ``code_spans`` are ``(line, start, end)``
    column ranges of inline code; ``links`` are the links that lie on one line (a link wrapped over two
    lines is not listed)."""

    code_lines: frozenset[int]
    code_spans: tuple[tuple[int, int, int], ...]
    links: tuple[SourceLink, ...]


def _line_starts(token: Token, lines: list[str], cursor: dict[int, int]) -> list[tuple[int, int]] | None:
    """Where each line of an inline token's text starts in the source, as ``(line, column)``; None when its
    text cannot be found there as written (a tab expanded into spaces)."""
    if token.map is None:
        return None
    starts = []
    for k, piece in enumerate(token.content.split("\n")):
        number = token.map[0] + k
        if number >= len(lines):
            return None
        source = lines[number]
        if source.endswith(piece):
            column = len(source) - len(piece)
        elif source.rstrip().endswith(piece):
            column = len(source.rstrip()) - len(piece)
        else:
            column = source.find(piece, cursor.get(number, 0))
        if column < 0 or source[column : column + len(piece)] != piece:
            return None
        cursor[number] = column + len(piece)
        starts.append((number, column))
    return starts


def _locate(offset: int, starts: list[tuple[int, int]], offsets: list[int]) -> tuple[int, int]:
    """The source ``(line, column)`` of an offset into an inline token's text."""
    k = max(i for i, start in enumerate(offsets) if start <= offset)
    return starts[k][0], starts[k][1] + offset - offsets[k]


def source_layout(body: str) -> SourceLayout:
    """Locate code blocks, code spans and links in a markdown body (lines split at ``\\n``, ``\\r\\n`` or ``\\r``)."""
    lines = re.split(r"\r\n?|\n", body)
    tokens, _ = _parse("\n".join(lines))
    code: set[int] = set()
    spans: list[tuple[int, int, int]] = []
    links: list[SourceLink] = []
    cursor: dict[int, int] = {}
    for token in tokens:
        if token.type in {"fence", "code_block"} and token.map:
            code.update(range(token.map[0], token.map[1]))
        if token.type != "inline" or not token.meta.get("ranges"):
            continue
        starts = _line_starts(token, lines, cursor)
        if starts is None:
            continue
        offsets = []  # content offset of each line's start
        position = 0
        for piece in token.content.split("\n"):
            offsets.append(position)
            position += len(piece) + 1

        for entry in token.meta["ranges"]:
            (line, start), (end_line, end) = _locate(entry[1], starts, offsets), _locate(entry[2], starts, offsets)
            if entry[0] == "code":
                for number in range(line, end_line + 1):
                    last = end if number == end_line else len(lines[number])
                    spans.append((number, start if number == line else 0, last))
            elif line == end_line and entry[3] > entry[1]:
                links.append(SourceLink(line, start, end, token.content[entry[1] + 1 : entry[3]], entry[4]))
    return SourceLayout(frozenset(code), tuple(spans), tuple(links))
