"""The Slack app: one factory, configured by the caller (``serve`` hands down the settings it started with).

``create_app`` is the only place a Bolt ``App`` is built, so HTTP mode, Socket Mode and the tests
run the same listeners with the same Web API client (retries on rate limits and connection errors,
optional ``SLACK_API_URL`` for a local mock).
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import Future

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.core.answerer import Answerer
from bot.settings import BotOptions, SlackConfig
from bot.slack.answer_pool import AnswerPool
from bot.slack.delivery import Responder
from bot.slack.listeners import register
from bot.slack.metrics import Metrics
from bot.store import Store

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


def create_app(
    answerer: Answerer | Future[Answerer],
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
    pool: AnswerPool | None = None,
) -> App:
    """The Bolt app with every listener registered.

    ``serve`` passes ``config``, ``store`` and ``options`` from the settings it was started with. Without
    ``config``, the environment's (:meth:`SlackConfig.from_env`) is used, ``token``, ``signing_secret`` and
    ``api_url`` overriding it; without ``store``, :meth:`Store.from_env`; without ``options``,
    :meth:`BotOptions.from_env` (these fallbacks are for tests and library callers). Listeners run after the
    ack (``process_before_response=False``) and only queue the answer in ``pool`` (by default
    ``config.answer_workers`` threads taking turns between askers), so retrieval never holds Bolt's listener
    threads and an ack never waits behind an answer. ``answerer`` may be a future while the index loads:
    events are acknowledged and queued meanwhile, and answered once it resolves.
    """
    if config is None:
        config = SlackConfig.from_env(bot_token=token, signing_secret=signing_secret, api_url=api_url)
    client = client or create_web_client(config.bot_token, config.api_url)
    app = App(
        client=client,
        signing_secret=config.signing_secret or "",
        process_before_response=False,
        token_verification_enabled=token_verification_enabled,
        name="istio-events-bot",
    )
    responder = Responder(answerer, store or Store.from_env(), options or BotOptions.from_env(),
                          pool=pool or AnswerPool(workers=config.answer_workers), metrics=metrics or Metrics())
    responder.pool.on_wait = responder.metrics.wait_seconds.observe
    register(app, responder)
    return app
