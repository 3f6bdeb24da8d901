"""Every Slack listener, registered from one place: one module per surface.

Listeners get the shared :class:`~bot.slack.delivery.Responder` (``context["responder"]``) and users' languages
(``context["locales"]``) from Bolt's context, put there by a global middleware registered before any
other, so each listener stays a plain module-level function; the same middleware cuts the message's text
to ``MAX_QUESTION_CHARS`` (:func:`~bot.slack.delivery.cut_question`) before any listener reads it.
Listeners check what they got and record what is to be done as a :class:`~bot.slack.work.Work`
(``Responder.defer``) before Slack is told the request was received; each module's ``WORK`` maps the kinds of
Work it leaves to the handlers that do them, gathered by :func:`work_handlers` for the runners.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.slack.delivery import Handler, Responder, cut_question, post_flood_note
from bot.slack.listeners import actions, assistant, commands, feedback, home, mentions, messages
from bot.slack.work import Work, WorkKind

PRIVATE_SURFACES = frozenset({"command", "share"})
"""Surfaces whose replies go through ``response_url``: their flood note too."""


def flood_note(responder: Responder, client: WebClient, work: Work) -> None:
    """The one "many questions waiting" note of a flood, as the dropped question would have been answered."""
    if work.surface in PRIVATE_SURFACES:
        commands.flood_note(responder, client, work)
    else:
        post_flood_note(responder, client, work)


def work_handlers() -> dict[WorkKind, Handler]:
    """Every kind of Work and its handler: what a :class:`~bot.slack.runner.Runner` runs."""
    handlers: dict[WorkKind, Handler] = {WorkKind.FLOOD_NOTE: flood_note}
    for module in (mentions, assistant, commands, actions, home):
        handlers.update(module.WORK)
    missing = set(WorkKind) - set(handlers)
    if missing:
        raise RuntimeError(f"no handler for {sorted(missing)}")
    return handlers


def register(app: App, responder: Responder) -> None:
    """Attach the shared objects to every request's context and register each surface's listeners."""

    @app.middleware
    def provide_responder(context: BoltContext, body: dict[str, Any], next: Callable[[], None]) -> None:
        cut_question(body)  # the one place a message's text is bounded: every surface reads it after this
        context["responder"] = responder
        next()

    assistant.register(app)  # a middleware: it takes the assistant thread's messages before `messages` sees them
    mentions.register(app)
    messages.register(app)
    commands.register(app)
    actions.register(app)
    feedback.register(app)
    home.register(app)
