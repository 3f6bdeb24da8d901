"""Refresh ``docs/`` from local checkouts of istio.io and of events.istio.io (``softwareguru/istio-events``).

``istio-events-bot sync --istio-io PATH [--programs PATH]`` plans every copy first (:func:`plan_sync`), so a
dry run prints exactly what a real run would do, then writes (:func:`apply_sync`); the CLI then updates the
index, which re-embeds only the passages whose text changed.

Where files come from and go (the ``docs/`` layout):

- blog posts: ``<istio.io>/content/<lang>/blog/<year>/<slug>/index.md`` -> ``docs/<lang>/<year>/<slug>.md``.
  Section pages (``blog/_index.md``, ``blog/<year>/_index.md``) are ignored; any other ``.md`` under ``blog/``
  (an ``_index.md`` or a stray draft inside a post folder, a file outside the ``<year>/<slug>/`` layout) is
  skipped and reported.
- site banners: ``<istio.io>/content/<lang>/events/banners/*.md`` -> ``docs/banners/<lang>/<name>.md``.
- event programs: ``<programs>/<year>/content/{sessions,schedule}/*.md``, ``.../speakers/_index.md`` and
  ``.../speakers/<slug>/_index.md`` -> ``docs/programs/<site>/`` with the same relative path, where ``<site>``
  is the last path segment of ``baseURL`` in ``<programs>/<year>/config.toml`` (``istiocon-<year>`` when that
  is missing or unusable).

The rule (why a file is copied, skipped or left alone):

1. Every file must be readable UTF-8 whose front matter, if it has one, is a YAML mapping; otherwise it is
   skipped with the reason. Bad input never stops the run.
2. A blog post also needs front matter with a ``title``, and must be *event-related*: its ``title``,
   ``description`` or ``keywords`` mention an event word (:data:`EVENT_WORDS`: IstioCon, Istio Day/IstioDay,
   KubeCon, CloudNativeCon, meetup, conference, summit, Twitch, webinar, workshop, co-located; 大会, 峰会, 活动,
   见面会; conferencia, evento; case-insensitive, anywhere in the text), or its body mentions IstioCon, Istio
   Day or KubeCon at least twice (:data:`BODY_EVENT_NAMES`), which keeps posts about something else that
   carry event facts (CNCF acceptance and graduation, a birthday with a meetup). Other posts are skipped as
   "not event-related": the bot answers questions about events, and unrelated posts only dilute retrieval.
3. Banners and program files are all copied: they are small, and a non-event banner is harmless.
4. Every copied file is cleaned by :func:`clean_markdown` (and nothing else changes, byte for byte; front
   matter is kept as is): a markdown link whose text is a placeholder ("link to be added", "TBD", "TODO")
   disappears; a link whose URL is a placeholder (those words, ``#`` or empty) becomes its plain text; and
   tracking query parameters (:data:`TRACKING_PARAMS`: ``utm_*``, ``si``, ``fbclid``, ``gclid``,
   ``feature``) are removed from URLs. Code (fenced and indented blocks, code spans) is left alone. Where the
   links and the code are comes from the project's markdown parser (:func:`embeddings.markdown.source_layout`),
   the same one that reads the files for the index; front matter is found and read by python-frontmatter.
5. A cleaned file equal to its copy in ``docs/`` is "unchanged", a new one is "added", a different one
   "changed". Nothing is ever deleted from ``docs/``: a file in a synced area (posts, banners, and programs
   when ``--programs`` is given) that no source maps to is reported as "only in docs", for information.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import frontmatter
import yaml

from embeddings.docs_journal import apply_files
from embeddings.markdown import SourceLayout, SourceLink, is_tracking, source_layout
from embeddings.posts import LANG_DIR
from embeddings.text_patterns import YEAR

ADDED = "added"
CHANGED = "changed"
UNCHANGED = "unchanged"
SKIPPED = "skipped"
ONLY_IN_DOCS = "only in docs"
ACTIONS = (ADDED, CHANGED, UNCHANGED, SKIPPED, ONLY_IN_DOCS)

EVENT_WORDS = re.compile(
    r"istio\s*-?\s*con|istio\s*-?\s*day|kubecon|cloudnativecon|meet\s*-?\s*up|conference|summit|twitch|webinar"
    r"|workshop|co-?\s*located|大会|峰会|活动|见面会|conferencia|evento",
    re.IGNORECASE,
)
"""Words in a post's title, description or keywords that make it event-related."""

BODY_EVENT_NAMES = re.compile(r"istio\s*-?\s*con|istio\s*-?\s*day|kubecon", re.IGNORECASE)
"""Event names counted in a post's body; :data:`BODY_MENTIONS` of them make the post event-related."""
BODY_MENTIONS = 2

PLACEHOLDERS = frozenset({"link to be added", "tbd", "todo"})
"""Link texts (and URLs) that mean "no real link yet"; ``#`` and an empty URL are placeholders too."""


SITE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

URL = re.compile(r"https?://[^\s<>()\[\]\"'`]*[^\s<>()\[\]\"'`.,;:!?*]")
"""A URL in text; trailing sentence punctuation is not part of it (``_`` is: tracking ids end with it)."""


class SyncSourceError(Exception):
    """A source checkout is missing or is not laid out as expected; the message says which and why."""


@dataclass
class SyncItem:
    """One file's fate: ``target`` is relative to docs/, ``source`` relative to its checkout (POSIX paths)."""

    action: str
    target: str | None
    source: str | None
    reason: str = ""
    content: bytes | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, str | None]:
        return {"action": self.action, "target": self.target, "source": self.source, "reason": self.reason}


@dataclass
class SyncReport:
    """The plan of a sync: what each source file becomes in ``docs``, in source order."""

    docs: Path
    items: list[SyncItem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(item.action for item in self.items)
        return {action: counted.get(action, 0) for action in ACTIONS}

    @property
    def writes(self) -> list[SyncItem]:
        """The items :func:`apply_sync` writes (added and changed files)."""
        return [item for item in self.items if item.action in (ADDED, CHANGED)]

    def summary(self) -> str:
        c = self.counts()
        return f"sync: {c[ADDED]} added, {c[CHANGED]} changed, {c[UNCHANGED]} unchanged, {c[SKIPPED]} skipped"

    def lines(self, docs_label: str | None = None) -> list[str]:
        """The text report: one line per added, changed, skipped and only-in-docs file, then the summary."""
        label = docs_label if docs_label is not None else display_path(self.docs)
        out: list[str] = []
        for item in self.items:
            target = f"{label}/{item.target}" if item.target else ""
            if item.action in (ADDED, CHANGED):
                out.append(f"{item.action} {target}")
            elif item.action == SKIPPED:
                out.append(f"skipped {item.source}: {item.reason}")
            elif item.action == ONLY_IN_DOCS:
                out.append(f"only in docs: {target}")
        out.append(self.summary())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "docs": str(self.docs),
            "items": [item.to_dict() for item in self.items],
            "counts": self.counts(),
        }


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is under it (``docs``), else as given."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


# --- cleaning -------------------------------------------------------------------------------------------------


def _is_placeholder(value: str) -> bool:
    return value.strip().strip("<>").strip().lower() in PLACEHOLDERS


def _is_tracking(param: str) -> bool:
    return is_tracking(param.split("=", 1)[0].removeprefix("amp;").lower())


def strip_tracking(url: str) -> str:
    """``url`` without tracking query parameters; the rest of it (order, encoding, fragment) is kept."""
    head, hash_, fragment = url.partition("#")
    base, question, query = head.partition("?")
    if not question:
        return url
    separator = "&amp;" if "&amp;" in query else "&"
    params = query.split(separator)
    kept = [param for param in params if not _is_tracking(param)]
    if len(kept) == len(params):
        return url
    rebuilt = base + ("?" + separator.join(kept) if kept else "")
    return rebuilt + hash_ + fragment


def _link_edit(link: SourceLink) -> str | None:
    """What a placeholder link becomes ("" or its text as written), or None for a real link (kept)."""
    if _is_placeholder(link.text):
        return ""
    bare = link.url.strip("<>").strip()
    if not bare or bare == "#" or _is_placeholder(bare):
        return link.text
    return None


def _strip_urls(text: str) -> str:
    return URL.sub(lambda m: strip_tracking(m.group(0)), text)


def _clean_line(line: str, number: int, layout: SourceLayout) -> str:
    """One source line cleaned: placeholder links dropped, tracking parameters removed outside code spans."""
    ending = line[len(line.rstrip("\r\n")):]
    body = line[: len(line) - len(ending)]
    edits = [
        (link.start, link.end, _strip_urls(edit))
        for link in layout.links if link.line == number and (edit := _link_edit(link)) is not None
    ]
    fixed = [(a, b) for a, b, _ in edits] + [(a, b) for n, a, b in layout.code_spans if n == number]
    for match in URL.finditer(body):
        if not any(a < match.end() and match.start() < b for a, b in fixed):
            edits.append((match.start(), match.end(), strip_tracking(match.group(0))))
    cleaned = body
    for start, end, replacement in sorted(edits, reverse=True):
        cleaned = cleaned[:start] + replacement + cleaned[end:]
    placeholders = any(link.line == number and _link_edit(link) is not None for link in layout.links)
    if placeholders and cleaned.rstrip() != cleaned and body.rstrip() == body:
        # A placeholder link removed from the end of a line must not leave trailing spaces behind (which
        # markdown would read as a hard line break).
        cleaned = cleaned.rstrip()
    return cleaned + ending


_FRONT_MATTER = frontmatter.YAMLHandler()


def _front_matter(text: str) -> tuple[str, str | None, str]:
    """``(front matter block with its fences, its YAML or None, rest)``, found by python-frontmatter.

    A byte-order mark stays with the block, and the block is exactly the text before the body, so
    ``block + rest == text``."""
    bare = text.removeprefix("\ufeff")
    if not _FRONT_MATTER.detect(bare.lstrip()):
        return "", None, text
    try:
        fm, content = _FRONT_MATTER.split(bare)
    except ValueError:  # no closing fence
        return "", None, text
    return text[: len(text) - len(content)], fm, content


def split_front_matter(text: str) -> tuple[str, str]:
    """``(front matter block with its fences, rest)``; the block is ``""`` when the text has none."""
    front, _, body = _front_matter(text)
    return front, body


def clean_markdown(text: str) -> str:
    """Drop placeholder links and tracking parameters from the body; the front matter is returned untouched.

    Placeholder links are noise in an answer ("link to be added") and tracking parameters make the same
    recording look like different URLs; nothing else is changed, so cleaned files stay diffable with the source.
    """
    front, body = split_front_matter(text)
    layout = source_layout(body)
    lines = re.split(r"(?<=\r\n)|(?<=\r)(?!\n)|(?<=\n)", body)  # as the parser counts lines
    return front + "".join(
        line if number in layout.code_lines else _clean_line(line, number, layout)
        for number, line in enumerate(lines)
    )


# --- reading and classifying -----------------------------------------------------------------------------------


class SourceProblem(ValueError):
    """A source file cannot be copied; the message is the report's reason."""


def read_markdown(path: Path) -> tuple[str, dict[str, Any], str]:
    """``(text, front matter, body)`` of a source file; :class:`SourceProblem` says why it cannot be used."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceProblem(f"unreadable ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceProblem(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    _, fm, body = _front_matter(text)
    if fm is None:
        return text, {}, body
    try:
        meta = _FRONT_MATTER.load(fm)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceProblem(f"bad YAML front matter ({first})") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise SourceProblem(f"front matter is not a mapping (a {type(meta).__name__})")
    return text, meta, body


def _meta_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set):
        return " ".join(_meta_text(item) for item in value)
    return "" if value is None else str(value)


def is_event_post(meta: Mapping[str, Any], body: str) -> bool:
    """Whether a blog post is about an event (the rule in the module docstring)."""
    described = " ".join(_meta_text(meta.get(key)) for key in ("title", "description", "keywords"))
    if EVENT_WORDS.search(described):
        return True
    return len(BODY_EVENT_NAMES.findall(body)) >= BODY_MENTIONS


def post_problem(meta: Mapping[str, Any], body: str) -> str | None:
    """Why a readable blog post is not copied, or ``None`` when it is."""
    if not meta:
        return "no front matter"
    if not _meta_text(meta.get("title")).strip():
        return "front matter has no title"
    if not is_event_post(meta, body):
        return "not event-related"
    return None


# --- planning ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A source file and where it would go; ``problem`` is set when it is known to be skipped already."""

    source: Path
    source_label: str
    target: str | None
    kind: str
    problem: str | None = None


def _dirs(path: Path) -> list[Path]:
    try:
        return sorted(child for child in path.iterdir() if child.is_dir() and not child.name.startswith("."))
    except OSError:
        return []


def _md_files(path: Path) -> list[Path]:
    try:
        return sorted(child for child in path.iterdir() if child.is_file() and child.suffix.lower() == ".md")
    except OSError:
        return []


def _istio_io_candidates(root: Path) -> Iterator[_Candidate]:
    content = root / "content"
    for lang_dir in _dirs(content):
        lang = lang_dir.name
        blog = lang_dir / "blog"
        for path in sorted(blog.rglob("*.md")) if blog.is_dir() else []:
            rel = path.relative_to(blog).parts
            label = path.relative_to(root).as_posix()
            if any(part.startswith(".") for part in rel) or not path.is_file():
                continue
            if rel[-1] == "_index.md" and (len(rel) == 1 or (len(rel) == 2 and YEAR.fullmatch(rel[0]))):
                continue  # Hugo section pages (the blog index, a year's index), not posts
            if len(rel) == 3 and YEAR.fullmatch(rel[0]) and rel[2] == "index.md":
                yield _Candidate(path, label, f"{lang}/{rel[0]}/{rel[1]}.md", "post")
            elif len(rel) == 3 and YEAR.fullmatch(rel[0]):
                yield _Candidate(path, label, None, "post", "not a post: only <year>/<slug>/index.md is one")
            else:
                yield _Candidate(path, label, None, "post", "not in the <year>/<slug>/index.md layout")
        for path in _md_files(lang_dir / "events" / "banners"):
            yield _Candidate(path, path.relative_to(root).as_posix(), f"banners/{lang}/{path.name}", "banner")


def program_site(year_dir: Path) -> str:
    """The site name of one year of events.istio.io: the last segment of ``baseURL`` in its config.toml."""
    fallback = f"istiocon-{year_dir.name}"
    try:
        config = tomllib.loads((year_dir / "config.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return fallback
    base = config.get("baseURL")
    segments = [segment for segment in urlsplit(base).path.split("/") if segment] if isinstance(base, str) else []
    name = segments[-1] if segments else ""
    return name if SITE_NAME.match(name) else fallback


def _program_candidates(root: Path) -> Iterator[_Candidate]:
    for year_dir in _dirs(root):
        content = year_dir / "content"
        if not YEAR.fullmatch(year_dir.name) or not content.is_dir():
            continue
        site = program_site(year_dir)
        files = [*_md_files(content / "sessions"), *_md_files(content / "schedule")]
        speakers = content / "speakers"
        files += [path for path in _md_files(speakers) if path.name == "_index.md"]
        files += [speaker / "_index.md" for speaker in _dirs(speakers) if (speaker / "_index.md").is_file()]
        for path in files:
            rel = path.relative_to(content).as_posix()
            yield _Candidate(path, path.relative_to(root).as_posix(), f"programs/{site}/{rel}", "program")


def _is_synced_area(rel: tuple[str, ...], with_programs: bool) -> bool:
    """Whether a docs file (relative parts) lies where sync writes, so a missing source is worth reporting."""
    if rel[0] == "banners":
        return True
    if rel[0] == "programs":
        return with_programs
    return len(rel) == 3 and bool(LANG_DIR.match(rel[0])) and bool(YEAR.fullmatch(rel[1]))


def istio_io_problem(path: Path) -> str | None:
    """Why ``path`` is no usable istio.io tree (a checkout or a clone of istio/istio.io), or ``None``."""
    if not path.is_dir():
        return "no such directory (expected a checkout of istio/istio.io)"
    if not (path / "content").is_dir():
        return "no content/ directory (is it a checkout of istio/istio.io?)"
    return None


def programs_problem(path: Path) -> str | None:
    """Why ``path`` is no usable events repo tree (``<year>/content/``), or ``None``."""
    if not path.is_dir():
        return "no such directory (expected a checkout of the events repo)"
    if not any(YEAR.fullmatch(d.name) and (d / "content").is_dir() for d in _dirs(path)):
        return "no <year>/content/ directory (is it the events repo?)"
    return None


def _check_sources(istio_io: Path, programs: Path | None) -> None:
    if problem := istio_io_problem(istio_io):
        raise SyncSourceError(f"--istio-io {istio_io}: {problem}")
    if programs is not None and (problem := programs_problem(programs)):
        raise SyncSourceError(f"--programs {programs}: {problem}")


def plan_sync(istio_io: Path, programs: Path | None, docs: Path) -> SyncReport:
    """What a sync would do, without writing anything; :class:`SyncSourceError` if a source is unusable."""
    _check_sources(istio_io, programs)
    report = SyncReport(docs=docs)
    candidates = [*_istio_io_candidates(istio_io), *(_program_candidates(programs) if programs else [])]
    claimed: dict[str, str] = {}
    for candidate in candidates:
        item = _plan_one(candidate, docs, claimed)
        if item.target and item.action != SKIPPED:
            claimed[item.target] = candidate.source_label
        report.items.append(item)
    targeted = {item.target for item in report.items if item.target}
    if docs.is_dir():
        for path in sorted(docs.rglob("*.md")):
            rel = path.relative_to(docs).parts
            if any(part.startswith(".") for part in rel) or not _is_synced_area(rel, programs is not None):
                continue
            if "/".join(rel) not in targeted:
                report.items.append(SyncItem(ONLY_IN_DOCS, "/".join(rel), None, "no source file maps to it"))
    return report


def _plan_one(candidate: _Candidate, docs: Path, claimed: Mapping[str, str]) -> SyncItem:
    target, label = candidate.target, candidate.source_label
    if candidate.problem:
        return SyncItem(SKIPPED, target, label, candidate.problem)
    assert target is not None
    if target in claimed:
        return SyncItem(SKIPPED, target, label, f"same target as {claimed[target]}")
    try:
        text, meta, body = read_markdown(candidate.source)
    except SourceProblem as exc:
        return SyncItem(SKIPPED, target, label, str(exc))
    if candidate.kind == "post":
        problem = post_problem(meta, body)
        if problem:
            return SyncItem(SKIPPED, target, label, problem)
    content = clean_markdown(text).encode("utf-8")
    existing = docs / target
    try:
        current = existing.read_bytes() if existing.is_file() else None
    except OSError:
        current = None
    if current is None:
        return SyncItem(ADDED, target, label, content=content)
    if current == content:
        return SyncItem(UNCHANGED, target, label)
    return SyncItem(CHANGED, target, label, content=content)


def apply_sync(report: SyncReport) -> None:
    """Write the added and changed files, all of them or none (:func:`embeddings.docs_journal.apply_files`:
    staged, committed by a journal, then moved into place; an interrupted update is finished by the next
    sync or index build, so neither a crash nor a kill ever leaves half an update to be indexed)."""
    files: dict[str, bytes] = {}
    for item in report.writes:
        assert item.target is not None and item.content is not None
        files[item.target] = item.content
    apply_files(report.docs, files)
