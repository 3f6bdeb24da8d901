"""Read a program's index pages: ``programs/<site>/sessions/_index.md`` and ``programs/<site>/schedule/*.md``.

These pages carry what no session does: where to watch the talks when YouTube is out of reach (the
IstioCon channel on bilibili), and the schedules filtered by language. Their front matter (the schedule's
time blocks) is read by :mod:`embeddings.sessions`; here only the title and the body's text and links
count. A page without text is skipped silently (there is nothing to cite); one that cannot be read is
reported by file name and skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from embeddings.markdown import Link, plain_text
from embeddings.posts import Problem, problem_reason
from embeddings.sessions import event_name, event_year
from embeddings.speakers import EVENTS_SITE, read_program_file

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProgramPage:
    """One index page of an event program, as the site publishes it."""

    id: str
    """``<site>/<folder>/<name>``, e.g. ``istiocon-2021/sessions/_index``."""
    site: str
    event: str
    """The program's event, e.g. ``IstioCon 2021``."""
    title: str
    text: str
    links: tuple[Link, ...]
    link_spans: tuple[tuple[int, int], ...]
    page: str
    """The page's address on the events site, e.g. ``https://events.istio.io/istiocon-2021/sessions/``."""
    path: Path = field(compare=False, repr=False)

    @property
    def year(self) -> str:
        return event_year(self.event)


def read_program_page(path: Path, site: str, max_bytes: int | None = None) -> ProgramPage | None:
    """One index page, or None when its body has no text; raises when the file cannot be read."""
    meta, body = read_program_file(path, max_bytes)
    text, links, spans = plain_text(body, EVENTS_SITE)
    text = text.replace("\xa0", " ").strip()
    if not text:
        return None
    folder = path.parent.name
    where = folder if path.stem == "_index" else f"{folder}/{path.stem}"
    title = " ".join(str(meta.get("title") or "").split()) or folder.capitalize()
    return ProgramPage(
        id=f"{site}/{folder}/{path.stem}",
        site=site,
        event=event_name(site),
        title=title,
        text=text,
        links=links,
        link_spans=spans,
        page=f"{EVENTS_SITE}/{site}/{where}/",
        path=path,
    )


def load_program_pages(docs_dir: Path, max_bytes: int | None = None) -> tuple[list[ProgramPage], list[Problem]]:
    """Every program's index pages with text (sorted by id), and the problems with the pages that fail."""
    pages: list[ProgramPage] = []
    problems: list[Problem] = []
    root = docs_dir / "programs"
    for program in sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []:
        index_pages = [program / "sessions" / "_index.md", *sorted((program / "schedule").glob("*.md"))]
        for path in (p for p in index_pages if p.is_file()):
            try:
                if (page := read_program_page(path, program.name, max_bytes)) is not None:
                    pages.append(page)
            except Exception as exc:  # one page's failure skips only that page
                problem = Problem(path, problem_reason(exc))
                logger.warning("skipped program page %s", problem)
                problems.append(problem)
    return sorted(pages, key=lambda page: page.id), problems
