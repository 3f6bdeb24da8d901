"""``istio-events-bot serve``: Socket Mode with ``SLACK_APP_TOKEN``, else HTTP on ``$PORT``.

The Slack side comes up first and the index loads beside it: the Bolt app is built around a future of
the answerer, so events that arrive while the index loads are acknowledged at once and answered as soon
as it is loaded (slash commands included: Slack does not retry those). HTTP mode is a Starlette app
under uvicorn: ``POST /slack/events`` (at most :data:`MAX_BODY_BYTES` read, then the signature checked
before anything else), ``GET /healthz`` (cheap:
200 once events are taken, saying whether the index is loaded yet, or being built because none was built
before the host started) and ``GET /metrics`` (Prometheus).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.core.answerer import Answerer
from bot.settings import BotOptions, ConfigError, SlackConfig
from bot.slack.app import RedactTokens, create_slack
from bot.slack.metrics import Metrics
from bot.slack.workers import AnswerProcesses, AnswerSettings
from bot.store import Store, StoreError, StoreSettings
from embeddings.config import Settings

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
MAX_BODY_BYTES = 1024 * 1024
"""Largest request body read from ``/slack/events`` (1 MiB); larger ones get 413 unread. Slack's event and
interaction payloads are a few KiB (a message is at most 40,000 characters, about 160 KiB as escaped JSON),
so anything near this is not from Slack, and an unsigned body must not cost memory before it is checked."""
WARMING_UP = "warming up: building the index"
"""What ``/healthz`` and the log say while a host that started with no built index builds it."""


class BodyTooLarge(Exception):
    """The request says or turns out to be larger than :data:`MAX_BODY_BYTES`."""


async def read_bounded(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The body, read only while it stays within ``limit``: a ``Content-Length`` over it is refused before a
    byte is read, and a body without one (chunked) is refused as soon as it passes the limit."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise BodyTooLarge
        except ValueError:
            raise BodyTooLarge from None  # not a length: nothing Slack sends
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class AppSlot:
    """What the HTTP endpoints serve: the Bolt app once built, and whether the index behind it is loaded."""

    app: App | None = None
    metrics: Metrics = field(default_factory=Metrics)
    passages: int = 0
    failed: str | None = None
    building: bool = False
    """No index was built when the host started: the load builds it first (see :func:`needs_build`)."""
    disk: tuple[Path, Path] | None = None
    """The cache and index directories, whose sync status and live build ``/metrics`` reports."""
    ready: threading.Event = field(default_factory=threading.Event)
    """Set once the index is loaded and questions are answered (events are taken before that)."""

    def fill(self, app: App, passages: int) -> None:
        """The app with its index loaded (tests and benchmarks that load first use this alone)."""
        self.app = app
        self.loaded(passages)

    def loaded(self, passages: int) -> None:
        self.passages = passages
        self.ready.set()


def create_asgi_app(slot: AppSlot, signing_secret: str | None = None) -> Starlette:
    """The HTTP endpoints around a (possibly not yet loaded) Bolt app.

    A request to ``/slack/events`` whose body is over :data:`MAX_BODY_BYTES` gets 413 without the body being
    read (or, without a ``Content-Length``, as soon as it passes the limit). The bounded body is then checked
    against ``signing_secret`` (``serve`` passes its settings'; left out, ``SLACK_SIGNING_SECRET`` through
    :func:`bot.settings.load_settings`) before anything else is done with it: a bad signature gets 401
    whether or not the app has loaded, and a signed body that is not what Slack sends gets 400, not a
    traceback.
    """
    if signing_secret is None:
        from bot.settings import load_settings

        signing_secret = load_settings().slack_signing_secret
    verifier = SignatureVerifier(signing_secret or "")

    async def slack_events(request: Request) -> Response:
        try:
            body = await read_bounded(request)
        except BodyTooLarge:
            logger.warning("request to %s over %d bytes rejected unread", EVENTS_PATH, MAX_BODY_BYTES)
            return JSONResponse({"error": "body too large"}, status_code=413)
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
        if slot.failed:
            return JSONResponse({"status": "failed"}, status_code=503)
        if slot.app is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        if slot.ready.is_set():
            return JSONResponse({"status": "ok", "index": "ready", "passages": slot.passages})
        if slot.building:
            return JSONResponse({"status": "ok", "index": "building", "detail": WARMING_UP, "passages": 0})
        return JSONResponse({"status": "ok", "index": "loading", "passages": slot.passages})

    async def metrics(request: Request) -> Response:
        if slot.disk is not None:
            slot.metrics.observe_disk(*slot.disk)
        body, content_type = slot.metrics.exposition()
        return Response(body, media_type=content_type)

    return Starlette(
        routes=[
            Route(EVENTS_PATH, slack_events, methods=["POST"]),
            Route(HEALTH_PATH, healthz, methods=["GET"]),
            Route(METRICS_PATH, metrics, methods=["GET"]),
        ]
    )


def needs_build(settings: Settings) -> bool:
    """Whether this host starts with no built index (no release step ran, or ``INDEX_DIR`` is empty): then
    the first load builds it, and questions wait for that; say so in the log, once, before it starts."""
    from embeddings.index import has_build

    if has_build(settings.index_dir):
        return False
    logger.warning("%s: no index was built at %s before start; questions are taken and answered once it is "
                   "built (run `istio-events-bot index` as a release step to skip this)", WARMING_UP,
                   settings.index_dir)
    return True


def load_answerer(settings: Settings, answerer_factory: Callable[[Settings], Answerer]) -> Answerer:
    """Load the index and the query encoder, and warm it (:meth:`Answerer.warm_up`)."""
    answerer = answerer_factory(settings)
    answerer.warm_up()
    logger.info("index loaded: %d passages", len(answerer.index.passages))
    return answerer


def start_loading(
    settings: Settings, answerer_factory: Callable[[Settings], Answerer], metrics: Metrics,
    on_loaded: Callable[[Answerer], None] = lambda answerer: None,
    on_failed: Callable[[BaseException], None] = lambda exc: None,
) -> Future[Answerer]:
    """Load the answerer in a thread; the future resolves (or fails) when it is done."""
    future: Future[Answerer] = Future()

    def load() -> None:
        try:
            answerer = load_answerer(settings, answerer_factory)
        except BaseException as exc:
            logger.error("could not load the index (%s: %s); stopping", type(exc).__name__, exc)
            future.set_exception(exc)
            on_failed(exc)
            return
        metrics.observe_index(answerer.index)
        future.set_result(answerer)
        on_loaded(answerer)

    threading.Thread(target=load, name="load-index", daemon=True).start()
    return future


def _redact_logs() -> None:
    redact = RedactTokens()
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)


def open_store(settings: StoreSettings | None = None) -> Store:
    """Open (and migrate) the store before anything loads: a wrong ``DATABASE_URL`` stops here, clearly.
    Without ``settings``, the environment's (:meth:`Store.from_env`)."""
    try:
        store = Store.from_settings(settings) if settings is not None else Store.from_env()
    except StoreError as exc:
        raise SystemExit(f"the store cannot be used: {exc} (see DATABASE_URL in the README)") from None
    logger.info("store: %s", store.url_for_logs)
    return store


def serve(
    settings: Settings,
    config: SlackConfig | None = None,
    answerer_factory: Callable[[Settings], Answerer] = Answerer.from_settings,
    host: str = "0.0.0.0",
    *,
    store: StoreSettings | None = None,
    options: BotOptions | None = None,
    sync_interval: float = 0.0,
    sync_command: Sequence[str] = ("sync",),
) -> None:
    """Run the bot until interrupted: Slack first, the index loading beside it (events wait in the queue).

    With ``sync_interval`` (``SYNC_INTERVAL``), ``istio-events-bot <sync_command>`` runs once per interval on
    one of the hosts sharing the store (:mod:`bot.slack.schedule`); answering processes swap to what it builds.

    ``istio-events-bot serve`` passes every part of its settings (:mod:`bot.settings`): the index
    ``settings``, the Slack ``config``, the ``store`` and the bot's ``options``. Parts left out come from the
    environment (:meth:`SlackConfig.from_env`, :meth:`Store.from_env`, :meth:`BotOptions.from_env`).
    A missing credential raises :class:`bot.settings.ConfigError`.
    """
    _redact_logs()
    config = config or SlackConfig.from_env()
    if not config.bot_token:
        raise ConfigError("SLACK_BOT_TOKEN is not set: expected a bot token starting with xoxb- (see .env.example)")
    if not config.socket_mode and not config.signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET is not set: HTTP mode cannot verify requests without it "
                          "(or set SLACK_APP_TOKEN for Socket Mode)")
    if store is None:
        from bot.settings import load_settings

        store = load_settings().store_settings
    opened = open_store(store)
    start_schedules(opened, config, settings.index_dir, sync_interval, sync_command)
    if config.socket_mode:
        serve_socket_mode(settings, config, answerer_factory, opened, options, store)
    else:
        serve_http(settings, config, answerer_factory, host, opened, options, store)


def start_schedules(
    store: Store, config: SlackConfig, index_dir: Path, sync_interval: float, sync_command: Sequence[str]
) -> None:
    """The scheduled sync with its announcements (when ``sync_interval``), and the daily reminders: each period
    run by one host (:mod:`bot.slack.schedule`)."""
    from bot.slack.app import create_web_client
    from bot.slack.schedule import DAY, REMIND_KEY, SYNC_KEY, Schedule, remind_today, sync_and_announce

    client = create_web_client(config.bot_token, config.api_url)
    if sync_interval > 0:
        Schedule(store, sync_interval, lambda: sync_and_announce(store, client, index_dir, sync_command),
                 key=SYNC_KEY).start()
    Schedule(store, DAY, lambda: remind_today(store, client, index_dir), key=REMIND_KEY).start()


def _create_app(
    config: SlackConfig, answerer: Future[Answerer] | None, store: Store, metrics: Metrics, options: BotOptions | None,
    settings: Settings | None = None, warming: Callable[[], bool] | None = None,
) -> App:
    """The Bolt app; when it answers here (``answerer`` given), it also swaps to new index builds once loaded.
    ``warming`` says whether a host that started with no index is still building it (askers get a note)."""
    built = create_slack(answerer, config=config, store=store, options=options, metrics=metrics,
                         answer_here=answerer is not None)
    built.responder.warming = warming
    if answerer is not None and settings is not None:
        def watch(loaded: Future[Answerer]) -> None:
            if loaded.exception() is None:
                built.responder.watch_index(settings.index_dir)

        answerer.add_done_callback(watch)
    return built.app


def start_answer_processes(
    settings: Settings, config: SlackConfig, store: StoreSettings, options: BotOptions | None,
    on_ready: Callable[[int], None] = lambda passages: None,
) -> AnswerProcesses:
    """``config.answer_processes`` answer processes (:mod:`bot.slack.workers`), once the index is built: a host
    that starts without one builds it here first (the answer processes must not all build it at once)."""
    from embeddings.index import ensure_index

    processes = AnswerProcesses(AnswerSettings(settings, config, store, options or BotOptions.from_env()),
                                config.answer_processes)

    def start() -> None:
        if needs_build(settings):
            ensure_index(settings)
        processes.start()
        processes.wait_ready()
        logger.info("answer processes ready: %d passages", processes.passages)
        on_ready(processes.passages)

    threading.Thread(target=start, name="answer-processes-start", daemon=True).start()
    return processes


def serve_socket_mode(
    settings: Settings, config: SlackConfig, answerer_factory: Callable[[Settings], Answerer], store: Store,
    options: BotOptions | None = None, store_settings: StoreSettings | None = None,
) -> None:
    """Connect at once; events received while the index loads are acknowledged and answered once it is (by
    the answer processes, or, with ``ANSWER_PROCESSES=0``, here)."""
    from bot.slack.socket_mode import create_socket_mode_handler
    from embeddings.index import has_build

    metrics = Metrics()
    answerer: Future[Answerer] | None = None
    ready = threading.Event()
    warming = None if has_build(settings.index_dir) else (lambda: not ready.is_set())
    if config.answer_processes:
        start_answer_processes(settings, config, store_settings or StoreSettings(store.url), options,
                               on_ready=lambda passages: ready.set())
    else:
        needs_build(settings)
        answerer = start_loading(settings, answerer_factory, metrics, on_loaded=lambda loaded: ready.set())
    handler = create_socket_mode_handler(_create_app(config, answerer, store, metrics, options, settings, warming),
                                         str(config.app_token),
                                         ping_interval=config.ping_interval, pong_timeout=config.pong_timeout)
    logger.info("starting in Socket Mode")
    handler.connect()
    if answerer is not None:
        try:
            answerer.result()
        except Exception:
            handler.close()
            raise SystemExit(1) from None
    block_until_stopped()


def block_until_stopped() -> None:
    """Park the main thread: the Socket Mode client's threads do the work (as ``SocketModeHandler.start``)."""
    threading.Event().wait()


def serve_http(
    settings: Settings, config: SlackConfig, answerer_factory: Callable[[Settings], Answerer], host: str,
    store: Store, options: BotOptions | None = None, store_settings: StoreSettings | None = None,
) -> None:
    """uvicorn on ``config.port``, taking events at once; the index loads meanwhile (in the answer processes,
    or, with ``ANSWER_PROCESSES=0``, in a thread here)."""
    import uvicorn

    from embeddings.index import has_build

    slot = AppSlot(building=not has_build(settings.index_dir), disk=(settings.cache_dir, settings.index_dir))
    asgi = create_asgi_app(slot, config.signing_secret)
    server = uvicorn.Server(uvicorn.Config(asgi, host=host, port=config.port, log_level="info"))

    def failed(exc: BaseException) -> None:
        slot.failed = type(exc).__name__
        server.should_exit = True

    answerer: Future[Answerer] | None = None
    processes = None
    if config.answer_processes:
        processes = start_answer_processes(settings, config, store_settings or StoreSettings(store.url), options,
                                           on_ready=slot.loaded)
    else:
        needs_build(settings)
        answerer = start_loading(settings, answerer_factory, slot.metrics,
                                 on_loaded=lambda loaded: slot.loaded(len(loaded.index.passages)), on_failed=failed)
    warming = (lambda: not slot.ready.is_set()) if slot.building else None
    slot.app = _create_app(config, answerer, store, slot.metrics, options, settings, warming)
    logger.info("HTTP mode on %s:%d%s", host, config.port, EVENTS_PATH)
    server.run()
    if processes is not None:
        processes.stop()
    if slot.failed:
        raise SystemExit(1)
