"""Documents to passages: a post's paragraphs (section-aware, bounded), a session, a speaker's page, a site
banner or a program's index page whole, an event's cards.

Tiny paragraphs (captions, one-liners) are merged into a neighbour so they do not stand alone; huge
ones are split at sentence ends (CJK punctuation included). Every passage keeps the links its text
mentions, so an answer built from it can show the talk's recording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from embeddings.banners import Banner
from embeddings.events import Event
from embeddings.markdown import CJK_CHAR, Link
from embeddings.posts import Post
from embeddings.program_pages import ProgramPage
from embeddings.sessions import Session
from embeddings.speakers import Profile

DocumentKind = Literal["post", "session", "event", "speaker", "banner", "page"]

MIN_WEIGHT = 160
"""Passages lighter than this are merged with a neighbour in the same section."""
MAX_WEIGHT = 650
"""Paragraphs heavier than this are split at sentence ends into pieces of about TARGET_WEIGHT."""
TARGET_WEIGHT = 420
LIST_PIECE_WEIGHT = 260
"""Lists (session line-ups) are cut finer, a few items per passage, each piece keeping the list's lead-in."""

_ABBREVIATIONS = ("No.", "no.", "vs.", "e.g.", "i.e.", "Mr.", "Ms.", "Dr.", "St.")
_ABBREVIATION = "".join(rf"(?<!\b{re.escape(word)})" for word in _ABBREVIATIONS)
"""A period that ends an abbreviation ("No. 52 Huayuan North Road", "e.g. Envoy") ends no sentence."""
_SENTENCE_END = re.compile(rf"(?<=[.!?…]){_ABBREVIATION}[\"'”’)\]]*\s+(?=\S)|(?<=[。！？；])\s*|\n")


def weight(text: str) -> int:
    """Length in Latin-character equivalents: a CJK character carries about as much as two letters."""
    return len(text) + len(CJK_CHAR.findall(text))


DENSE_CHARS = 700
"""The encoder reads this much of a passage's text (BM25 reads all of it): embedding cost grows with length."""
SESSION_DENSE_CHARS = 400
"""A session's title, event, speakers and the start of its abstract say what it is about."""


@dataclass(frozen=True)
class Passage:
    """A citable piece of one document (a post's paragraphs, a whole session, an event's card).

    ``kind`` says which; a session or event passage carries its typed record, so later stages read
    fields (speakers, recording, dates) instead of parsing text or ids.
    """

    id: str
    doc_id: str
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
    kind: DocumentKind = "post"
    description: str = ""
    """The post's description (its front matter): with the title, it says which event a post is about. A speaker
    page's designation (role and company), which its quote's citation shows."""
    session: Session | None = None
    event: Event | None = None

    @property
    def group(self) -> tuple[str, str]:
        """Translation-group key shared by the language versions of one post."""
        return (self.year, self.slug)

    @property
    def embedding_text(self) -> str:
        """Title and section go with the text: they name the event, which the paragraph often omits."""
        head = f"{self.title} — {self.section}" if self.section else self.title
        return "\n".join(part for part in (head, self.context, self.text) if part)

    @property
    def dense_text(self) -> str:
        """What the encoder embeds: the embedding text, cut at DENSE_CHARS (SESSION_DENSE_CHARS for sessions)."""
        return self.embedding_text[: SESSION_DENSE_CHARS if self.kind == "session" else DENSE_CHARS]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "doc_id": self.doc_id,
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
            "kind": self.kind,
            "description": self.description,
            "session": self.session.to_dict() if self.session else None,
            "event": self.event.to_dict() if self.event else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        nested = {"links", "link_spans", "session", "event"}
        return cls(
            **{k: v for k, v in data.items() if k not in nested},
            links=tuple(Link(url, text, kind, vid) for url, text, kind, vid in data["links"]),
            link_spans=tuple((a, b) for a, b in data["link_spans"]),
            session=Session.from_dict(data["session"]) if data.get("session") else None,
            event=Event.from_dict(data["event"]) if data.get("event") else None,
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
            doc_id=post.id,
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
            description=post.description,
        )
        for position, piece in enumerate(pieces)
        if piece.text
    ]


def _text_language(text: str) -> str:
    """``zh`` when Chinese characters make up much of ``text``, else ``en`` (the programs' other language)."""
    return "zh" if len(CJK_CHAR.findall(text)) * 3 >= len(text.replace(" ", "")) else "en"


def _time_span(session: Session) -> str:
    """When a session ran, as the program stores it (UTC): "2022-04-25 19:50–20:30 UTC", or ""."""
    if not session.start:
        return ""
    span = f"{session.start[:10]} {session.start[11:16]}"
    return f"{span}–{session.end[11:16]} UTC" if session.end[:10] == session.start[:10] else f"{span} UTC"


def session_passage(session: Session) -> Passage:
    """A session is one passage: title, speakers with their roles, format, track and time, then the abstract.

    Its links are the recording (a video), the session page and the slides, so answers and ``videos``
    show them like a post's links, then the links its abstract writes, where it writes them.
    """
    speakers = ", ".join(f"{s.name} ({s.role})" if s.role else s.name for s in session.speakers)
    details = " · ".join(part for part in (session.format, session.track, _time_span(session)) if part)
    lines = [line for line in (speakers, details, session.abstract) if line]
    text = "\n".join(lines)
    links: list[Link] = []
    if session.recording:
        links.append(Link(session.recording, session.title, "video", session.video_id))
    links.append(Link(session.page, session.title, "session"))
    if session.slides:
        links.append(Link(session.slides, session.title, "slides"))
    spans = [(0, 0)] * len(links)
    at = len(text) - len(session.abstract)
    links += session.links
    spans += [(at + start, at + end) for start, end in session.link_spans]
    return Passage(
        id=f"session/{session.id}#0",
        doc_id=f"session/{session.id}",
        lang=_text_language(f"{session.title} {session.abstract}"),
        title=session.title,
        date=session.date,
        url=session.page,
        section=session.event,
        position=0,
        text=text,
        links=tuple(links),
        link_spans=tuple(spans),
        year=session.year,
        slug=f"session-{session.id}",
        kind="session",
        session=session,
    )


def event_passages(event: Event, describe: dict[str, str]) -> list[Passage]:
    """One passage per language in ``describe`` (language → the event's card text in it).

    The versions are translations of each other (one group), so an answer shows the card once, in the
    asker's language.
    """
    links = tuple(Link(link.url, link.role, "link") for link in event.links)
    passages = []
    for lang, text in describe.items():
        passages.append(Passage(
            id=f"event/{event.key}/{lang}#0",
            doc_id=f"event/{event.key}/{lang}",
            lang=lang,
            title=event.name,
            date=event.start,
            url=event.url(lang),
            section="",
            position=0,
            text=text,
            links=links,
            link_spans=tuple((0, 0) for _ in links),
            year=event.year,
            slug=f"event-{event.key}",
            kind="event",
            event=event,
        ))
    return passages


def speaker_passage(profile: Profile, talks: list[Session]) -> Passage | None:
    """A speaker page is one passage: designation, biography, then the titles of the speaker's talks at that
    program (which tie the person to the talks). None when the page has no biography: its name and
    designation are in each of the speaker's sessions already."""
    if not profile.bio:
        return None
    titles = "; ".join(talk.title for talk in talks)
    event = talks[0].event if talks else ""
    lines = [line for line in (profile.role, profile.bio, f"{event}: {titles}" if titles else "") if line]
    link = Link(profile.page, profile.name, "link")
    return Passage(
        id=f"speaker/{profile.id}#0",
        doc_id=f"speaker/{profile.id}",
        lang=_text_language(profile.bio),
        title=profile.name,
        date="",
        url=profile.page,
        section=event,
        position=0,
        text="\n".join(lines),
        links=(link,),
        link_spans=((0, 0),),
        year=talks[0].year if talks else "",
        slug=f"speaker-{profile.id}",
        kind="speaker",
        description=profile.role,
    )


_SHOWN = {"en": "Shown on istio.io from {start} to {end}.", "es": "Se mostró en istio.io del {start} al {end}.",
          "zh": "在 istio.io 上展示：{start} 至 {end}。"}
"""The banner's period, in the banner's language (English for languages without a wording here)."""


def banner_passage(banner: Banner) -> Passage | None:
    """A site banner is one passage: its title and text, then when istio.io showed it (its period). Its
    language versions are translations of each other (one group, like a post's). None for a banner that
    was never dated (the latest-release banner, whose text is filled in by the site)."""
    if not banner.start:
        return None
    lines = [banner.title, banner.text]
    if banner.start and banner.end:
        lines.append(_SHOWN.get(banner.lang, _SHOWN["en"]).format(start=banner.start, end=banner.end))
    text = "\n".join(line for line in lines if line)
    return Passage(
        id=f"banner/{banner.id}#0",
        doc_id=f"banner/{banner.id}",
        lang=banner.lang,
        title=banner.title,
        date=banner.start,
        url=banner.links[0].url if banner.links else banner.site,
        section="",
        position=0,
        text=text,
        links=banner.links,
        link_spans=tuple((0, 0) for _ in banner.links),
        year=banner.start[:4],
        slug=f"banner-{banner.name}",
        kind="banner",
    )


def program_page_passage(page: ProgramPage) -> Passage:
    """A program's index page is one passage (a few lines): its text with the links it writes, under the
    program's event (the section), like a speaker page."""
    return Passage(
        id=f"page/{page.id}#0",
        doc_id=f"page/{page.id}",
        lang=_text_language(page.text),
        title=page.title,
        date="",
        url=page.page,
        section=page.event,
        position=0,
        text=page.text,
        links=page.links,
        link_spans=page.link_spans,
        year=page.year,
        slug=f"page-{page.id.replace('/', '-')}",
        kind="page",
    )
