"""Posts to passages: section-aware, paragraph-sized, bounded.

Tiny paragraphs (captions, one-liners) are merged into a neighbour so they do not stand alone; huge
ones are split at sentence ends (CJK punctuation included). Every passage keeps the links its text
mentions, so an answer built from it can show the talk's recording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from embeddings.markdown import CJK_CHAR, Link
from embeddings.posts import Post

MIN_WEIGHT = 160
"""Passages lighter than this are merged with a neighbour in the same section."""
MAX_WEIGHT = 650
"""Paragraphs heavier than this are split at sentence ends into pieces of about TARGET_WEIGHT."""
TARGET_WEIGHT = 420
LIST_PIECE_WEIGHT = 260
"""Lists (session line-ups) are cut finer, a few items per passage, each piece keeping the list's lead-in."""

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=\S)|(?<=[。！？；])\s*|\n")


def weight(text: str) -> int:
    """Length in Latin-character equivalents: a CJK character carries about as much as two letters."""
    return len(text) + len(CJK_CHAR.findall(text))


@dataclass(frozen=True)
class Passage:
    """A citable piece of one post: what gets embedded, searched and quoted."""

    id: str
    post_id: str
    lang: str
    title: str
    date: str
    url: str
    section: str
    position: int
    text: str
    links: tuple[Link, ...] = ()
    link_spans: tuple[tuple[int, int], ...] = ()
    year: str = ""
    slug: str = ""
    context: str = ""
    """Text that situates the passage (a list's lead-in line) without being quoted: embedded, not shown."""

    @property
    def group(self) -> tuple[str, str]:
        """Translation-group key shared by the language versions of one post."""
        return (self.year, self.slug)

    @property
    def embedding_text(self) -> str:
        """Title and section go with the text: they name the event, which the paragraph often omits."""
        head = f"{self.title} — {self.section}" if self.section else self.title
        return "\n".join(part for part in (head, self.context, self.text) if part)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "post_id": self.post_id,
            "lang": self.lang,
            "title": self.title,
            "date": self.date,
            "url": self.url,
            "section": self.section,
            "position": self.position,
            "text": self.text,
            "links": [[link.url, link.text, link.kind, link.video_id] for link in self.links],
            "link_spans": [list(span) for span in self.link_spans],
            "year": self.year,
            "slug": self.slug,
            "context": self.context,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        return cls(
            **{k: v for k, v in data.items() if k not in {"links", "link_spans"}},
            links=tuple(Link(url, text, kind, vid) for url, text, kind, vid in data["links"]),
            link_spans=tuple((a, b) for a, b in data["link_spans"]),
        )


@dataclass
class _Unit:
    """Text with links, before it becomes a passage."""

    section: str
    text: str
    links: list[Link]
    spans: list[tuple[int, int]]
    is_list: bool = False
    context: str = ""

    def extend(self, other: _Unit, sep: str = "\n") -> None:
        shift = len(self.text) + len(sep)
        self.text += sep + other.text
        self.links += other.links
        self.spans += [(a + shift, b + shift) for a, b in other.spans]

    def cut(self, start: int, end: int) -> _Unit:
        keep = [(link, (a, b)) for link, (a, b) in zip(self.links, self.spans, strict=True) if start <= a < end]
        piece = self.text[start:end]
        lead = len(piece) - len(piece.lstrip())
        return _Unit(
            self.section,
            piece.strip(),
            [link for link, _ in keep],
            [(max(a - start - lead, 0), min(b, end) - start - lead) for _, (a, b) in keep],
            self.is_list,
            self.context,
        )


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Character ranges of the sentences (and list lines) of ``text``."""
    bounds = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.end() > start and text[start : match.start()].strip():
            bounds.append((start, match.end()))
            start = match.end()
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


def _split_list(unit: _Unit) -> list[_Unit]:
    """A few list items per piece; every piece after the first carries the lead-in line as context."""
    bounds = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", unit.text)]
    first = unit.text[: bounds[0][1]].strip() if bounds else ""
    lead_in = first if first.endswith((":", "：")) else ""
    pieces: list[tuple[int, int]] = []
    for start, end in bounds:
        if pieces and (
            weight(unit.text[pieces[-1][0] : end]) <= LIST_PIECE_WEIGHT
            or weight(unit.text[pieces[-1][0] : pieces[-1][1]]) < MIN_WEIGHT
        ):
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    if len(pieces) > 1 and weight(unit.text[pieces[-1][0] : pieces[-1][1]]) < MIN_WEIGHT:
        pieces[-2:] = [(pieces[-2][0], pieces[-1][1])]
    out = [unit.cut(a, b) for a, b in pieces]
    for piece in out[1:]:
        piece.context = lead_in.strip()
    return out


def _split(unit: _Unit) -> list[_Unit]:
    """Split a heavy unit into pieces of whole sentences, each about TARGET_WEIGHT."""
    if unit.is_list and weight(unit.text) > LIST_PIECE_WEIGHT * 1.5:
        return _split_list(unit)
    if weight(unit.text) <= MAX_WEIGHT:
        return [unit]
    pieces = _sentence_pieces(unit.text)
    # A short tail (often an image caption) belongs with the piece before it.
    if (
        len(pieces) > 1
        and weight(unit.text[pieces[-1][0] : pieces[-1][1]]) < MIN_WEIGHT
        and weight(unit.text[pieces[-2][0] : pieces[-1][1]]) <= MAX_WEIGHT
    ):
        pieces[-2:] = [(pieces[-2][0], pieces[-1][1])]
    return [unit.cut(a, b) for a, b in pieces]


def _sentence_pieces(text: str) -> list[tuple[int, int]]:
    """Ranges of whole sentences of about TARGET_WEIGHT; an over-long sentence is cut at spaces."""
    pieces: list[tuple[int, int]] = []
    for start, end in sentence_bounds(text):
        sentence = text[start:end]
        if pieces and weight(text[pieces[-1][0] : end]) <= TARGET_WEIGHT:
            pieces[-1] = (pieces[-1][0], end)
        elif weight(sentence) > MAX_WEIGHT:
            # One very long sentence: cut it at spaces (or anywhere, for CJK) into bounded pieces.
            step = MAX_WEIGHT if not CJK_CHAR.search(sentence) else MAX_WEIGHT // 2
            cut = start
            while cut < end:
                stop = min(cut + step, end)
                space = text.rfind(" ", cut + step // 2, stop) if stop < end else -1
                stop = space if space > cut else stop
                pieces.append((cut, stop))
                cut = stop
        else:
            pieces.append((start, end))
    return pieces


def _units(post: Post) -> list[_Unit]:
    units: list[_Unit] = []
    section = ""
    for block in post.blocks:
        if block.kind == "heading":
            section = block.text
            continue
        unit = _Unit(section, block.text, list(block.links), list(block.link_spans), block.kind == "list")
        if block.kind == "caption" and units and units[-1].section == section:
            units[-1].extend(unit, sep=" \n")
        else:
            units.append(unit)
    return units


def _fits(unit: _Unit, other: _Unit) -> bool:
    """Can ``other`` join ``unit``: the two fit in one passage, or ``unit`` will be split anyway."""
    return weight(unit.text) + weight(other.text) <= MAX_WEIGHT or weight(unit.text) > MAX_WEIGHT


def _merge_tiny(units: list[_Unit]) -> list[_Unit]:
    merged: list[_Unit] = []
    pending: _Unit | None = None
    for unit in units:
        if pending is not None:
            if pending.section == unit.section:
                pending.extend(unit)
                unit = pending
            elif merged and merged[-1].section == pending.section and _fits(merged[-1], pending):
                merged[-1].extend(pending)  # the last paragraph of its section: merge it backwards
            else:
                merged.append(pending)
            pending = None
        if weight(unit.text) < MIN_WEIGHT:
            pending = unit
        else:
            merged.append(unit)
    if pending is not None:
        if merged and merged[-1].section == pending.section and _fits(merged[-1], pending):
            merged[-1].extend(pending)
        else:
            merged.append(pending)
    return merged


def split_post(post: Post) -> list[Passage]:
    """The passages of one post, in reading order."""
    pieces = [piece for unit in _merge_tiny(_units(post)) for piece in _split(unit)]
    return [
        Passage(
            id=f"{post.id}#{position}",
            post_id=post.id,
            lang=post.lang,
            title=post.title,
            date=post.date,
            url=post.url,
            section=piece.section,
            position=position,
            text=piece.text,
            links=tuple(piece.links),
            link_spans=tuple(piece.spans),
            year=post.year,
            slug=post.slug,
            context=piece.context,
        )
        for position, piece in enumerate(pieces)
        if piece.text
    ]
