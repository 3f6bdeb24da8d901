"""Block Kit replies built with ``slack_sdk.models.blocks``, always within Slack's limits.

Every string taken from a post or a user goes through :func:`escape` (and user text through
:func:`defang` first), so a question containing ``<!channel>`` can never ping a channel and a post
containing ``<`` can never break the markup. Every message also carries a plain ``text`` fallback,
which is what notifications show and what is posted alone if Slack rejects the blocks.
"""

from __future__ import annotations

import datetime as dt
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
    CheckboxesElement,
    ContextActionsBlock,
    ContextBlock,
    FeedbackButtonObject,
    FeedbackButtonsElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.core.answerer import MAX_LISTED_SHOWN, Answer
from bot.core.catalogue import Video
from bot.core.citations import Part, event_parts, inline_parts, session_parts
from bot.core.language import UI_LANGUAGES, ui_language
from bot.core.strings import language_name, t
from bot.store.report import GapReport
from embeddings.events import Event, format_day

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_TEXT_CHARS = 3900
"""Plain ``text`` is cut here: Slack truncates long messages and shows 4,000 characters at most."""
MAX_BUTTON_VALUE = 2000
SHARE_ACTION_ID = "share_answer"
FEEDBACK_ACTION_ID = "answer_feedback"
REASON_CALLBACK_ID = "feedback_reason"
REASON_CHOICES = ("wrong", "unrelated", "missing", "declined")
"""The "what was wrong?" modal's checkboxes (``reason_<choice>`` in :mod:`bot.core.strings`)."""
MAX_REASON_CHARS = 1000

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


def feedback_block(answer_id: int, lang: str) -> ContextActionsBlock:
    """Slack's native 👍 / 👎 feedback buttons; each value names the vote, the stored answer and the reply's
    language (``good:42:es``), so even a vote the store cannot take is answered in that language."""
    lang = ui_language(lang)
    return ContextActionsBlock(elements=[FeedbackButtonsElement(
        action_id=FEEDBACK_ACTION_ID,
        positive_button=FeedbackButtonObject(text=t(lang, "feedback_good"), value=f"good:{answer_id}:{lang}"),
        negative_button=FeedbackButtonObject(text=t(lang, "feedback_bad"), value=f"bad:{answer_id}:{lang}"),
    )])


@dataclass(frozen=True)
class FeedbackValue:
    """What a feedback button's value says: +1 or -1, on which stored answer, in which UI language."""

    vote: int
    answer_id: int
    lang: str


def parse_feedback_value(value: str) -> FeedbackValue | None:
    """The vote a feedback button's value carries, or None when it is not one of ours."""
    vote, _, rest = value.partition(":")
    answer_id, _, lang = rest.partition(":")
    if vote not in ("good", "bad") or not answer_id.isdigit() or len(answer_id) > 18:
        return None
    if lang and lang not in UI_LANGUAGES:
        return None
    return FeedbackValue(1 if vote == "good" else -1, int(answer_id), lang or "en")


@dataclass(frozen=True)
class ReasonContext:
    """What the "what was wrong?" modal carries (``private_metadata``): the answer, where to reply, the language."""

    answer_id: int
    channel: str
    lang: str

    def encode(self) -> str:
        return json.dumps({"a": self.answer_id, "c": self.channel, "l": self.lang})

    @classmethod
    def decode(cls, metadata: str) -> ReasonContext | None:
        try:
            data = json.loads(metadata)
            context_ = cls(int(data["a"]), str(data.get("c") or ""), ui_language(str(data.get("l") or "en")))
        except (ValueError, KeyError, TypeError):
            return None
        return context_ if context_.answer_id > 0 else None


def reason_modal(reason: ReasonContext) -> View:
    """The "what was wrong?" modal a 👎 opens."""
    lang = ui_language(reason.lang)
    return View(
        type="modal",
        callback_id=REASON_CALLBACK_ID,
        private_metadata=reason.encode(),
        title=PlainTextObject(text=clip(t(lang, "reason_title"), 24)),
        submit=PlainTextObject(text=t(lang, "reason_submit")),
        close=PlainTextObject(text=t(lang, "reason_close")),
        blocks=[
            InputBlock(
                block_id="choices", optional=True, label=t(lang, "reason_label"),
                element=CheckboxesElement(action_id="choices", options=[
                    Option(value=choice, text=t(lang, f"reason_{choice}")) for choice in REASON_CHOICES
                ]),
            ),
            InputBlock(
                block_id="details", optional=True, label=t(lang, "reason_other"),
                element=PlainTextInputElement(action_id="details", multiline=True, max_length=MAX_REASON_CHARS),
            ),
        ],
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


def parts_mrkdwn(parts: list[Part]) -> str:
    """Citation parts as Slack mrkdwn: escaped text, links as ``<url|text>``."""
    return " · ".join(link(part.url, part.text) if part.url else escape(part.text) for part in parts)


def parts_plain(parts: list[Part]) -> str:
    """The same parts for the plain-text fallback (escaped, URLs after their text)."""
    return " · ".join(f"{escape(part.text)}: {escape(part.url)}" if part.url else escape(part.text) for part in parts)


def _sessions_blocks(answer: Answer, lang: str, tail: list[Block]) -> Message:
    events = {session.event for session in answer.sessions}
    one_event = len(events) == 1
    title = t(lang, "sessions_title", count=len(answer.sessions)) + (f" · {next(iter(events))}" if one_event else "")
    shown = answer.sessions[:MAX_LISTED_SHOWN]
    cards = [session_parts(s, lang, with_event=not one_event) for s in shown]
    lines = ["• " + parts_mrkdwn(parts) for parts in cards]
    plain = [escape(title) + ":", *("• " + parts_plain(parts) for parts in cards)]
    if len(answer.sessions) > len(shown):
        more = t(lang, "sessions_more", count=len(answer.sessions) - len(shown))
        lines.append(more)
        plain.append(more)
    blocks: list[Block] = [section(f"*{escape(title)}*"), *line_sections(lines, budget=MAX_BLOCKS - 1 - len(tail))]
    return Message(text="\n".join(plain), blocks=_finish(blocks, tail))


def _upcoming_blocks(answer: Answer, lang: str, tail: list[Block], today: dt.date) -> Message:
    if answer.events:
        title = t(lang, "none_next_month" if answer.asked_month and not answer.month_only else "upcoming_title")
        lines = ["• " + parts_mrkdwn(event_parts(e, lang)) for e in answer.events]
        plain = [title + ":", *("• " + parts_plain(event_parts(e, lang)) for e in answer.events)]
        blocks: list[Block] = [section(f"*{title}*"), *line_sections(lines, budget=MAX_BLOCKS - 1 - len(tail))]
        return Message(text="\n".join(plain), blocks=_finish(blocks, tail))
    text = t(lang, "no_upcoming", today=format_day(today.isoformat(), lang))
    blocks = [section(text)]
    plain = [text]
    if answer.latest:
        blocks.append(section(t(lang, "latest_event", event=parts_mrkdwn(event_parts(answer.latest, lang)))))
        plain.append(t(lang, "latest_event", event=parts_plain(event_parts(answer.latest, lang))))
    return Message(text="\n".join(plain), blocks=_finish(blocks, tail))


def answer_message(
    answer: Answer,
    *,
    echo_question: bool = False,
    share: dict[str, str] | None = None,
    shared_by: str | None = None,
    today: dt.date | None = None,
    feedback: int | None = None,
    note: str | None = None,
) -> Message:
    """The reply to a question: quoted snippets with citations and the videos, a list of sessions, or the
    coming events.

    ``echo_question`` repeats the (defanged) question, for replies seen outside the asker's thread;
    ``share`` adds the "Share in channel" button with that value; ``feedback`` the 👍 / 👎 buttons for
    that stored answer id; ``note`` a line of the bot's own words first (e.g. "I read text only").
    """
    lang = ui_language(answer.lang)
    tail = _echo_and_share(lang, answer.question if echo_question else None, share, shared_by)
    if feedback is not None:
        tail.append(feedback_block(feedback, lang))
    message = _answer_body(answer, lang, tail, today)
    if note:
        body = message.blocks[: len(message.blocks) - len(tail)]
        message.blocks = _finish([context(escape(note)), *body], tail)
        message.text = f"{note}\n\n{message.text}"
    return message


def _answer_body(answer: Answer, lang: str, tail: list[Block], today: dt.date | None) -> Message:
    if answer.kind == "sessions" and answer.sessions:
        return _sessions_blocks(answer, lang, tail)
    if answer.kind == "upcoming":
        return _upcoming_blocks(answer, lang, tail, today or dt.date.today())
    if answer.abstained or not answer.snippets:
        text = t(lang, "dont_know")
        return Message(text=text, blocks=_finish([section(text)], tail))

    lead = t(lang, "lead")
    blocks: list[Block] = [section(lead)]
    plain = [lead, ""]
    sources: dict[str, str] = {}
    video_lines: list[str] = []
    plain_videos: list[str] = []
    # Videos a session or event citation already links are not listed twice.
    # (A video a quoted post sentence links inline is still listed: the list is where to watch.)
    seen = {ln.url for s in answer.snippets if s.kind != "post" for ln in s.links}
    for link_ in answer.links:
        if link_.kind == "video" and link_.url not in seen:
            seen.add(link_.url)
            video_lines.append("• " + link(link_.url, link_.text or link_.url))
            plain_videos.append(f"• {escape(link_.text)}: {escape(link_.url)}")
    reserved = len(tail) + (2 if video_lines else 0)
    for snippet in answer.snippets:
        if len(blocks) + 2 + reserved > MAX_BLOCKS:
            break
        inline = inline_parts(snippet.text.strip(), snippet.links, snippet.spans)
        blocks.append(section(quote_lines("".join(link(p.url, p.text) if p.url else escape(p.text) for p in inline))))
        plain.append(quote_lines(escape("".join(f"{p.text} ({p.url})" if p.url else p.text for p in inline))))
        if snippet.session is not None:
            parts = session_parts(snippet.session, lang)
        elif snippet.event is not None:
            parts = event_parts(snippet.event, lang)
        else:
            parts = [Part(snippet.title, snippet.url), *(Part(x) for x in (snippet.section, snippet.date) if x),
                     Part(language_name(lang, snippet.lang))]
            sources.setdefault(snippet.url, escape(snippet.title))
        blocks.append(context(parts_mrkdwn(parts)))
        plain.append("— " + parts_plain(parts))
    if video_lines:
        blocks.append(section(f"*{t(lang, 'videos')}*"))
        blocks.extend(line_sections(video_lines, budget=1))
        plain += ["", f"{t(lang, 'videos')}:", *plain_videos]
    if sources:
        plain += ["", f"{t(lang, 'sources')}:", *(f"• {title}: {escape(url)}" for url, title in sources.items())]
    return Message(text="\n".join(plain), blocks=_finish(blocks, tail))


def help_message(lang: str) -> Message:
    text = t(lang, "help")
    return Message(text=text, blocks=[section(text)])


def error_message(lang: str) -> Message:
    text = t(lang, "error")
    return Message(text=text, blocks=[section(text)])


def events_message(
    upcoming: list[Event],
    past: list[Event],
    lang: str,
    query: str = "",
    share: dict[str, str] | None = None,
    shared_by: str | None = None,
) -> Message:
    """The catalogue: upcoming events first (soonest first), then past ones (newest first), with dates,
    places and links."""
    lang = ui_language(lang)
    if not upcoming and not past:
        text = t(lang, "no_events_match", filter=defang(clip(query, 200))) if query else t(lang, "no_events")
        return Message(text=text, blocks=[section(text)])
    title = t(lang, "events_title")
    lines: list[str] = []
    plain = [title + ":"]
    for heading, group in ((t(lang, "events_upcoming"), upcoming), (t(lang, "events_past"), past)):
        if not group:
            continue
        lines.append(f"*{heading}*")
        plain.append(f"{heading}:")
        lines += ["• " + parts_mrkdwn(event_parts(event, lang)) for event in group]
        plain += ["• " + parts_plain(event_parts(event, lang)) for event in group]
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
    """Recordings (talk title and speakers) grouped under their event."""
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
        if video.event_name != current:
            current = video.event_name
            lines.append(f"*{link(video.event_url, video.event_name)}*" if video.event_url else f"*{escape(current)}*")
            plain.append(f"{escape(video.event_name)} ({escape(video.event_url)})")
        who = f" — {escape(', '.join(video.speakers))}" if video.speakers else ""
        lines.append("• " + link(video.url, video.title or video.url) + who)
        plain.append(f"• {escape(video.title)}{who}: {escape(video.url)}")
    tail = _echo_and_share(lang, None, share, shared_by)
    blocks: list[Block] = [section(f"*{title}*"), *line_sections(lines, budget=MAX_BLOCKS - 1 - len(tail))]
    return Message(text="\n".join(plain), blocks=_finish(blocks, tail))


def report_message(report: GapReport) -> Message:
    """The report for Slack (admins only): user text is defanged, lists are clipped to Slack's limits."""
    text = report.to_text()
    head = (f"*Gap report* {report.since} → {report.until}: {report.asked} questions, "
            f"{report.declined_share:.0%} declined")
    langs = " · ".join(f"{f.lang}: {f.asked} asked, {f.declined} declined, {f.votes_up}👍 {f.votes_down}👎"
                       for f in report.languages) or "no questions yet"
    lines = ["*Declined*", *(f"• {d.times}× [{d.lang}] {defang(clip(d.question, 200))}" for d in report.declined)]
    lines += ["*Voted 👎*"]
    for d in report.downvoted:
        lines.append(f"• {d.votes_down}× [{d.lang}] {defang(clip(d.question, 200))} → "
                     f"{'declined' if d.declined else defang(d.topic or '?')}")
        lines += [f"    _{defang(clip(reason, 300))}_" for reason in d.reasons]
    lines += ["*Most asked topics*", *(f"• {t.asked}× {defang(t.topic)} ({t.votes_up}👍 {t.votes_down}👎)"
                                       for t in report.topics)]
    return Message(text=defang(text), blocks=[section(head), section(langs), *line_sections(lines, budget=40)])
