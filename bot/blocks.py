"""Block Kit replies built with ``slack_sdk.models.blocks``, always within Slack's limits.

Every string taken from a post or a user goes through :func:`escape` (and user text through
:func:`defang` first), so a question containing ``<!channel>`` can never ping a channel and a post
containing ``<`` can never break the markup. Every message also carries a plain ``text`` fallback,
which is what notifications show and what is posted alone if Slack rejects the blocks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.answer import Answer
from bot.catalog import Event, Video
from bot.i18n import language_name, t
from bot.language import ui_language

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_TEXT_CHARS = 3900
"""Plain ``text`` is cut here: Slack truncates long messages and shows 4,000 characters at most."""
MAX_BUTTON_VALUE = 2000
SHARE_ACTION_ID = "share_answer"

_SPECIAL = re.compile(r"<(?P<kind>[!@#])(?P<body>[^>|]*)(?:\|(?P<label>[^>]*))?>")
_BROADCAST_WORDS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_ZWSP = "\u200b"


def escape(text: str) -> str:
    """Escape the three characters Slack's markup gives meaning to (``&`` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def neutralize(text: str) -> str:
    """User text with no mention left in it, still unescaped (for button values and re-asking).

    ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<!subteam^…>``, ``<@U…>`` and ``<#C…>`` become
    plain words, and ``@channel`` / ``@here`` / ``@everyone`` get a zero-width space after the ``@``.
    """

    def plain(match: re.Match[str]) -> str:
        body, label = match.group("body"), match.group("label")
        # <!subteam^S123> -> "subteam", <!here> -> "here", <@U123|ana> -> "ana"
        name = label or (body.split("^")[0] if match.group("kind") == "!" else body)
        return "@" + _ZWSP + name.lstrip("@")

    text = _SPECIAL.sub(plain, text)
    return _BROADCAST_WORDS.sub(lambda m: "@" + _ZWSP + m.group(1), text)


def defang(text: str) -> str:
    """User text made inert for echoing: :func:`neutralize`, then :func:`escape`."""
    return escape(neutralize(text))


def link(url: str, label: str) -> str:
    """A ``<url|label>`` link whose URL cannot close the markup early and whose label is escaped."""
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f"<{escape(safe_url)}|{escape(label).replace('|', '¦') or escape(safe_url)}>"


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quote_lines(text: str) -> str:
    """Slack's ``>`` quote on every line of already-escaped text."""
    return "\n".join("> " + line if line.strip() else ">" for line in text.splitlines() or [""])


@dataclass
class Message:
    """Blocks plus the plain-text fallback, ready for ``chat.postMessage`` or ``respond``."""

    text: str
    blocks: list[Block] = field(default_factory=list)

    def block_dicts(self) -> list[dict[str, Any]]:
        return [block.to_dict() for block in self.blocks]

    def post_kwargs(self) -> dict[str, Any]:
        """Arguments for ``chat.postMessage`` / ``chat.postEphemeral``: no link or media previews."""
        return {
            "text": clip(self.text, MAX_TEXT_CHARS),
            "blocks": self.block_dicts(),
            "unfurl_links": False,
            "unfurl_media": False,
        }

    def plain_kwargs(self) -> dict[str, Any]:
        """The same message as plain text only: what is posted when Slack rejects the blocks."""
        return {"text": clip(self.text, MAX_TEXT_CHARS), "unfurl_links": False, "unfurl_media": False}


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, MAX_SECTION_CHARS)))


def context(*elements: str) -> ContextBlock:
    return ContextBlock(
        elements=[MarkdownTextObject(text=clip(e, MAX_SECTION_CHARS)) for e in elements[:MAX_CONTEXT_ELEMENTS]]
    )


def line_sections(lines: Iterable[str], budget: int) -> list[SectionBlock]:
    """Lines packed into as few sections as fit 3,000 characters each, at most ``budget`` sections."""
    sections: list[str] = []
    for line in lines:
        line = clip(line, MAX_SECTION_CHARS)
        if sections and len(sections[-1]) + 1 + len(line) <= MAX_SECTION_CHARS:
            sections[-1] += "\n" + line
        elif len(sections) < budget:
            sections.append(line)
        else:
            break
    return [section(s) for s in sections]


def share_button(lang: str, value: dict[str, str]) -> ActionsBlock | None:
    """The "Share in channel" button; its value carries what is needed to rebuild the reply."""
    encoded = json.dumps(value, ensure_ascii=False)
    if len(encoded) > MAX_BUTTON_VALUE:
        return None
    return ActionsBlock(
        elements=[ButtonElement(text=t(lang, "share"), action_id=SHARE_ACTION_ID, value=encoded, style="primary")]
    )


def _finish(blocks: list[Block], tail: list[Block]) -> list[Block]:
    """Append ``tail`` (echo, button) while keeping the message within 50 blocks."""
    room = MAX_BLOCKS - len(tail)
    return blocks[:room] + tail


def _echo_and_share(
    lang: str, question: str | None, share: dict[str, str] | None, shared_by: str | None
) -> list[Block]:
    tail: list[Block] = []
    notes = []
    if question:
        notes.append(t(lang, "lead_question", question=defang(clip(question, 500))))
    if shared_by:
        notes.append(t(lang, "shared_by", user=re.sub(r"[^A-Z0-9]", "", shared_by.upper())))
    if notes:
        tail.append(context(*notes))
    if share:
        button = share_button(lang, share)
        if button:
            tail.append(button)
    return tail


def answer_message(
    answer: Answer,
    *,
    echo_question: bool = False,
    share: dict[str, str] | None = None,
    shared_by: str | None = None,
) -> Message:
    """The reply to a question: lead line, quoted snippets with citations, then the videos.

    ``echo_question`` repeats the (defanged) question, for replies seen outside the asker's thread;
    ``share`` adds the "Share in channel" button with that value.
    """
    lang = ui_language(answer.lang)
    tail = _echo_and_share(lang, answer.question if echo_question else None, share, shared_by)
    if answer.abstained or not answer.snippets:
        text = t(lang, "dont_know")
        return Message(text=text, blocks=_finish([section(text)], tail))

    lead = t(lang, "lead")
    blocks: list[Block] = [section(lead)]
    plain = [lead, ""]
    sources: dict[str, str] = {}
    video_lines: list[str] = []
    plain_videos: list[str] = []
    seen_videos: set[str] = set()
    for link_ in answer.links:
        if link_.kind == "video" and link_.url not in seen_videos:
            seen_videos.add(link_.url)
            video_lines.append("• " + link(link_.url, link_.text or link_.url))
            plain_videos.append(f"• {escape(link_.text)}: {link_.url}")
    reserved = len(tail) + (2 if video_lines else 0)
    for snippet in answer.snippets:
        if len(blocks) + 2 + reserved > MAX_BLOCKS:
            break
        quoted = quote_lines(escape(snippet.text.strip()))
        blocks.append(section(quoted))
        citation = [link(snippet.url, snippet.title)]
        citation += [escape(part) for part in (snippet.section, snippet.date) if part]
        citation.append(language_name(lang, snippet.lang))
        blocks.append(context(" · ".join(citation)))
        plain.append(quoted)
        plain.append(f"— {escape(snippet.title)} ({snippet.url})")
        sources.setdefault(snippet.url, escape(snippet.title))
    if video_lines:
        blocks.append(section(f"*{t(lang, 'videos')}*"))
        blocks.extend(line_sections(video_lines, budget=1))
        plain += ["", f"{t(lang, 'videos')}:", *plain_videos]
    plain += ["", f"{t(lang, 'sources')}:", *(f"• {title}: {url}" for url, title in sources.items())]
    return Message(text="\n".join(plain), blocks=_finish(blocks, tail))


def help_message(lang: str) -> Message:
    text = t(lang, "help")
    return Message(text=text, blocks=[section(text)])


def error_message(lang: str) -> Message:
    text = t(lang, "error")
    return Message(text=text, blocks=[section(text)])


def events_message(
    events: list[Event], lang: str, share: dict[str, str] | None = None, shared_by: str | None = None
) -> Message:
    """The known events, newest first: name, date, place and the recap post."""
    lang = ui_language(lang)
    if not events:
        text = t(lang, "no_events")
        return Message(text=text, blocks=[section(text)])
    title = t(lang, "events_title")
    lines = []
    plain = [title + ":"]
    for event in events:
        details = " · ".join(escape(part) for part in (event.date, event.place) if part)
        lines.append(f"• {link(event.url, event.name)}" + (f" · {details}" if details else ""))
        plain.append(f"• {escape(event.name)}" + (f" · {details}" if details else "") + f": {event.url}")
    tail = _echo_and_share(lang, None, share, shared_by)
    blocks: list[Block] = [section(f"*{title}*"), *line_sections(lines, budget=MAX_BLOCKS - 1 - len(tail))]
    return Message(text="\n".join(plain), blocks=_finish(blocks, tail))


def videos_message(
    videos: list[Video],
    lang: str,
    topic: str = "",
    share: dict[str, str] | None = None,
    shared_by: str | None = None,
) -> Message:
    """Recordings (talk title, event) grouped under their event's recap post."""
    lang = ui_language(lang)
    safe_topic = defang(clip(topic, 200))
    if not videos:
        text = t(lang, "no_videos", topic=safe_topic)
        return Message(text=text, blocks=[section(text)])
    title = t(lang, "videos_topic_title", topic=safe_topic) if topic else t(lang, "videos_title")
    lines: list[str] = []
    plain = [title + ":"]
    current = None
    for video in videos:
        if video.event_url != current:
            current = video.event_url
            lines.append(f"*{link(video.event_url, video.event_name)}*")
            plain.append(f"{escape(video.event_name)} ({video.event_url})")
        lines.append("• " + link(video.url, video.title or video.url))
        plain.append(f"• {escape(video.title)}: {video.url}")
    tail = _echo_and_share(lang, None, share, shared_by)
    blocks: list[Block] = [section(f"*{title}*"), *line_sections(lines, budget=MAX_BLOCKS - 1 - len(tail))]
    return Message(text="\n".join(plain), blocks=_finish(blocks, tail))
