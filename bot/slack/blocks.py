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

from bot.core.citations import Part
from bot.core.language import UI_LANGUAGES, ui_language
from bot.core.markup import clip, neutralize
from bot.core.reply import Reply, ReplyKind
from bot.core.strings import t
from bot.render.text import render_text
from bot.store.report import GapReport

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

def escape(text: str) -> str:
    """Escape the three characters Slack's markup gives meaning to (``&`` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def defang(text: str) -> str:
    """User text made inert for echoing: :func:`neutralize`, then :func:`escape`."""
    return escape(neutralize(text))


def link(url: str, label: str) -> str:
    """A ``<url|label>`` link whose URL cannot close the markup early and whose label is escaped."""
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return f"<{escape(safe_url)}|{escape(label).replace('|', '¦') or escape(safe_url)}>"


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


def reply_message(
    reply: Reply,
    *,
    echo_question: bool = False,
    share: dict[str, str] | None = None,
    shared_by: str | None = None,
    feedback: int | None = None,
) -> Message:
    """A reply as Block Kit, with its plain-text fallback (:func:`bot.render.text.render_text`, defanged).

    The blocks lay out the reply's parts in order: the bot's note, the title (bold over a list), each
    quote with its citation, the videos, then each group of a list and what was left out. ``echo_question``
    repeats the (defanged) question, for replies seen outside the asker's thread; ``share`` adds the
    "Share in channel" button with that value; ``shared_by`` marks a shared copy; ``feedback`` adds the
    👍 / 👎 buttons for that stored answer id.
    """
    lang = ui_language(reply.lang)
    tail = _echo_and_share(lang, reply.question if echo_question else None, share, shared_by)
    if feedback is not None:
        tail.append(feedback_block(feedback, lang))
    blocks: list[Block] = [context(defang(reply.note))] if reply.note else []
    if reply.title:
        title = defang(reply.title)
        # A list's title is its bold heading; a sentence ("I know of no upcoming event…") stays plain.
        heads_a_list = bool(reply.groups) and (reply.kind != ReplyKind.UPCOMING or bool(reply.events))
        blocks.append(section(f"*{title}*" if heads_a_list else title))
    reserved = len(tail) + (2 if reply.videos else 0)
    for quoted in reply.quotes:
        if len(blocks) + 2 + reserved > MAX_BLOCKS:
            break
        blocks.append(section(quote_lines(parts_inline(quoted.inline))))
        blocks.append(context(parts_mrkdwn(quoted.citation)))
    if reply.videos:
        blocks.append(section(f"*{t(lang, 'videos')}*"))
        blocks.extend(line_sections(["• " + link(ln.url, ln.text or ln.url) for ln in reply.videos], budget=1))
    lines: list[str] = []
    for group in reply.groups:
        if group.heading is not None:
            lines.append(f"*{parts_mrkdwn([group.heading])}*")
        lines += ["• " + parts_mrkdwn(item) for item in group.items]
    if reply.more:
        lines.append(escape(reply.more))
    blocks += line_sections(lines, budget=MAX_BLOCKS - len(blocks) - len(tail))
    text = defang(render_text(reply, wrap=False))
    return Message(text=text, blocks=_finish(blocks, tail))


def parts_inline(parts: list[Part]) -> str:
    """A quoted text as mrkdwn: escaped words, each link drawn on the words the post links."""
    return "".join(link(part.url, part.text) if part.url else escape(part.text) for part in parts)


def text_message(text: str) -> Message:
    """A short message of the bot's own words (already mrkdwn, e.g. a refusal or a thank-you)."""
    return Message(text=text, blocks=[section(text)])


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
