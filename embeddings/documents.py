"""Everything in ``docs/``, loaded as typed documents of five kinds, and turned into passages.

- **posts** (``<lang>/<year>/<slug>.md``, :mod:`embeddings.posts`): split into paragraphs;
- **sessions** (``programs/<site>/sessions/…``, :mod:`embeddings.sessions`): one passage each;
- **speaker pages** (``programs/<site>/speakers/…``, :mod:`embeddings.speakers`): one passage each, with
  the biography;
- **banners** (``banners/<lang>/…``, :mod:`embeddings.banners`): one passage each;
- **program pages** (``programs/<site>/sessions/_index.md``, ``…/schedule/*.md``, :mod:`embeddings.program_pages`):
  one passage each;
- **events** (:mod:`embeddings.events`), derived from posts, banners and programs: one card per event in
  each card language.

Every stage after this one reads the typed fields these carry; nothing re-parses ids or text. A
document that fails anywhere on that way (reading, parsing, splitting into passages) is reported by
name and left out; the rest is indexed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from embeddings.banners import Banner, load_banners
from embeddings.events import CARD_LANGUAGES, Event, derive_events, describe
from embeddings.passages import (
    Passage,
    banner_passage,
    event_passages,
    program_page_passage,
    session_passage,
    speaker_passage,
    split_post,
)
from embeddings.posts import LANG_DIR, Post, Problem, load_posts, problem_reason
from embeddings.program_pages import ProgramPage, load_program_pages
from embeddings.sessions import Session, load_sessions
from embeddings.speakers import Profile, load_profiles

logger = logging.getLogger(__name__)


@dataclass
class Corpus:
    """The documents of one docs directory, and the files that could not be used."""

    posts: list[Post]
    sessions: list[Session]
    banners: list[Banner]
    events: list[Event]
    problems: list[Problem] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    """The programs' speaker pages."""
    split: dict[str, list[Passage]] = field(default_factory=dict, repr=False, compare=False)
    """Each post's passages, by post id, as :func:`load_corpus` split them (to find the posts that fail)."""
    pages: list[ProgramPage] = field(default_factory=list)
    """The programs' index pages (where to watch the talks, the schedules by language)."""

    def passages(self) -> list[Passage]:
        """Posts' paragraphs, then one passage per session, per speaker page with a biography, per banner and
        per program page, then the event cards."""
        passages = [
            passage for post in self.posts
            for passage in (self.split[post.id] if post.id in self.split else split_post(post))
        ]
        passages += [session_passage(session) for session in self.sessions]
        for profile in self.profiles:
            talks = [s for s in self.sessions if s.site == profile.site and any(
                speaker.name == profile.name for speaker in s.speakers)]
            if (passage := speaker_passage(profile, talks)) is not None:
                passages.append(passage)
        passages += [passage for banner in self.banners if (passage := banner_passage(banner)) is not None]
        passages += [program_page_passage(page) for page in self.pages]
        for event in self.events:
            passages += event_passages(event, {lang: describe(event, lang) for lang in CARD_LANGUAGES})
        return passages


def source_files(docs_dir: Path) -> list[Path]:
    """Every source file under ``docs_dir`` (``.md``, not hidden, not a README)."""
    return [
        path for path in sorted(docs_dir.rglob("*.md")) if docs_dir.is_dir()
        if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)
        and path.name.lower() != "readme.md"
    ]


def source_hashes(docs_dir: Path) -> dict[str, str]:
    """A content hash per source file: what decides a rebuild.

    Hashing bytes is cheap, so checking an up-to-date index parses nothing.
    """
    hashes = {}
    for path in source_files(docs_dir):
        try:
            hashes[path.relative_to(docs_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            hashes[path.relative_to(docs_dir).as_posix()] = "unreadable"
    return hashes


def source_stats(docs_dir: Path) -> list[tuple[str, int, int]]:
    """``(relative path, size, mtime in ns)`` of every source file: a stat per file, nothing read.

    Equal stats (and settings) mean unchanged sources, so an index can be checked without hashing."""
    stats = []
    for path in source_files(docs_dir):
        try:
            info = path.stat()
            stats.append((path.relative_to(docs_dir).as_posix(), info.st_size, info.st_mtime_ns))
        except OSError:
            stats.append((path.relative_to(docs_dir).as_posix(), -1, -1))
    return stats


def _usable(posts: list[Post], sessions: list[Session]) -> tuple[
    list[Post], list[Session], dict[str, list[Passage]], list[Problem]
]:
    """The posts and sessions that turn into passages, each post's passages, and the ones that fail."""
    split: dict[str, list[Passage]] = {}
    problems: list[Problem] = []
    kept_posts, kept_sessions = [], []
    for post in posts:
        try:
            split[post.id] = split_post(post)
            kept_posts.append(post)
        except Exception as exc:  # one post that cannot be split is skipped, not the build
            problems.append(Problem(post.path, problem_reason(exc)))
            logger.warning("skipped post %s", problems[-1])
    for session in sessions:
        try:
            session_passage(session)
            kept_sessions.append(session)
        except Exception as exc:
            problems.append(Problem(session.path, problem_reason(exc)))
            logger.warning("skipped session %s", problems[-1])
    return kept_posts, kept_sessions, split, problems


def load_corpus(docs_dir: Path, base_url: str, max_bytes: int | None = None) -> Corpus:
    """Read every kind of document under ``docs_dir`` and derive the event catalogue.

    A file over ``max_bytes`` (``MAX_DOCUMENT_BYTES``), or one that fails to parse or split, is skipped
    and listed in ``problems``."""
    posts, post_problems = load_posts(docs_dir, base_url, max_bytes)
    sessions, session_problems = load_sessions(docs_dir, max_bytes)
    profiles, profile_problems = load_profiles(docs_dir, max_bytes)
    banners, banner_problems = load_banners(docs_dir, base_url, max_bytes)
    pages, page_problems = load_program_pages(docs_dir, max_bytes)
    posts, sessions, split, split_problems = _usable(posts, sessions)
    events = derive_events(posts, sessions, banners)
    stray = [
        Problem(path, "not in a language, programs/ or banners/ folder")
        for path in source_files(docs_dir)
        if not LANG_DIR.match(top := path.relative_to(docs_dir).parts[0]) and top not in {"programs", "banners"}
    ]
    for problem in stray:
        logger.warning("skipped %s", problem)
    problems = (post_problems + session_problems + profile_problems + banner_problems + page_problems
                + split_problems + stray)
    return Corpus(posts, sessions, banners, events, problems, profiles, split, pages)
