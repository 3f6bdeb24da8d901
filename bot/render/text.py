"""A reply as plain text: what the terminal chat and ``ask`` print, and Slack's notification fallback.

Links are written after their text (``title <url>``; a link inside a quote as ``text (url)``), so the
text alone still says where to go. An answer starts with its first quote (a notification shows the
answer, not the lead-in that frames the quotes in Slack's blocks). The strings table writes Slack's
``*bold*`` and ``code`` marks; they are dropped here.
"""

from __future__ import annotations

import re
import textwrap

from bot.core.citations import Part
from bot.core.language import ui_language
from bot.core.reply import Reply
from bot.core.strings import t

WIDTH = 96
_MARKS = re.compile(r"[*`]")
_HEADING_END = (".", ":", "：", "。", ")", "!", "?")


def plain_words(text: str) -> str:
    """The bot's own words without Slack's emphasis marks."""
    return _MARKS.sub("", text)


def parts_text(parts: list[Part]) -> str:
    """A citation line: link texts followed by their URL."""
    return " · ".join(f"{p.text} <{p.url}>" if p.url else p.text for p in parts)


def quote_text(parts: list[Part]) -> str:
    """A quoted text with each link's URL after the words it is written on (a URL written as itself once)."""
    return "".join(f"{p.text} ({p.url})" if p.url and p.url != p.text else p.text for p in parts)


def render_text(reply: Reply, *, wrap: bool = True) -> str:
    """The whole reply as text; ``wrap`` folds quotes to :data:`WIDTH` columns for a terminal."""
    lines: list[str] = [reply.note, ""] if reply.note else []
    title = plain_words(reply.title)
    if title and not reply.quotes:  # an answer opens with its first quote: the lead frames it in Slack only
        heads_a_list = bool(reply.groups) and not title.endswith(_HEADING_END)
        lines.append(title + (":" if heads_a_list else ""))
    for number, quote in enumerate(reply.quotes, 1):
        text = quote_text(quote.inline).replace("\n", " ")
        if wrap:
            text = textwrap.fill(text, width=WIDTH, initial_indent="   ", subsequent_indent="   ",
                                 break_long_words=False, break_on_hyphens=False).strip()
        lines.append(f"{number}. {text}")
        lines.append(f"   — {parts_text(quote.citation)}")
    if reply.videos:
        lines += ["", f"{plain_words(t(ui_language(reply.lang), 'videos'))}:"]
        lines += [f"  • {link.text or link.url} — {link.url}" for link in reply.videos]
    for group in reply.groups:
        if group.heading is not None:
            heading = parts_text([group.heading])
            lines.append(heading + (":" if not group.heading.url and not heading.endswith(_HEADING_END) else ""))
        lines += [f"  • {parts_text(item)}" for item in group.items]
    if reply.more:
        lines.append("  " + plain_words(reply.more))
    return "\n".join(lines)

