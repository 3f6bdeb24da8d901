"""Socket Mode that notices a dead connection within seconds (issue 11).

slack_sdk's built-in client (what Bolt's ``SocketModeHandler`` runs) misses connections that die
without a WebSocket close frame. Measured against the mock server in tests/slack/socket_harness.py,
2 shared cores: seconds from the fault to a new connection, CPU seconds the process used meanwhile
(idle, every client uses about 0.006 CPU s per s):

=============================  ===============  ============================  ==============
client (ping interval)         silent NAT drop  FIN, no close frame           RST
=============================  ===============  ============================  ==============
built-in (Bolt's 10 s)         48 s, 0.07       57 s, 28 CPU (spinning)       7 s, 0.08
built-in, 2 s                  11 s, 0.07       11 s, 5-11 CPU (spinning)     1.1 s, 0.06
built-in, 1 s                  5 s, 0.06        1.1 s or 6 s, up to 3 CPU     1.1 s, 0.06
websocket-client adapter 10/2  never (> 80 s)   0.5 s, 0.01                   0.5 s, 0.02
this module (ping 2, pong 3)   4.2 s, 0.08      0.6-0.7 s, 0.07               0.2-0.6 s, 0.07
=============================  ===============  ============================  ==============

Why: the built-in reader treats ``recv() == b""`` (the peer's FIN) as "no data yet" and loops on it
at full speed; it stops only if it, not the next ping, picks up the reset that ping provokes, else
after five failed pings in a row. A silent peer is declared stale after ``4 * ping_interval`` without
a pong, and any reconnect waits for the monitor, which runs once per ``ping_interval``. The
websocket-client adapter sees the FIN at once but sets no pong timeout, so a silent peer is never
noticed (events pushed meanwhile are lost). Hence this subclass of the built-in client, which
changes three things and keeps the rest (acks, Slack's refresh and close handling, Bolt dispatch):

* an EOF on the socket is an error, so the reader stops at once and the monitor reconnects;
* the monitor checks every half second, pings every ``ping_interval`` and gives a ping
  ``pong_timeout`` seconds for its pong; an unanswered one closes the socket (which also wakes the
  reader out of its 3 s blocking read) and opens a new connection;
* failed reconnects back off (1, 2, 5, 10, 30 s) instead of hitting ``apps.connections.open`` twice
  a second.

It overrides private parts of ``slack_sdk.socket_mode.builtin`` (``_monitor_current_session``,
``Connection.sock``), so tests/slack/test_socket_mode.py drives it over real sockets for every case.
Tested against slack-sdk 3.48 (slack-bolt 1.30): pyproject.toml pins slack-sdk to that minor version, and
tests/slack/test_socket_mode_sdk.py fails, saying what to re-check, when the private parts used here change.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
import time
from dataclasses import dataclass
from logging import Logger
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import run_bolt_app, send_response
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.builtin.connection import Connection
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.settings import DEFAULT_PING_INTERVAL, DEFAULT_PONG_TIMEOUT

logger = logging.getLogger(__name__)

PING_INTERVAL_ENV = "SOCKET_MODE_PING_INTERVAL"
PONG_TIMEOUT_ENV = "SOCKET_MODE_PONG_TIMEOUT"
MONITOR_TICK = 0.5
RETRY_DELAYS = (0.0, 1.0, 2.0, 5.0, 10.0, 30.0)
"""Seconds before each attempt to reconnect, the last repeated: at once after a drop, then backing off
(``apps.connections.open`` is rate limited) while Slack cannot be reached."""


class _EofIsAnError:
    """The connection's socket, except that ``recv`` raises on end of file instead of returning ``b""``.

    The built-in reader loops on an empty read without sleeping, at 100 % of a core, until the
    health check gives up on the socket; an error ends its loop at once.
    """

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def recv(self, size: int) -> bytes:
        data = self._sock.recv(size)
        if not data:
            raise ConnectionAbortedError(errno.ECONNABORTED, "the peer closed the connection without a close frame")
        return data

    def shut_down(self) -> None:
        """Both directions; a thread blocked in ``recv`` returns at once (``close`` alone would not wake it)."""
        with contextlib.suppress(OSError):  # already gone
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)  # under TLS too: the TCP socket itself

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


@dataclass
class _Ping:
    session: Connection
    wall: float
    """``time.time()`` in the payload; the pong carries it back as ``last_ping_pong_time``."""
    monotonic: float

    def answered(self) -> bool:
        return (self.session.last_ping_pong_time or 0.0) >= self.wall


class WatchfulSocketModeClient(SocketModeClient):
    """slack_sdk's built-in client with a pong deadline and EOF detection (see the module docstring)."""

    def __init__(self, app_token: str, *, pong_timeout: float = DEFAULT_PONG_TIMEOUT, **kwargs: Any) -> None:
        super().__init__(app_token, **kwargs)
        self.pong_timeout = pong_timeout
        self._pending: _Ping | None = None
        """The oldest ping of the current session still waiting for its pong."""
        self._last_ping: float = 0.0
        self._failed_attempts = 0
        self._next_attempt = 0.0
        self.current_app_monitor.interval_seconds = min(MONITOR_TICK, self.ping_interval / 2)

    def connect(self) -> None:
        super().connect()
        session = self.current_session
        if session is not None and session.sock is not None and not isinstance(session.sock, _EofIsAnError):
            session.sock = _EofIsAnError(session.sock)  # type: ignore[assignment]

    def _monitor_current_session(self) -> None:
        """Every tick: end a session whose ping went unanswered, ping when due, reconnect when closed."""
        if not self.current_app_monitor_started:
            return
        try:
            session = self.current_session
            if session is not None and session.is_active():
                self._check(session)
            if self.auto_reconnect_enabled and not self.is_connected():
                self._reconnect()
        except Exception as e:
            self.logger.error(f"Failed to check the session ({type(e).__name__}: {e})")

    def _reconnect(self) -> None:
        """A new connection at once, then at growing intervals while attempts fail."""
        if time.monotonic() < self._next_attempt:
            return
        self.logger.info(f"The session is closed; reconnecting (session id: {self.session_id()})")
        try:
            self.connect_to_new_endpoint()
        except Exception as e:
            self.logger.error(f"Failed to reconnect ({type(e).__name__}: {e})")
        if self.is_connected():
            self._failed_attempts = 0
            return
        self._failed_attempts += 1
        delay = RETRY_DELAYS[min(self._failed_attempts, len(RETRY_DELAYS) - 1)]
        self._next_attempt = time.monotonic() + delay

    def _check(self, session: Connection) -> None:
        now = time.monotonic()
        pending = self._pending if self._pending is not None and self._pending.session is session else None
        if pending is not None and pending.answered():
            pending = None
        if pending is not None and now - pending.monotonic > self.pong_timeout:
            self.logger.warning(
                f"No pong for {now - pending.monotonic:.1f} s; the connection is dead, reconnecting"
                f" (session id: {session.session_id})"
            )
            self._end(session)
            return
        if now - self._last_ping < self.ping_interval:
            self._pending = pending
            return
        ping = _Ping(session, time.time(), now)
        try:
            session.ping(f"{session.session_id}:{ping.wall}")
        except OSError as e:
            self.logger.warning(
                f"Could not ping ({type(e).__name__}: {e}); reconnecting (session id: {session.session_id})"
            )
            self._end(session)
            return
        self._last_ping = now
        self._pending = pending or ping

    def _end(self, session: Connection) -> None:
        """Wake the reader out of its blocking read, then close: the monitor reconnects right after."""
        self._pending = None
        sock: object = session.sock  # our wrapper, where connect() installed one (typed as a socket upstream)
        if isinstance(sock, _EofIsAnError):
            sock.shut_down()
        session.disconnect()


class WatchfulSocketModeHandler(BaseSocketModeHandler):
    """Bolt's built-in Socket Mode handler, on :class:`WatchfulSocketModeClient`."""

    app: App
    client: WatchfulSocketModeClient

    def __init__(
        self,
        app: App,
        app_token: str,
        *,
        ping_interval: float = DEFAULT_PING_INTERVAL,
        pong_timeout: float = DEFAULT_PONG_TIMEOUT,
        concurrency: int = 10,
        logger: Logger | None = None,
    ) -> None:
        self.app = app
        self.app_token = app_token
        self.client = WatchfulSocketModeClient(
            app_token,
            pong_timeout=pong_timeout,
            logger=logger or app.logger,
            web_client=app.client,
            proxy=app.client.proxy,
            ping_interval=ping_interval,
            concurrency=concurrency,
        )
        self.client.socket_mode_request_listeners.append(self.handle)  # type: ignore[arg-type]

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        """As Bolt's built-in handler: run the app, then ack on the socket (with any response payload)."""
        start = time.time()
        send_response(client, req, run_bolt_app(self.app, req), start)


def create_socket_mode_handler(
    app: App, app_token: str, *, ping_interval: float | None = None, pong_timeout: float | None = None
) -> WatchfulSocketModeHandler:
    """The Socket Mode handler ``serve`` runs (call ``.start()``, or ``.connect()`` not to block).

    ``serve`` passes ``ping_interval`` and ``pong_timeout`` from its settings; left out, they come from
    ``SOCKET_MODE_PING_INTERVAL`` and ``SOCKET_MODE_PONG_TIMEOUT`` through :func:`bot.settings.load_settings`
    (seconds, else 2 and 3; a bad value raises :class:`bot.settings.ConfigError`). A connection that dies
    without a close frame is replaced within about ``ping_interval + pong_timeout`` seconds, one closed by
    the peer at once.
    """
    if ping_interval is None or pong_timeout is None:
        from bot.settings import load_settings

        settings = load_settings()
        ping_interval = settings.socket_mode_ping_interval if ping_interval is None else ping_interval
        pong_timeout = settings.socket_mode_pong_timeout if pong_timeout is None else pong_timeout
    return WatchfulSocketModeHandler(app, app_token, ping_interval=ping_interval, pong_timeout=pong_timeout)
