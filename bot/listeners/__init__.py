"""Every Slack listener, registered from one place: one module per surface.

Listeners get the shared :class:`~bot.delivery.Responder` (``context["responder"]``), the cached Home
tabs (``context["home_tabs"]``) and users' languages (``context["locales"]``) from Bolt's context, put
there by a global middleware registered before any other, so each listener stays a plain module-level
function.
"""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App, BoltContext

from bot.delivery import Responder
from bot.home import HomeTabs
from bot.listeners import actions, assistant, commands, feedback, home, mentions, messages
from bot.listeners.assistant import Locales


def register(app: App, responder: Responder, home_tabs: HomeTabs) -> None:
    """Attach the shared objects to every request's context and register each surface's listeners."""
    locales = Locales()

    @app.middleware
    def provide_responder(context: BoltContext, next: Callable[[], None]) -> None:
        context["responder"] = responder
        context["home_tabs"] = home_tabs
        context["locales"] = locales
        next()

    assistant.register(app)  # a middleware: it takes the assistant thread's messages before `messages` sees them
    mentions.register(app)
    messages.register(app)
    commands.register(app)
    actions.register(app)
    feedback.register(app)
    home.register(app)
