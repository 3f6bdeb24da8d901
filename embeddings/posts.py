"""Read recap posts from a docs directory laid out as ``<lang>/<year>/<slug>.md``.

A post that cannot be read is reported (file name and reason) and skipped, so one broken file never
stops the rest from being indexed: whatever goes wrong with one file (bad YAML, an impossible date, a
file over the size limit, a bug tripped by odd input) is that file's problem, not the build's.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter
import ftfy
import yaml

from embeddings.markdown import Block, to_blocks
from embeddings.text_patterns import YEAR, YEAR_DIGITS

logger = logging.getLogger(__name__)

LANG_DIR = re.compile(r"^[a-z]{2}(?:-[a-z]{2,4})?$", re.IGNORECASE)


@dataclass(frozen=True)
class Post:
    """One language version of a recap post, with its body already split into blocks."""

    id: str
    lang: str
    year: str
    slug: str
    title: str
    date: str
    description: str
    url: str
    path: Path
    blocks: tuple[Block, ...] = field(repr=False)

    @property
    def group(self) -> tuple[str, str]:
        """Translation-group key: the language versions of one post share ``(year, slug)``."""
        return (self.year, self.slug)


@dataclass(frozen=True)
class Problem:
    """A file that was skipped, and why."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class PostError(ValueError):
    """A post cannot be used; the message says why."""


class TooLarge(ValueError):
    """A source file is over the size limit (``MAX_DOCUMENT_BYTES``): skipped before it is read."""


def read_source(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a source file, refusing (before reading) one larger than ``max_bytes``."""
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            raise TooLarge(f"{size:,} bytes, over the MAX_DOCUMENT_BYTES limit of {max_bytes:,}")
    return path.read_bytes()


def problem_reason(exc: BaseException) -> str:
    """One line for the log and the build report: expected faults by their message, others by type too."""
    first = str(exc).splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, (ValueError, OSError)) and first:
        return first
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def canonical_url(base_url: str, lang: str, year: str, slug: str) -> str:
    """Where istio.io publishes a post: English at ``/blog/…``, other languages under ``/<lang>/blog/…``."""
    prefix = "" if lang == "en" else f"/{lang}"
    return f"{base_url.rstrip('/')}{prefix}/blog/{year}/{slug}/"


def _layout(path: Path, docs_dir: Path) -> tuple[str, str, str]:
    """``(lang, year, slug)`` from ``lang/year/slug.md``, ``lang/year/slug/index.md`` or ``lang/year-slug.md``."""
    parts = path.relative_to(docs_dir).parts
    if parts and parts[-1] in {"index.md", "_index.md"}:
        parts = (*parts[:-2], parts[-2] + ".md")
    if len(parts) == 3 and LANG_DIR.match(parts[0]) and YEAR.fullmatch(parts[1]):
        return parts[0].lower(), parts[1], parts[2].removesuffix(".md")
    if len(parts) == 2 and LANG_DIR.match(parts[0]):
        match = re.match(rf"^({YEAR_DIGITS})-(.+)\.md$", parts[1])
        if match:
            return parts[0].lower(), match.group(1), match.group(2)
    raise PostError("not in the <lang>/<year>/<slug>.md layout")


def _date(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "").strip()[:10]


def read_post(path: Path, docs_dir: Path, base_url: str, max_bytes: int | None = None) -> Post:
    """Parse one post; raise :class:`PostError` with a short reason if it cannot be used."""
    lang, year, slug = _layout(path, docs_dir)
    raw = read_source(path, max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PostError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise PostError("empty file")
    try:
        meta, body = frontmatter.parse(ftfy.fix_text(text, fix_character_width=False))
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date YAML cannot build (2023-02-30)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PostError(f"bad YAML front matter ({first})") from None
    if not meta:
        raise PostError("no front matter")
    title = str(meta.get("title") or "").strip()
    if not title:
        raise PostError("front matter has no title")
    url = canonical_url(base_url, lang, year, slug)
    blocks = tuple(to_blocks(body, base_url, url))  # "./slides.pdf" is beside the post
    if not any(block.kind != "heading" for block in blocks):
        raise PostError("no body text")
    return Post(
        id=f"{lang}/{year}/{slug}",
        lang=lang,
        year=year,
        slug=slug,
        title=title,
        date=_date(meta.get("publishdate") or meta.get("date")) or year,
        description=str(meta.get("description") or "").strip(),
        url=url,
        path=path,
        blocks=blocks,
    )


def load_posts(docs_dir: Path, base_url: str, max_bytes: int | None = None) -> tuple[list[Post], list[Problem]]:
    """Every readable post under ``docs_dir`` (sorted by id) and the problems with the rest (files over
    ``max_bytes`` among them)."""
    posts: list[Post] = []
    problems: list[Problem] = []
    # Posts live under language folders; programs/ and banners/ are other kinds of documents.
    folders = [p for p in docs_dir.iterdir() if p.is_dir() and LANG_DIR.match(p.name)] if docs_dir.is_dir() else []
    for path in sorted(path for folder in folders for path in folder.rglob("*.md")):
        if any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
            continue
        if path.name.lower() == "readme.md":
            continue
        try:
            posts.append(read_post(path, docs_dir, base_url, max_bytes))
        except Exception as exc:  # one post's failure, whatever it is, skips only that post
            problem = Problem(path, problem_reason(exc))
            logger.warning("skipped post %s", problem)
            problems.append(problem)
    seen: dict[str, Post] = {}
    for post in posts:
        if post.id in seen:
            problems.append(Problem(post.path, f"duplicate of {seen[post.id].path}"))
            logger.warning("skipped post %s: duplicate of %s", post.path, seen[post.id].path)
            continue
        seen[post.id] = post
    return sorted(seen.values(), key=lambda p: p.id), problems
