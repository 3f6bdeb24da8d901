"""Read event programs (IstioCon 2021, 2022, …) from ``docs/programs/<site>/``.

A program is the events.istio.io site's content as published: ``sessions/<id>.md`` (front matter:
title, speakers, ``time_start``/``time_end`` in UTC, format or session type, track, language, slides,
video; the abstract as body), ``speakers/<slug>/_index.md`` (``title`` = name, ``designation`` = role
and company) and, for 2021, ``schedule/_index.md`` (the language of each time block).

The data is hand-entered, so every field is normalised here and degraded on its own when it is bad:
``language`` is spelled five ways or left empty (the block's language fills the gap), recordings are
YouTube embed or short URLs (both become ``https://youtu.be/<id>``), slides are file names (served by
the site under ``/<site>/slides/``) or full URLs, and Chinese names are stored given name first
("超 许" is shown as 许超). A session that cannot be read at all is reported by file name and skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from embeddings.markdown import Link, display_url, plain_text, youtube_id
from embeddings.posts import Problem, problem_reason
from embeddings.speakers import EVENTS_SITE, ProgramFileError, display_name, read_profiles, read_program_file
from embeddings.text_patterns import YEAR_DIGITS

logger = logging.getLogger(__name__)


_LANGUAGES = {"english": "en", "en": "en", "chinese": "zh", "zh": "zh", "中文": "zh", "spanish": "es", "es": "es"}
_SUBTITLED = {"subtitled"}
_SITE = re.compile(rf"^(?P<series>[a-z][a-z-]*?)-(?P<year>{YEAR_DIGITS})$")


@dataclass(frozen=True)
class Speaker:
    """A speaker as the program lists them; ``role`` is the speaker file's designation (role and company)."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class Session:
    """One talk of an event program: a retrievable, citable unit with typed fields."""

    id: str
    """``<site>/<file name>``, e.g. ``istiocon-2022/a1b-brewer``."""
    site: str
    event: str
    """The event's name, e.g. ``IstioCon 2022``."""
    title: str
    speakers: tuple[Speaker, ...]
    start: str
    """ISO 8601 UTC (``2022-04-25T15:30:00Z``), or "" when the program has no time."""
    end: str
    format: str
    track: str
    language: str
    """``en``, ``zh`` … or "" when unknown."""
    subtitled: bool
    abstract: str
    recording: str
    """``https://youtu.be/<id>`` or ""."""
    slides: str
    page: str
    path: Path = field(compare=False, repr=False)
    links: tuple[Link, ...] = ()
    """The links its abstract writes (a workshop's registration, its labs, "Join Google Meet")."""
    link_spans: tuple[tuple[int, int], ...] = ()
    """Where each of ``links`` is written in ``abstract``."""

    @property
    def date(self) -> str:
        return self.start[:10]

    @property
    def year(self) -> str:
        return event_year(self.event) or self.date[:4]

    @property
    def video_id(self) -> str | None:
        return youtube_id(self.recording) if self.recording else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["speakers"] = [[s.name, s.role] for s in self.speakers]
        data["path"] = str(self.path)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        values = dict(data)
        values["speakers"] = tuple(Speaker(name, role) for name, role in values["speakers"])
        values["path"] = Path(values["path"])
        values["links"] = tuple(Link(**link) for link in values.get("links", ()))
        values["link_spans"] = tuple(tuple(span) for span in values.get("link_spans", ()))
        return cls(**values)


def event_year(event: str) -> str:
    """The year an event's name ends with ("IstioCon 2022" → "2022"), or ""."""
    return event[-4:] if event[-4:].isdigit() else ""


def event_name(site: str) -> str:
    """``istiocon-2022`` → ``IstioCon 2022``; other site names are title-cased word by word."""
    match = _SITE.match(site)
    if not match:
        return site
    words = match.group("series").split("-")
    named = {"istiocon": "IstioCon", "istioday": "Istio Day", "istio": "Istio", "kubecon": "KubeCon"}
    return " ".join(named.get(w, w.capitalize()) for w in words) + " " + match.group("year")


def _iso(value: object) -> str:
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value or "").strip()
    if not text:
        return ""
    try:
        return _iso(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return ""


def _speakers(program: Path, max_bytes: int | None = None) -> dict[str, str]:
    """Speaker name as sessions list it (case-folded) → designation. A page that cannot be read costs only
    that speaker's role here (:func:`embeddings.speakers.load_profiles` reports it)."""
    profiles, _ = read_profiles(program, max_bytes)
    return {profile.listed_as.casefold(): profile.role for profile in profiles}


def _block_languages(program: Path, max_bytes: int | None = None) -> dict[str, str]:
    """Block id → language code, from the schedule's ``blocks`` (2021 runs English and Chinese blocks)."""
    path = program / "schedule" / "_index.md"
    if not path.is_file():
        return {}
    try:
        meta, _ = read_program_file(path, max_bytes)
        blocks = meta.get("blocks") or []
        return {
            str(b.get("id")): _LANGUAGES.get(str(b.get("language") or "").strip().lower(), "")
            for b in blocks if isinstance(b, dict)
        }
    except Exception as exc:  # without the schedule, sessions keep their own language
        logger.warning("skipped schedule %s: %s", path, problem_reason(exc))
        return {}


def _slides(site: str, value: object) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if re.match(r"^https?://", text):
        return display_url(text)
    return f"{EVENTS_SITE}/{site}/slides/{quote(text)}"


def read_session(
    path: Path, site: str, roles: dict[str, str], blocks: dict[str, str], max_bytes: int | None = None
) -> Session:
    """Parse one session file; raise :class:`~embeddings.speakers.ProgramFileError` when it cannot be used at all."""
    meta, body = read_program_file(path, max_bytes)
    title = " ".join(str(meta.get("title") or "").split())
    if not title:
        raise ProgramFileError("front matter has no title")
    raw_language = str(meta.get("language") or "").strip().lower()
    language = _LANGUAGES.get(raw_language, "")
    if raw_language and not language and raw_language not in _SUBTITLED:
        logger.warning("session %s: unknown language %r, left empty", path, raw_language)
    if not language:
        language = blocks.get(str(meta.get("block") or ""), "")
    names = meta.get("speakers") or []
    if not isinstance(names, list):
        names = [names]
    speakers = tuple(
        Speaker(display_name(str(name)), roles.get(" ".join(str(name).split()).casefold(), ""))
        for name in names if name and str(name).strip()
    )
    video = str(meta.get("video") or "").strip()
    vid = youtube_id(video) if video else None
    if video and not vid:
        logger.warning("session %s: recording %r is not a YouTube URL, dropped", path, video)
    url_path = str(meta.get("url") or f"/sessions/{path.stem}").strip()
    abstract, links, spans = plain_text(body, EVENTS_SITE)  # its links kept where it writes them
    start, end = _iso(meta.get("time_start")), _iso(meta.get("time_end"))
    if meta.get("time_start") and not start:
        logger.warning("session %s: time_start %r is not a date, left empty", path, meta.get("time_start"))
    return Session(
        id=f"{site}/{path.stem}",  # file names are unique; front-matter ids are not (two g5 in 2022)
        site=site,
        event=event_name(site),
        title=title.strip("《》"),
        speakers=speakers,
        start=start,
        end=end,
        format=" ".join(str(meta.get("session_type") or meta.get("format") or "").split()).lower(),
        track=" ".join(str(meta.get("track") or "").split()),
        language=language,
        subtitled=raw_language in _SUBTITLED,
        abstract=abstract,
        links=links,
        link_spans=spans,
        recording=f"https://youtu.be/{vid}" if vid else "",
        slides=_slides(site, meta.get("slides")),
        page=f"{EVENTS_SITE}/{site}/{url_path.strip('/')}/",
        path=path,
    )


def load_sessions(docs_dir: Path, max_bytes: int | None = None) -> tuple[list[Session], list[Problem]]:
    """Every readable session under ``docs_dir/programs`` (sorted by id) and the problems with the rest
    (any failure reading one file, or a file over ``max_bytes``, skips only that file)."""
    sessions: list[Session] = []
    problems: list[Problem] = []
    root = docs_dir / "programs"
    for program in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        roles, blocks = _speakers(program, max_bytes), _block_languages(program, max_bytes)
        for path in sorted((program / "sessions").glob("*.md")):
            if path.name == "_index.md":
                continue
            try:
                sessions.append(read_session(path, program.name, roles, blocks, max_bytes))
            except Exception as exc:  # one session's failure skips only that session
                problem = Problem(path, problem_reason(exc))
                logger.warning("skipped session %s", problem)
                problems.append(problem)
    return sorted(sessions, key=lambda s: s.id), problems
