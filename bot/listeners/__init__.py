"""Every Slack listener, registered from one place: one module per surface.

Listeners get the shared :class:`~bot.delivery.Responder` from Bolt's context (``context["responder"]``),
put there by a global middleware, so each listener stays a plain module-level function.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext

from bot.delivery import Responder
from bot.listeners import actions, commands, mentions, messages


def register(app: App, responder: Responder) -> None:
    """Attach the responder to every request's context and register each surface's listeners."""

    @app.middleware
    def provide_responder(context: BoltContext, next: Callable[[], None]) -> None:
        context["responder"] = responder
        next()

    mentions.register(app)
    messages.register(app)
    commands.register(app)
    actions.register(app)
