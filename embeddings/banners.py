"""Read istio.io site banners from ``docs/banners/<lang>/<name>.md``.

A banner is a dated notice: ``title``, ``period_start`` and ``period_end`` (or ``period_duration``
days), an optional ``link``, and a line of text. Those that announce an event ("Istio Day Europe …
01 April 2025, London") date and place it; the others (releases, CNCF news) are ignored by the event
catalogue because they name no event. ``period_start: latest_release`` is a pseudo-date: such a
banner has no period. A banner whose front matter cannot be read is reported and skipped. So is one its own
markdown comment marks as a placeholder ("TODO: Replace placeholder … or remove file"): it says nothing true.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import frontmatter

from embeddings.markdown import Link, to_blocks
from embeddings.posts import LANG_DIR, Problem, problem_reason, read_source

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Banner:
    """One language version of a site banner."""

    id: str
    """``<lang>/<name>``."""
    lang: str
    name: str
    title: str
    text: str
    links: tuple[Link, ...]
    start: str
    """ISO date the banner started showing, or "" (pseudo-dates such as ``latest_release``)."""
    end: str
    site: str = ""
    """The istio.io home page in the banner's language: banners show on every page, so it is what they cite
    when they link nowhere."""


_PLACEHOLDER = re.compile(r"^\[comment\]:\s*<>\s*\([^)\n]*\bplaceholder\b", re.IGNORECASE | re.MULTILINE)
"""A markdown comment line (``[comment]: <> (…)``, a link definition no renderer shows) naming the file a
placeholder."""


def is_placeholder(body: str) -> bool:
    """Does the banner's own comment mark it as a placeholder, text to be replaced before it means anything?"""
    return bool(_PLACEHOLDER.search(body))


def _date(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value or "").strip()[:10]).isoformat()
    except ValueError:
        return ""


def read_banner(path: Path, lang: str, base_url: str, max_bytes: int | None = None) -> Banner | None:
    """One banner file: front matter by python-frontmatter, text and links by the markdown module; None for a
    placeholder (:func:`is_placeholder`)."""
    raw = read_source(path, max_bytes)
    meta, body = frontmatter.parse(raw.decode("utf-8-sig"))
    if is_placeholder(body):
        return None
    if not isinstance(meta, dict) or not meta.get("title"):
        raise ValueError("front matter has no title")
    start = _date(meta.get("period_start"))
    end = _date(meta.get("period_end"))
    if start and not end and str(meta.get("period_duration") or "").strip().isdigit():
        end = (dt.date.fromisoformat(start) + dt.timedelta(days=int(str(meta["period_duration"])))).isoformat()
    blocks = to_blocks(body, base_url)
    links = [link for block in blocks for link in block.links]
    target = str(meta.get("link") or "").strip()
    if target.startswith("/"):  # a page of the site ("/docs/releases/…")
        target = f"{base_url.rstrip('/')}{target}"
    if target.startswith(("http://", "https://")):  # not a pseudo-link ("latest_release")
        links.insert(0, Link(url=target, text=str(meta["title"]), kind="link"))
    return Banner(
        id=f"{lang}/{path.stem}",
        lang=lang,
        name=path.stem,
        title=" ".join(str(meta["title"]).split()),
        text=" ".join(block.text for block in blocks).strip(),
        links=tuple(links),
        start=start,
        end=end,
        site=f"{base_url.rstrip('/')}/" if lang == "en" else f"{base_url.rstrip('/')}/{lang}/",
    )


def load_banners(docs_dir: Path, base_url: str, max_bytes: int | None = None) -> tuple[list[Banner], list[Problem]]:
    """Every readable banner under ``docs_dir/banners`` and the problems with the rest (any failure, or a
    file over ``max_bytes``, skips only that banner)."""
    banners: list[Banner] = []
    problems: list[Problem] = []
    root = docs_dir / "banners"
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and LANG_DIR.match(p.name)) if root.is_dir() else []:
        for path in sorted(folder.glob("*.md")):
            try:
                banner = read_banner(path, folder.name.lower(), base_url, max_bytes)
            except Exception as exc:  # e.g. period_duration: 99999999999 overflows the date
                reason = problem_reason(exc)
                problems.append(Problem(path, reason))
                logger.warning("skipped banner %s: %s", path, reason)
                continue
            if banner is None:
                logger.info("left out banner %s: its comment marks it as a placeholder", path)
            else:
                banners.append(banner)
    return banners, problems
