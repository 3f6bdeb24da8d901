"""Read the speakers of event programs from ``docs/programs/<site>/speakers/<slug>/_index.md``.

A speaker page holds ``title`` (the name), ``designation`` (role and company) and, as its body, a short
biography: where someone works and worked, what they built, wrote or maintain. Sessions read only the
designation (:mod:`embeddings.sessions`); the biography is a document of its own, one passage per page
(:func:`embeddings.passages.speaker_passage`), since questions ask about people ("where does Lin Sun work",
"which Istio release was Kenan O'Neal a release manager for"). A page that cannot be read is reported by
file name and skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from embeddings.markdown import CJK_CHAR, plain_text
from embeddings.posts import Problem, problem_reason, read_source

logger = logging.getLogger(__name__)

EVENTS_SITE = "https://events.istio.io"
"""Where the programs are published: ``<EVENTS_SITE>/<site>/sessions/…``, ``…/speakers/<slug>/``, ``…/slides/…``."""


class ProgramFileError(ValueError):
    """A program file (session, speaker, schedule) cannot be used; the message says why."""


@dataclass(frozen=True)
class Profile:
    """One speaker page of one program."""

    id: str
    """``<site>/<slug>``, e.g. ``istiocon-2021/lin-sun``."""
    site: str
    listed_as: str
    """The name as the page writes it, which is how sessions list the speaker ("超 许")."""
    role: str
    """The designation: role and company ("Director of open source at Solo.io")."""
    bio: str
    page: str
    path: Path = field(compare=False, repr=False)

    @property
    def name(self) -> str:
        return display_name(self.listed_as)


def display_name(name: str) -> str:
    """A Chinese name stored given name first ("超 许") in Chinese order (许超); other names unchanged."""
    parts = name.split()
    if len(parts) == 2 and all(CJK_CHAR.match(ch) for part in parts for ch in part):
        return parts[1] + parts[0]
    return " ".join(parts)


def read_program_file(path: Path, max_bytes: int | None = None) -> tuple[dict[str, Any], str]:
    """Front matter (a mapping) and body of one program file; :class:`ProgramFileError` says why not."""
    try:
        text = read_source(path, max_bytes).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgramFileError(f"not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        meta, body = frontmatter.parse(text)
    except (yaml.YAMLError, ValueError) as exc:  # ValueError: a date YAML cannot build (2022-04-31)
        raise ProgramFileError(f"bad YAML front matter ({str(exc).splitlines()[0] if str(exc) else exc})") from None
    if not isinstance(meta, dict):
        raise ProgramFileError("front matter is not a mapping")
    return meta, body


def read_profile(path: Path, site: str, max_bytes: int | None = None) -> Profile:
    """One speaker page (``speakers/<slug>/_index.md`` or ``speakers/<slug>.md``)."""
    meta, body = read_program_file(path, max_bytes)
    name = " ".join(str(meta.get("title") or "").split())
    if not name:
        raise ProgramFileError("front matter has no title")
    slug = path.parent.name if path.name == "_index.md" else path.stem
    bio, _, _ = plain_text(body, EVENTS_SITE)
    return Profile(
        id=f"{site}/{slug}",
        site=site,
        listed_as=name,
        role=" ".join(str(meta.get("designation") or "").split()),
        bio=bio,
        page=f"{EVENTS_SITE}/{site}/speakers/{slug}/",
        path=path,
    )


def read_profiles(program: Path, max_bytes: int | None = None) -> tuple[list[Profile], list[Problem]]:
    """Every readable speaker page of one program folder, and the problems with the rest."""
    profiles: list[Profile] = []
    problems: list[Problem] = []
    folder = program / "speakers"
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        if path.parent == folder and path.name == "_index.md":
            continue  # the speakers list page
        try:
            profiles.append(read_profile(path, program.name, max_bytes))
        except Exception as exc:  # a bad page costs only that speaker
            problems.append(Problem(path, problem_reason(exc)))
            logger.warning("skipped speaker %s", problems[-1])
    return profiles, problems


def load_profiles(docs_dir: Path, max_bytes: int | None = None) -> tuple[list[Profile], list[Problem]]:
    """The speaker pages of every program under ``docs_dir/programs``, sorted by id."""
    profiles: list[Profile] = []
    problems: list[Problem] = []
    root = docs_dir / "programs"
    for program in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        found, failed = read_profiles(program, max_bytes)
        profiles += found
        problems += failed
    return sorted(profiles, key=lambda p: p.id), problems
