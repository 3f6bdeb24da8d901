"""``istio-events-bot serve``: Socket Mode with ``SLACK_APP_TOKEN``, else HTTP on ``$PORT``.

HTTP mode is a Starlette app under uvicorn (a production ASGI server): ``POST /slack/events`` goes to
Bolt through its Starlette adapter (signature checked by Bolt), ``GET /healthz`` says whether the
model and index are loaded. The server binds at once, so platforms that wait for the port see it
quickly, but Slack events get 503 until the index is loaded; Slack retries them later.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.answer import Answerer
from bot.app import RedactTokens, SlackConfig, create_app
from bot.store import Store, StoreError
from embeddings.config import Settings

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


@dataclass
class AppSlot:
    """The Bolt app once it exists: empty while the model and index load."""

    app: App | None = None
    passages: int = 0
    failed: str | None = None
    ready: threading.Event = field(default_factory=threading.Event)

    def fill(self, app: App, passages: int) -> None:
        self.app, self.passages = app, passages
        self.ready.set()


def create_asgi_app(slot: AppSlot, signing_secret: str | None = None) -> Starlette:
    """The HTTP endpoints around a (possibly not yet loaded) Bolt app.

    Every request to ``/slack/events`` is checked against ``signing_secret`` (``SLACK_SIGNING_SECRET`` when
    not given) before anything else, its body included, is read: a bad signature gets 401 whether or not the
    app has loaded, and a signed body that is not what Slack sends gets 400, not a traceback.
    """
    verifier = SignatureVerifier(signing_secret or os.environ.get("SLACK_SIGNING_SECRET") or "")

    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            logger.warning("request to %s with a bad or missing signature rejected", EVENTS_PATH)
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        app = slot.app
        if app is None:
            return JSONResponse({"error": "starting"}, status_code=503, headers={"Retry-After": "5"})
        try:
            bolt_request = to_bolt_request(request, body)
        except ValueError as exc:  # JSON that does not parse, or a form whose payload is not JSON
            logger.warning("signed request with a body Slack does not send rejected (%s)", type(exc).__name__)
            return JSONResponse({"error": "unreadable body"}, status_code=400)
        # Bolt's dispatch is synchronous (signature check, ack, listener hand-off): keep it off the loop.
        bolt_response = await run_in_threadpool(app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)

    async def healthz(request: Request) -> Response:
        if slot.app is None:
            return JSONResponse({"status": "failed" if slot.failed else "loading"}, status_code=503)
        return JSONResponse({"status": "ok", "passages": slot.passages})

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route(HEALTH_PATH, healthz, methods=["GET"]),
        ]
    )


def load_app(
    settings: Settings, config: SlackConfig, answerer_factory: Callable[[Settings], Answerer], store: Store
) -> tuple[App, Answerer]:
    """Load the model and index, then build the Slack app around them (and the already opened store)."""
    answerer = answerer_factory(settings)
    # The first question would otherwise pay for the language detector's models and jieba's dictionary.
    answerer.ask("Who gave the opening keynote?")
    logger.info("index loaded: %d passages", len(answerer.index.passages))
    app = create_app(answerer, token=config.bot_token, signing_secret=config.signing_secret, api_url=config.api_url,
                     store=store)
    return app, answerer


def _redact_logs() -> None:
    redact = RedactTokens()
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def open_store() -> Store:
    """Open (and migrate) the store before anything loads: a wrong ``DATABASE_URL`` stops here, clearly."""
    try:
        store = Store.from_env()
    except StoreError as exc:
        raise SystemExit(f"the store cannot be used: {exc} (see DATABASE_URL in the README)") from None
    logger.info("store: %s", store.url_for_logs)
    return store


def serve(
    settings: Settings,
    config: SlackConfig | None = None,
    answerer_factory: Callable[[Settings], Answerer] = Answerer.from_settings,
    host: str = "0.0.0.0",
) -> None:
    """Run the bot until interrupted; the model and index load once, before any event is handled."""
    _redact_logs()
    config = config or SlackConfig.from_env()
    if not config.bot_token:
        raise SystemExit("SLACK_BOT_TOKEN is not set (see .env.example)")
    if not config.socket_mode and not config.signing_secret:
        raise SystemExit("SLACK_SIGNING_SECRET is not set; HTTP mode cannot verify requests")
    store = open_store()
    if config.socket_mode:
        serve_socket_mode(settings, config, answerer_factory, store)
    else:
        serve_http(settings, config, answerer_factory, host, store)


def serve_socket_mode(
    settings: Settings, config: SlackConfig, answerer_factory: Callable[[Settings], Answerer], store: Store
) -> None:
    """Load first, then open the WebSocket: nothing is received before the index is ready."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app, _ = load_app(settings, config, answerer_factory, store)
    logger.info("starting in Socket Mode")
    SocketModeHandler(app, config.app_token).start()


def serve_http(
    settings: Settings, config: SlackConfig, answerer_factory: Callable[[Settings], Answerer], host: str,
    store: Store,
) -> None:
    """uvicorn on ``config.port``; the index loads in a thread while ``/healthz`` answers 503."""
    import uvicorn

    slot = AppSlot()
    asgi = create_asgi_app(slot, config.signing_secret)
    server = uvicorn.Server(uvicorn.Config(asgi, host=host, port=config.port, log_level="info"))

    def load() -> None:
        try:
            app, answerer = load_app(settings, config, answerer_factory, store)
            slot.fill(app, len(answerer.index.passages))
        except Exception as exc:
            slot.failed = type(exc).__name__
            logger.exception("could not load the index; stopping")
            server.should_exit = True

    threading.Thread(target=load, name="load-index", daemon=True).start()
    logger.info("HTTP mode on %s:%d%s", host, config.port, EVENTS_PATH)
    server.run()
    if slot.failed:
        raise SystemExit(1)

