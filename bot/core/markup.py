"""Slack's message markup read back as the words a user sees, before a question is searched.

Slack sends ``&`` as ``&amp;``, a colleague as ``<@U024BE7LH>``, a channel as ``<#C0123|events>`` and
a link as ``<https://istio.io|istio.io>``. Searched as is, ``amp`` and ``U024BE7LH`` are words no
post contains, and the question looks like it is about something else.
"""

from __future__ import annotations

import re

_ANGLED = re.compile(r"<([^<>]*)>")
USER_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
"""A mention of a person (or the bot) as Slack sends it: ``<@U024BE7LH>``, ``<@W0123|ana>``. The one definition."""
_SURROGATE = re.compile("[\ud800-\udfff]")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}


def _readable(match: re.Match[str]) -> str:
    target, _, label = match.group(1).partition("|")
    if target.startswith(("@", "!")):
        return " "  # people, user groups and @here are who is asked, not what
    if target.startswith("#"):
        return label or " "  # a channel reads as its name
    return label or target.removeprefix("mailto:")  # a link reads as its label, or its address


def drop_lone_surrogates(text: str) -> str:
    """``text`` without the halves of characters a JSON body can carry (``"\\ud83d"``): they are nothing a
    user typed, and they cannot be encoded as UTF-8 (the language detector and the Web API would fail)."""
    return _SURROGATE.sub("", text)


def unmark(text: str) -> str:
    """``text`` as the user saw it in Slack: mentions removed, channels and links as their names,
    the three escaped characters restored (``&amp;`` last, so ``&amp;lt;`` stays ``&lt;``)."""
    text = _ANGLED.sub(_readable, drop_lone_surrogates(text))
    text = re.sub(r"&(lt|gt|amp);", lambda m: _ENTITIES[m.group(0)], text)
    return " ".join(text.split())


_SPECIAL = re.compile(r"<(?P<kind>[!@#])(?P<body>[^>|]*)(?:\|(?P<label>[^>]*))?>")
_BROADCAST_WORDS = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_ZWSP = "\u200b"


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


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut (user text a reply repeats, and
    anything that must fit one of Slack's limits)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
