"""What a listener leaves to be done after the ack: one :class:`Work`, kept in the store until it is done.

A listener looks at the request, decides what it asks for, and records a :class:`Work` through
:meth:`bot.slack.delivery.Responder.defer` before Slack is told the request was received. Whoever takes it
from the store (a thread here, another process, another host: :mod:`bot.slack.runner`) runs the handler of
its :class:`WorkKind`, which rebuilds what it needs (the Web API client, ``respond``, the assistant's status)
from the request body. So a Work holds only plain data: the body and what the listener already read from it.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

DROPPED_BODY_KEYS = ("token", "authorizations", "authed_users")
"""Parts of a request body no handler needs and that should not be stored, even sealed (the verification
token is a credential)."""


class WorkKind(StrEnum):
    REPLY = "reply"  # answer a message (mention, DM, followed thread)
    PANEL = "panel"  # answer in the assistant panel (status, title, reply)
    GREET = "greet"  # greet a new assistant thread and suggest prompts
    COMMAND = "command"  # answer /istio-events through response_url
    SHARE = "share"  # post a shared reply for everyone
    HOME = "home"  # publish the Home tab
    FLOOD_NOTE = "flood_note"  # tell a flooding asker their questions wait


@dataclass(frozen=True)
class Work:
    """One request's deferred work. ``key`` makes it exactly once (the same message, command or event
    accepted twice is one Work); ``surface`` labels metrics and the question log."""

    kind: WorkKind
    key: str
    surface: str
    body: dict[str, Any] = field(repr=False)
    question: str = ""
    thread_ts: str | None = None
    note: str | None = None

    @classmethod
    def of(cls, kind: WorkKind, key: str, surface: str, body: dict[str, Any], **read: Any) -> Work:
        """A Work for ``body``, less what must not be stored (:data:`DROPPED_BODY_KEYS`)."""
        kept = {name: value for name, value in body.items() if name not in DROPPED_BODY_KEYS}
        return cls(kind, key, surface, kept, **read)

    def payload(self) -> dict[str, Any]:
        """What the store keeps (sealed): everything but the kind and key, which are columns."""
        data = asdict(self)
        del data["kind"], data["key"]
        return data

    @classmethod
    def from_payload(cls, kind: str, key: str, payload: dict[str, Any]) -> Work:
        return cls(kind=WorkKind(kind), key=key, **payload)

    def flood_note(self, flood_key: str) -> Work:
        """The "many questions waiting" note for this Work's asker, where this Work would have answered."""
        return Work(WorkKind.FLOOD_NOTE, flood_key, self.surface, self.body, self.question, self.thread_ts)

    @property
    def event(self) -> dict[str, Any]:
        event = self.body.get("event")
        return event if isinstance(event, dict) else {}


def message_key(channel: str, ts: str) -> str:
    """One message, however many events Slack sends for it (``app_mention`` and ``message``, retries)."""
    return f"msg:{channel}:{ts}"


def request_key(prefix: str, body: dict[str, Any]) -> str:
    """A command's or action's trigger, an event's id; a random key when Slack sent neither (never retried)."""
    ident = body.get("trigger_id") or body.get("event_id") or uuid.uuid4().hex
    return f"{prefix}:{ident}"
