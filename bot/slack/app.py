"""The Slack app: one factory, configured by the caller (``serve`` hands down the settings it started with).

``create_slack`` is the only place a Bolt ``App`` is built, so HTTP mode, Socket Mode and the tests
run the same listeners with the same Web API client (retries on rate limits and connection errors,
optional ``SLACK_API_URL`` for a local mock).
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import Future
from typing import Any, NamedTuple

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.core.answerer import Answerer
from bot.settings import BotOptions, ConfigError, SlackConfig
from bot.slack.delivery import Responder
from bot.slack.listeners import register, work_handlers
from bot.slack.metrics import Metrics
from bot.slack.runner import Runner
from bot.store import Store
from bot.store.jobs import JobQueue, Sealer

RATE_LIMIT_RETRIES = 2
CONNECTION_RETRIES = 2
_TOKEN = re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+")


class RedactTokens(logging.Filter):
    """Blank out anything shaped like a Slack token, whatever logged it: the message, and the traceback
    of ``logger.exception`` (formatted here, so the handler's formatter prints the redacted text)."""

    _FORMATTER = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _TOKEN.search(message):
            record.msg, record.args = _TOKEN.sub("xox?-(redacted)", message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._FORMATTER.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = _TOKEN.sub("xox?-(redacted)", record.exc_text)
        if record.stack_info:
            record.stack_info = _TOKEN.sub("xox?-(redacted)", record.stack_info)
        return True


def create_web_client(token: str | None, api_url: str | None = None) -> WebClient:
    """A WebClient that waits out 429s (``Retry-After``) and retries dropped connections."""
    return WebClient(
        token=token,
        base_url=api_url.rstrip("/") + "/" if api_url else WebClient.BASE_URL,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


class SlackApp(NamedTuple):
    """The Bolt app, the responder its listeners share, and the runner answering here (None when answer
    processes do: :mod:`bot.slack.workers`)."""

    app: App
    responder: Responder
    runner: Runner | None

    def close(self) -> None:
        """Stop answering here (work not started stays in the store for whoever runs next)."""
        if self.runner is not None:
            self.runner.close()


def create_slack(
    answerer: Answerer | Future[Answerer] | None,
    *,
    config: SlackConfig | None = None,
    token: str | None = None,
    signing_secret: str | None = None,
    api_url: str | None = None,
    store: Store | None = None,
    options: BotOptions | None = None,
    client: WebClient | None = None,
    token_verification_enabled: bool = True,
    metrics: Metrics | None = None,
    jobs: JobQueue | None = None,
    answer_here: bool = True,
) -> SlackApp:
    """The Bolt app with every listener registered, and (``answer_here``) a runner answering in this process.

    ``serve`` passes ``config``, ``store`` and ``options`` from the settings it was started with. Without
    ``config``, the environment's (:meth:`SlackConfig.from_env`) is used, ``token``, ``signing_secret`` and
    ``api_url`` overriding it; without ``store``, :meth:`Store.from_env`; without ``options``,
    :meth:`BotOptions.from_env` (these fallbacks are for tests and library callers).

    Listeners run before the response (``process_before_response=True``) and only record work in the store
    (``jobs``, sealed with ``config.job_secret``): Slack hears "received" only once the work is recorded, and
    a listener that cannot record it fails the request, so Slack delivers it again. The runner (or the answer
    processes ``serve`` starts with ``answer_here=False``) takes the work from the store. ``answerer`` may be a
    future while the index loads (work waits for it), or None where this process does not answer.
    """
    if config is None:
        config = SlackConfig.from_env(bot_token=token, signing_secret=signing_secret, api_url=api_url)
    client = client or create_web_client(config.bot_token, config.api_url)
    app = App(
        client=client,
        signing_secret=config.signing_secret or "",
        process_before_response=True,
        token_verification_enabled=token_verification_enabled,
        name="istio-events-bot",
    )
    store = store or Store.from_env()
    jobs = jobs or create_job_queue(store, config)
    responder = Responder(answerer, store, jobs, options or BotOptions.from_env(), metrics=metrics or Metrics(),
                          client=client)
    runner = None
    if answer_here:
        runner = Runner(jobs, work_handlers(), responder, client, config.answer_workers).start()
        responder.wake = runner.wake
    register(app, responder)
    return SlackApp(app, responder, runner)


def create_job_queue(store: Store, config: SlackConfig) -> JobQueue:
    """The queue of accepted work, sealed with the app's shared secret (:attr:`SlackConfig.job_secret`)."""
    secret = config.job_secret
    if not secret:
        raise ConfigError("no Slack secret to seal waiting work with: set SLACK_SIGNING_SECRET (or SLACK_BOT_TOKEN)")
    return JobQueue(store, Sealer(secret), lease=config.job_lease)


def create_app(answerer: Answerer | Future[Answerer] | None, **kwargs: Any) -> App:
    """The Bolt app alone (:func:`create_slack`'s ``app``), for callers that never stop its runner."""
    return create_slack(answerer, **kwargs).app
