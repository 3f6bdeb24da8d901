"""The one settings object (bot/settings.py): every variable checked in one place, a bad value one line and
status 2 whatever the subcommand, defaults, CLI flags over the environment, built once by the entry point
and handed down, and ``.env.example`` / the README naming every field."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

import bot.cli
import bot.settings
from bot.settings import SETTINGS, BotSettings, ConfigError, env_name, load_settings
from embeddings.config import DEFAULT_BASE_URL, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MODEL, PROJECT_ROOT, Settings

VARIABLES = [env_name(name) for name in SETTINGS]

BAD = [
    # (variable, bad value, a subcommand that reads it)
    ("SLACK_BOT_TOKEN", "xapp-1-A0-swapped-with-the-app-token", "serve"),
    ("SLACK_APP_TOKEN", "xoxb-1-swapped-with-the-bot-token", "serve"),
    ("PORT", "abc", "serve"),
    ("PORT", "70000", "serve"),
    ("SLACK_API_URL", "slack.com/api", "serve"),
    ("SOCKET_MODE_PING_INTERVAL", "0", "serve"),
    ("SOCKET_MODE_PONG_TIMEOUT", "x", "serve"),
    ("ANSWER_WORKERS", "0", "serve"),
    ("ANSWER_WORKERS", "2.5", "serve"),
    ("ANSWER_PROCESSES", "-1", "serve"),
    ("JOB_LEASE", "0.5", "serve"),
    ("SYNC_INTERVAL", "30", "serve"),
    ("ADMIN_USER_IDS", "alice,bob", "serve"),
    ("FOLLOW_THREADS", "maybe", "serve"),
    ("DATABASE_URL", "not a url", "report"),
    ("DEDUPE_TTL", "-1", "serve"),
    ("FEEDBACK_RETENTION_DAYS", "forever", "report"),
    ("EMBED_MODEL", "two words", "ask"),
    ("SITE_BASE_URL", "istio.io/latest", "index"),
    ("MAX_DOCUMENT_BYTES", "-5", "index"),
    ("MAX_DOCUMENT_BYTES", "lots", "sync"),
]
FREE_FORM = {"SLACK_SIGNING_SECRET", "USER_HASH_SALT", "DOCS_DIR", "INDEX_DIR", "CACHE_DIR", "ISTIO_IO_REPO",
             "EVENTS_REPO"}
"""Any non-empty value is usable (a path that is not there fails later, where it is used, with its own error)."""
SECRETS = {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL", "USER_HASH_SALT"}

ARGS = {
    "serve": ["serve"],
    "report": ["report"],
    "ask": ["ask", "When is the next IstioCon?"],
    "index": ["index"],
    "sync": ["sync", "--istio-io", "/nonexistent", "--dry-run"],
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the shell; ``CACHE_DIR`` in a tmp dir (what the session's conftest also does)."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_every_checked_variable_has_a_bad_value_below() -> None:
    assert set(VARIABLES) - FREE_FORM == {name for name, _, _ in BAD}


@pytest.mark.parametrize(("name", "value", "command"), BAD, ids=[f"{n}={v}" for n, v, _ in BAD])
def test_a_bad_value_is_one_line_naming_the_variable_and_status_2(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    name: str, value: str, command: str,
) -> None:
    monkeypatch.setenv(name, value)
    assert bot.cli.main(ARGS[command]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    [line] = captured.err.splitlines()
    assert line.startswith(f"error: {name}") and "expected" in line, line
    assert "Traceback" not in captured.err
    if name in SECRETS:
        assert value not in line  # a token or a password is never repeated
    else:
        assert repr(value) in line


def test_a_bad_value_stops_the_real_command_too(clean_env: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "CACHE_DIR": str(clean_env), "PORT": "abc", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["error: PORT='abc': expected a TCP port number from 1 to 65535"]


def test_every_bad_variable_is_named_in_the_one_line(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "abc")
    monkeypatch.setenv("ANSWER_WORKERS", "0")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    message = str(raised.value)
    assert "\n" not in message and "PORT=" in message and "ANSWER_WORKERS=" in message
    assert isinstance(raised.value, SystemExit)  # uncaught, a process stops with the line, not a traceback


def test_defaults(clean_env: Path) -> None:
    settings = load_settings()
    assert (settings.slack_bot_token, settings.slack_signing_secret, settings.slack_app_token) == (None, None, None)
    assert (settings.port, settings.slack_api_url) == (3000, None)
    assert (settings.socket_mode_ping_interval, settings.socket_mode_pong_timeout) == (2.0, 3.0)
    assert (settings.answer_workers, settings.follow_threads, settings.admin_user_ids) == (4, True, frozenset())
    assert (settings.database_url, settings.dedupe_ttl, settings.feedback_retention_days) == (None, 3600.0, 90.0)
    assert settings.user_hash_salt is None
    assert (settings.istio_io_repo, settings.events_repo) == (
        "https://github.com/istio/istio.io.git", "https://github.com/softwareguru/istio-events.git")
    assert settings.index_settings == Settings(
        docs_dir=PROJECT_ROOT / "docs", cache_dir=clean_env, model_name=DEFAULT_MODEL, base_url=DEFAULT_BASE_URL,
        index_dir_override=None, max_document_bytes=DEFAULT_MAX_DOCUMENT_BYTES,
    )
    assert settings.index_settings == Settings.from_env()  # the standalone reader of embeddings agrees
    store = settings.store_settings
    assert str(store.url) == f"sqlite:///{clean_env / 'bot.sqlite'}"
    assert (store.claim_ttl, store.retention_days, store.salt) == (3600.0, 90.0, None)
    slack = settings.slack_config
    assert (slack.port, slack.ping_interval, slack.pong_timeout, slack.answer_workers) == (3000, 2.0, 3.0, 4)
    assert not slack.socket_mode
    assert (settings.bot_options.follow_threads, settings.bot_options.admin_user_ids) == (True, frozenset())


def test_empty_or_blank_values_are_unset(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.setenv(name, "" if len(name) % 2 else "   ")
    settings = load_settings()
    assert settings == BotSettings()  # every field at its default


def test_values_from_the_environment_reach_every_part(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    values = {
        "SLACK_BOT_TOKEN": "xoxb-1-test", "SLACK_SIGNING_SECRET": "s3cret", "SLACK_APP_TOKEN": "xapp-1-test",
        "PORT": "8123", "SLACK_API_URL": "http://127.0.0.1:9/api/", "SOCKET_MODE_PING_INTERVAL": "7.5",
        "SOCKET_MODE_PONG_TIMEOUT": " 4 ", "ANSWER_WORKERS": "3", "ADMIN_USER_IDS": "U0000ADM, W0000ADM",
        "FOLLOW_THREADS": "off", "DATABASE_URL": "postgresql+psycopg://bot:pw@db/bot", "DEDUPE_TTL": "60",
        "FEEDBACK_RETENTION_DAYS": "0", "USER_HASH_SALT": "pepper", "DOCS_DIR": str(tmp_path / "docs"),
        "INDEX_DIR": str(tmp_path / "index"), "EMBED_MODEL": "some/model", "SITE_BASE_URL": "https://preview.istio.io/",
        "MAX_DOCUMENT_BYTES": "2_000",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    slack = settings.slack_config
    assert (slack.bot_token, slack.signing_secret, slack.app_token, slack.port, slack.api_url) == (
        "xoxb-1-test", "s3cret", "xapp-1-test", 8123, "http://127.0.0.1:9/api/")
    assert (slack.ping_interval, slack.pong_timeout, slack.answer_workers, slack.socket_mode) == (7.5, 4.0, 3, True)
    assert settings.bot_options.follow_threads is False
    assert settings.bot_options.admin_user_ids == frozenset({"U0000ADM", "W0000ADM"})
    store = settings.store_settings
    assert (store.url, store.claim_ttl, store.retention_days, store.salt) == (
        "postgresql+psycopg://bot:pw@db/bot", 60.0, 0.0, "pepper")
    index = settings.index_settings
    assert (index.docs_dir, index.index_dir, index.model_name) == (tmp_path / "docs", tmp_path / "index", "some/model")
    assert (index.base_url, index.max_document_bytes) == ("https://preview.istio.io", 2000)
    for secret in ("xoxb-1-test", "s3cret", "xapp-1-test", "bot:pw", "pepper"):  # never in a log line
        assert secret not in repr(settings) and secret not in repr(slack) and secret not in repr(store)


def _capture(monkeypatch: pytest.MonkeyPatch, command: str) -> list[Any]:
    seen: list[Any] = []
    monkeypatch.setattr(bot.cli, command, lambda args: seen.append(args.settings) or 0)
    return seen


def test_cli_flags_override_the_environment(clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCS_DIR", str(tmp_path / "env-docs"))
    monkeypatch.setenv("INDEX_DIR", str(tmp_path / "env-index"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    seen = _capture(monkeypatch, "cmd_index")
    assert bot.cli.main(["index", "--docs", str(tmp_path / "flag-docs"), "--index", str(tmp_path / "flag-index")]) == 0
    assert bot.cli.main(["index"]) == 0
    flagged, from_env = (settings.index_settings for settings in seen)
    assert (flagged.docs_dir, flagged.index_dir) == (tmp_path / "flag-docs", tmp_path / "flag-index")
    assert (from_env.docs_dir, from_env.index_dir) == (tmp_path / "env-docs", tmp_path / "env-index")

    seen = _capture(monkeypatch, "cmd_report")
    assert bot.cli.main(["report", "--database-url", f"sqlite:///{tmp_path / 'flag.sqlite'}"]) == 0
    assert bot.cli.main(["report"]) == 0
    assert [settings.store_settings.url for settings in seen] == [
        f"sqlite:///{tmp_path / 'flag.sqlite'}", f"sqlite:///{tmp_path / 'env.sqlite'}"]


def test_the_flag_replaces_a_bad_database_url(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "not a url")
    assert bot.cli.main(["report", "--json", "--database-url", f"sqlite:///{tmp_path / 'bot.sqlite'}"]) == 0
    assert json.loads(capsys.readouterr().out)["asked"] == 0  # the report ran, on the flag's (new) database
    assert (tmp_path / "bot.sqlite").exists()


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[BotSettings]:
    """Every settings object built through :func:`bot.settings.load_settings` (the from_env helpers included)."""
    built: list[BotSettings] = []
    real = bot.settings.load_settings

    def counting(**overrides: Any) -> BotSettings:
        built.append(real(**overrides))
        return built[-1]

    monkeypatch.setattr(bot.settings, "load_settings", counting)
    return built


def _no_index(monkeypatch: pytest.MonkeyPatch) -> list[Settings]:
    import bot.slack.server as server

    loaded: list[Settings] = []

    def start_loading(settings: Settings, *args: Any, **kwargs: Any) -> Future[Any]:
        loaded.append(settings)
        future: Future[Any] = Future()
        future.set_result(object())
        return future

    monkeypatch.setattr(server, "start_loading", start_loading)
    return loaded


def test_serve_builds_the_settings_once_and_hands_them_down_http(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, counted: list[BotSettings], tmp_path: Path
) -> None:
    import uvicorn

    import bot.slack.server as server

    for name, value in {"SLACK_BOT_TOKEN": "xoxb-1-test", "SLACK_SIGNING_SECRET": "s", "PORT": "8765",
                        "ANSWER_WORKERS": "3", "FOLLOW_THREADS": "off", "ADMIN_USER_IDS": "U0000ADM",
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite'}", "DEDUPE_TTL": "60",
                        "SLACK_API_URL": "http://127.0.0.1:9/api/", "ANSWER_PROCESSES": "0",
                        "JOB_LEASE": "9", "SYNC_INTERVAL": "0"}.items():
        monkeypatch.setenv(name, value)
    loaded = _no_index(monkeypatch)
    ran: list[uvicorn.Server] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: ran.append(self))
    apps: list[dict[str, Any]] = []
    real_create_slack = server.create_slack
    monkeypatch.setattr(server, "create_slack", lambda answerer, **kwargs: apps.append(kwargs)
                        or real_create_slack(answerer, token_verification_enabled=False, **kwargs))

    assert bot.cli.main(["serve", "--docs", str(tmp_path / "docs")]) == 0
    assert len(counted) == 1  # the entry point's; nothing below it read the environment again
    [http], [kwargs], [index] = ran, apps, loaded
    assert http.config.port == 8765 and index.docs_dir == tmp_path / "docs"
    assert kwargs["config"].answer_workers == 3 and kwargs["config"].api_url == "http://127.0.0.1:9/api/"
    assert kwargs["config"].answer_processes == 0 and kwargs["config"].job_lease == 9
    assert kwargs["options"].follow_threads is False and kwargs["options"].admin_user_ids == {"U0000ADM"}
    assert kwargs["store"].url_for_logs == f"sqlite:///{tmp_path / 'bot.sqlite'}" and kwargs["store"].claim_ttl == 60
    kwargs["store"].close()


def test_serve_builds_the_settings_once_and_hands_them_down_socket_mode(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, counted: list[BotSettings]
) -> None:
    import bot.slack.server as server
    from bot.slack.socket_mode import WatchfulSocketModeHandler

    for name, value in {"SLACK_BOT_TOKEN": "xoxb-1-test", "SLACK_APP_TOKEN": "xapp-1-test",
                        "SOCKET_MODE_PING_INTERVAL": "7.5", "SOCKET_MODE_PONG_TIMEOUT": "4",
                        "ANSWER_PROCESSES": "0", "SYNC_INTERVAL": "0"}.items():
        monkeypatch.setenv(name, value)
    _no_index(monkeypatch)
    handlers: list[WatchfulSocketModeHandler] = []
    monkeypatch.setattr(WatchfulSocketModeHandler, "connect", lambda self: handlers.append(self))
    monkeypatch.setattr(server, "block_until_stopped", lambda: None)
    real_create_slack = server.create_slack
    monkeypatch.setattr(server, "create_slack", lambda answerer, **kwargs:
                        real_create_slack(answerer, token_verification_enabled=False, **kwargs))
    try:
        assert bot.cli.main(["serve"]) == 0
        assert len(counted) == 1
        [handler] = handlers
        assert (handler.app_token, handler.client.ping_interval, handler.client.pong_timeout) == (
            "xapp-1-test", 7.5, 4.0)
    finally:
        for handler in handlers:
            handler.close()


def test_serve_without_a_token_is_one_line_and_status_2(
    clean_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bot.cli.main(["serve"]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("error: SLACK_BOT_TOKEN is not set")


def _names(text: str, pattern: str) -> set[str]:
    return set(re.findall(pattern, text, flags=re.MULTILINE))


def test_env_example_names_every_field() -> None:
    names = _names((PROJECT_ROOT / ".env.example").read_text(), r"^#?\s*([A-Z][A-Z0-9_]+)=")
    assert names == set(VARIABLES)


def test_readme_configuration_names_every_field() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    assert _names(section, r"^\| `([A-Z][A-Z0-9_]+)` \|") == set(VARIABLES)
