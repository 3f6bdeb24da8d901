"""The private parts of slack_sdk (and slack_bolt) that ``bot.slack.socket_mode`` overrides or calls.

``WatchfulSocketModeClient`` subclasses slack_sdk's built-in Socket Mode client and replaces private
methods and attributes (module docstring of bot/slack/socket_mode.py). pyproject.toml pins slack-sdk to the
minor version tests/slack/test_socket_mode.py drove it against over real sockets; these checks need no
encoder or socket (fast tier) and fail with what to re-check when an upgrade changes those parts.
"""

from __future__ import annotations

import inspect
import tomllib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from slack_bolt.adapter.socket_mode import internals as bolt_internals
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.builtin import internals as sdk_internals
from slack_sdk.socket_mode.builtin.connection import Connection
from slack_sdk.socket_mode.interval_runner import IntervalRunner

import bot.slack.socket_mode as watchful

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
RECHECK = (
    "bot/slack/socket_mode.py overrides this private part of slack_sdk's built-in Socket Mode client; "
    "it changed in slack-sdk {installed}. Re-check WatchfulSocketModeClient against the new slack_sdk source "
    "(the EOF wrapper on Connection.sock, _monitor_current_session, the reconnect), run "
    "tests/slack/test_socket_mode.py (real sockets: silent, FIN and RST drops), then update this test and the "
    "slack-sdk pin in pyproject.toml."
)


def _loudly(condition: bool, what: str) -> None:
    if not condition:
        pytest.fail(f"{what}\n{RECHECK.format(installed=version('slack-sdk'))}", pytrace=False)


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_installed_slack_sdk_is_the_pinned_one() -> None:
    """pip may not install another slack-sdk than the one the override was tested against."""
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    [pin] = [Requirement(d) for d in dependencies if Requirement(d).name == "slack-sdk"]
    assert pin.specifier.contains(version("slack-sdk")), (
        f"slack-sdk {version('slack-sdk')} is installed, pyproject.toml pins {pin.specifier}: reinstall (make install)"
    )
    lower, upper = sorted(pin.specifier, key=lambda s: s.operator.startswith("<"))
    assert lower.operator == ">=" and upper.operator == "<", f"pin one minor range of slack-sdk, not {pin.specifier}"


@pytest.mark.parametrize(
    ("function", "parameters"),
    [
        (SocketModeClient._monitor_current_session, ["self"]),
        (SocketModeClient.connect, ["self"]),
        (SocketModeClient.is_connected, ["self"]),
        (SocketModeClient.session_id, ["self"]),
        (SocketModeClient.connect_to_new_endpoint, ["self", "force"]),
        (Connection.is_active, ["self"]),
        (Connection.ping, ["self", "payload"]),
        (Connection.disconnect, ["self"]),
        (IntervalRunner.__init__, ["self", "target", "interval_seconds"]),
        (sdk_internals._receive_messages,
         ["sock", "sock_receive_lock", "logger", "receive_buffer_size", "all_message_trace_enabled"]),
        (bolt_internals.run_bolt_app, ["app", "req"]),
        (bolt_internals.send_response, ["client", "req", "bolt_resp", "start_time"]),
    ],
    ids=lambda value: getattr(value, "__qualname__", None) or ",".join(value),
)
def test_the_overridden_and_called_private_parts_keep_their_signatures(
    function: Callable[..., Any], parameters: list[str]
) -> None:
    _loudly(_parameters(function) == parameters,
            f"{function.__module__}.{function.__qualname__}{inspect.signature(function)}: expected {parameters}")


def test_the_client_keeps_the_attributes_the_override_reads_and_writes() -> None:
    init = inspect.signature(SocketModeClient.__init__).parameters
    for name in ("app_token", "logger", "web_client", "proxy", "ping_interval", "concurrency"):
        _loudly(name in init, f"SocketModeClient.__init__ has no {name!r} (WatchfulSocketModeHandler passes it)")
    source = inspect.getsource(SocketModeClient.__init__)
    _loudly("IntervalRunner(self._monitor_current_session" in source,
            "SocketModeClient no longer runs _monitor_current_session on current_app_monitor (an IntervalRunner)")
    for attribute in ("current_app_monitor_started", "auto_reconnect_enabled", "current_session",
                      "socket_mode_request_listeners"):
        _loudly(f"self.{attribute}" in inspect.getsource(SocketModeClient),
                f"SocketModeClient no longer sets self.{attribute}")
    _loudly("self.interval_seconds" in inspect.getsource(IntervalRunner),
            "IntervalRunner no longer reads self.interval_seconds (the override shortens the monitor's tick)")
    connection = inspect.getsource(Connection)
    for attribute in ("self.sock = sock", "self.last_ping_pong_time", "self.session_id"):
        _loudly(attribute in connection, f"Connection no longer has {attribute!r}")


def test_the_reader_still_reads_through_connection_sock_recv() -> None:
    """The EOF fix wraps ``Connection.sock`` and raises from its ``recv``: the reader must call exactly that."""
    _loudly("sock=self.sock" in inspect.getsource(Connection.run_until_completion),
            "Connection.run_until_completion no longer hands self.sock to the reader")
    _loudly("sock.recv(" in inspect.getsource(sdk_internals._receive_messages),
            "slack_sdk's _receive_messages no longer reads with sock.recv (the EOF wrapper would not see an EOF)")
    _loudly(hasattr(watchful, "_EofIsAnError") and "recv" in vars(watchful._EofIsAnError),
            "bot.slack.socket_mode no longer wraps recv")
