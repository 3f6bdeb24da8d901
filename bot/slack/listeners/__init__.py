"""Every Slack listener, registered from one place: one module per surface.

Listeners get the shared :class:`~bot.slack.delivery.Responder` (``context["responder"]``) and users' languages
(``context["locales"]``) from Bolt's context, put there by a global middleware registered before any
other, so each listener stays a plain module-level function; the same middleware cuts the message's text
to ``MAX_QUESTION_CHARS`` (:func:`~bot.slack.delivery.cut_question`) before any listener reads it.
Listeners check what they got and queue the answer with ``Responder.queue``: they return in milliseconds,
so Bolt's threads are always free to ack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext

from bot.slack.delivery import Responder, cut_question
from bot.slack.listeners import actions, assistant, commands, feedback, home, mentions, messages
from bot.slack.listeners.assistant import Locales


def register(app: App, responder: Responder) -> None:
    """Attach the shared objects to every request's context and register each surface's listeners."""
    locales = Locales()

    @app.middleware
    def provide_responder(context: BoltContext, body: dict[str, Any], next: Callable[[], None]) -> None:
        cut_question(body)  # the one place a message's text is bounded: every surface reads it after this
        context["responder"] = responder
        context["locales"] = locales
        next()

    assistant.register(app)  # a middleware: it takes the assistant thread's messages before `messages` sees them
    mentions.register(app)
    messages.register(app)
    commands.register(app)
    actions.register(app)
    feedback.register(app)
    home.register(app)
