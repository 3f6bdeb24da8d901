"""The app under test over Socket Mode: a mock of Slack's Socket Mode endpoint on loopback, and a driver
that delivers the HTTP harness's bodies through the handler ``serve`` runs
(:func:`bot.slack.socket_mode.create_socket_mode_handler`, slack_sdk's built-in client with a pong deadline).

As with Slack: ``apps.connections.open`` (answered by :class:`slack_testkit.mock_slack.MockSlack` with the app-level
token) hands the client ``ws://127.0.0.1:<port>/link/?ticket=...``; on connect the server sends
``hello``; events, commands and interactions arrive as envelopes, and the app acks each
``envelope_id`` on the socket. Nothing is signed: the WebSocket itself is the authentication.

Every connection passes through a relay (:class:`_Link`) so a test can break it the ways networks do:
silently (:meth:`MockSocketMode.go_silent`, a NAT or load balancer that forgot the connection) or
abruptly (:meth:`MockSocketMode.drop_connections`, FIN or RST with no close frame).
"""

from __future__ import annotations

import json
import selectors
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.socket_mode.base_handler import BaseSocketModeHandler
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from bot.slack.socket_mode import create_socket_mode_handler
from slack_testkit.bodies import APP_ID, command_form, event_body

APP_TOKEN = "xapp-1-A0000001-0000-test"
ACK_TIMEOUT = 5.0
"""Slack waits 3 s for an ack; a little more here so a slow CI box fails on assertions, not timeouts."""
NOT_DELIVERED = 503
"""No open connection to push the envelope to within the timeout."""
NO_ACK = 504
"""Pushed, but no ack came back within the timeout (Bolt sends none when dispatch is not a 200)."""
HandlerFactory = Callable[..., BaseSocketModeHandler]
"""``(app, app_token, **options)`` to a Bolt Socket Mode handler, not yet connected."""
_RESPONSE_PAYLOAD_TYPES = {"view_submission", "block_suggestion"}
"""Interactive payloads whose ack may carry a response (``response_action``, options)."""


@dataclass(frozen=True)
class Ack:
    """An ack the client sent: which envelope, the optional response payload, when (monotonic)."""

    envelope_id: str
    payload: dict[str, Any] | None
    at: float


@dataclass(frozen=True)
class SocketResponse:
    """What a delivery got back, shaped like the HTTP harness's ``httpx.Response`` where tests look."""

    envelope_id: str
    status_code: int
    payload: dict[str, Any] | None
    elapsed: timedelta

    def json(self) -> dict[str, Any] | None:
        return self.payload


class _Link:
    """One client connection relayed to the WebSocket server, until either side closes or a fault is set.

    A relay rather than a hook in ``websockets``: its server answers pings by itself, so only something
    below it can stop answering them while keeping the client's TCP connection open.
    """

    SILENT = "silent"
    FIN = "fin"
    RST = "rst"

    def __init__(self, client: socket.socket, upstream: tuple[str, int]) -> None:
        self.client = client
        self.upstream = socket.create_connection(upstream, timeout=5)
        self.fault: str | None = None
        self.thread = threading.Thread(target=self._relay, daemon=True)
        self.thread.start()

    def break_(self, fault: str) -> None:
        """Stop relaying at once (bounded wait) and leave the client's socket as ``fault`` says."""
        self.fault = fault
        self.thread.join(timeout=5)

    def _relay(self) -> None:
        with selectors.DefaultSelector() as selector:
            selector.register(self.client, selectors.EVENT_READ, self.upstream)
            selector.register(self.upstream, selectors.EVENT_READ, self.client)
            try:
                while self.fault is None:
                    for key, _ in selector.select(timeout=0.02):
                        if self.fault is not None:
                            break
                        sock: socket.socket = key.fileobj  # type: ignore[assignment]
                        data = sock.recv(65536)
                        if not data:
                            return
                        key.data.sendall(data)
            except OSError:
                return
            finally:
                self._finish()

    def _finish(self) -> None:
        """The server side always goes (Slack forgets the connection); the client's as the fault says."""
        self.upstream.close()
        if self.fault == self.SILENT:
            return  # left open, never read or written again: the client hears nothing, not even an EOF
        if self.fault == self.RST:
            self.client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.client.close()


class MockSocketMode:
    """Slack's side of the WebSocket: says hello, pushes envelopes to the newest open connection, records acks.

    A threaded ``websockets`` server; every connection runs :meth:`_handle` in its own thread.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.paths: list[str] = []
        """The request path (with its ticket) of every connection ever opened, in order."""
        self.acks: dict[str, Ack] = {}
        self.received: list[dict[str, Any]] = []
        """Anything the client sent that was not an ack."""
        self._open: list[ServerConnection] = []
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None, close_timeout=1)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._links: list[_Link] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._relay_thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        """Without the ticket: :class:`MockSlack` appends a fresh one per ``apps.connections.open``."""
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link/"

    def start(self) -> MockSocketMode:
        self._thread.start()
        self._relay_thread.start()
        return self

    def stop(self) -> None:
        self._listener.close()
        self._relay_thread.join(timeout=5)
        with self._cond:
            links, self._links = self._links, []
        for link in links:
            link.break_(_Link.FIN)
            link.client.close()  # silenced ones too
        self._server.shutdown()
        self._thread.join(timeout=5)

    def _accept(self) -> None:
        upstream = self._server.socket.getsockname()[:2]
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed by stop()
            link = _Link(client, upstream)
            with self._cond:
                self._links = [old for old in self._links if old.thread.is_alive() or old.fault == _Link.SILENT]
                self._links.append(link)

    def _break_links(self, fault: str) -> int:
        with self._cond:
            links = [link for link in self._links if link.fault is None and link.thread.is_alive()]
        for link in links:
            link.break_(fault)
        return len(links)

    def go_silent(self) -> int:
        """Every open connection stops carrying anything, both ways, with its TCP connection left open.

        What a NAT or load balancer that dropped the connection's state looks like to the client: no
        FIN, no close frame, no pong, nothing more ever. The server side is closed (Slack has given
        up on it too). Returns how many connections went silent.
        """
        return self._break_links(_Link.SILENT)

    def drop_connections(self, reset: bool = False) -> int:
        """Close every open TCP connection without a WebSocket close frame: a FIN, or an RST with ``reset``.

        Returns how many were dropped.
        """
        return self._break_links(_Link.RST if reset else _Link.FIN)

    @property
    def open_connections(self) -> int:
        with self._cond:
            return len(self._open)

    def _handle(self, conn: ServerConnection) -> None:
        with self._cond:
            hello = {
                "type": "hello",
                "num_connections": len(self._open) + 1,
                "debug_info": {"host": "applink-mock", "build_number": 1, "approximate_connection_time": 18060},
                "connection_info": {"app_id": APP_ID},
            }
        try:
            conn.send(json.dumps(hello))  # before any envelope can be pushed to this connection
            with self._cond:
                self.paths.append(conn.request.path if conn.request else "")
                self._open.append(conn)
                self._cond.notify_all()
            for raw in conn:
                message = json.loads(raw)
                with self._cond:
                    if "envelope_id" in message:
                        ack = Ack(message["envelope_id"], message.get("payload"), time.monotonic())
                        self.acks[ack.envelope_id] = ack
                    else:
                        self.received.append(message)
                    self._cond.notify_all()
        except ConnectionClosed:
            pass  # the built-in client drops the TCP connection without a close frame
        finally:
            with self._cond:
                if conn in self._open:
                    self._open.remove(conn)
                self._cond.notify_all()

    def push(self, envelope: dict[str, Any], timeout: float) -> bool:
        """Send to the newest open connection, waiting (bounded) while the client (re)connects."""
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                if not self._cond.wait_for(lambda: bool(self._open), timeout=max(0.0, deadline - time.monotonic())):
                    return False
                conn = self._open[-1]
            try:
                conn.send(json.dumps(envelope))
                return True
            except ConnectionClosed:  # closing under us: its handler is about to drop it from _open
                if time.monotonic() > deadline:
                    return False
                time.sleep(0.01)

    def wait_ack(self, envelope_id: str, timeout: float) -> Ack | None:
        with self._cond:
            self._cond.wait_for(lambda: envelope_id in self.acks, timeout=timeout)
            return self.acks.get(envelope_id)

    def wait_connections(self, count: int, timeout: float = 5.0) -> bool:
        """Until ``count`` connections have been opened in all (say, the reconnection after a close)."""
        with self._cond:
            return self._cond.wait_for(lambda: len(self.paths) >= count and bool(self._open), timeout=timeout)

    def wait_open(self, count: int, timeout: float = 5.0) -> bool:
        """Until exactly ``count`` connections are open (0: the client we closed has really gone).

        A connection the client replaced lingers here up to its 3 s receive timeout: it closes the
        socket while its reader thread still waits on it, so the FIN goes out only when that wait ends.
        """
        with self._cond:
            return self._cond.wait_for(lambda: len(self._open) == count, timeout=timeout)

    def close_connections(self, code: int = 1001, reason: str = "going away") -> None:
        """Close every open connection with a close frame, as Slack does when it drops a socket."""
        with self._cond:
            conns = list(self._open)
        for conn in conns:
            conn.close(code, reason)

    def request_refresh(self) -> None:
        """Slack's warning before it recycles a connection: the client should reconnect at once."""
        message = {"type": "disconnect", "reason": "refresh_requested",
                   "debug_info": {"host": "applink-mock"}}
        with self._cond:
            conns = list(self._open)
        for conn in conns:
            conn.send(json.dumps(message))


class SocketBot:
    """The Bolt app behind a Socket Mode client (``serve``'s by default); delivers like :class:`BotServer`.

    ``event``/``command``/``interaction`` build the same bodies as the HTTP harness, push them as
    envelopes and wait (bounded) for the ack. :meth:`connect` swaps in a freshly built app on a new
    connection, as ``BotServer.slot`` does over HTTP, so tests cannot leak into each other.
    """

    def __init__(self, app_token: str = APP_TOKEN) -> None:
        self.server = MockSocketMode()
        self.app_token = app_token
        self.handler: BaseSocketModeHandler | None = None

    def start(self) -> SocketBot:
        self.server.start()
        return self

    def stop(self) -> None:
        self.disconnect()
        self.server.stop()

    def connect(
        self, app: App, *, factory: HandlerFactory = create_socket_mode_handler, **handler_options: Any
    ) -> BaseSocketModeHandler:
        """Open a connection for ``app`` (closing any previous one) as ``serve_socket_mode`` does.

        The handler gets no ``web_client``, so like production it uses ``app.client`` (here pointed
        at the mock) for ``apps.connections.open`` too. ``factory(app, app_token, **handler_options)``
        builds the handler: ``serve``'s unless told (Bolt's own ``SocketModeHandler``, say).
        """
        self.disconnect()
        opened = len(self.server.paths)
        handler = factory(app, self.app_token, **handler_options)
        self.handler = handler
        handler.connect()
        if not self.server.wait_connections(opened + 1):
            raise RuntimeError("the Socket Mode client did not connect to the mock server")
        return handler

    def disconnect(self) -> None:
        """Close the client for good (no reconnect) and wait until the server has seen it go.

        The server closes the socket first: the client then leaves its blocking read at once instead of
        waiting out its 3 s receive timeout in ``close()``, which still takes about 1 s (its message
        loop polls its queue once a second).
        """
        handler, self.handler = self.handler, None
        if handler is None:
            return
        handler.client.default_auto_reconnect_enabled = False
        handler.client.auto_reconnect_enabled = False
        self.server.close_connections(1000, "test over")
        handler.close()
        if not self.server.wait_open(0):
            raise RuntimeError("the Socket Mode client did not close its connection")

    # -- deliveries, with BotServer's signatures ----------------------------------------------

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        **kwargs: Any,
    ) -> SocketResponse:
        """An ``events_api`` envelope; ``retry_attempt`` > 0 is Slack's redelivery of the same event."""
        reason = retry_reason or ("timeout" if retry_attempt else "")
        return self.deliver("events_api", event_body(event, event_id=event_id),
                            retry_attempt=retry_attempt, retry_reason=reason, **kwargs)

    def command(self, text: str, response_url: str, *, user: str = "U0000ANA", **kwargs: Any) -> SocketResponse:
        return self.deliver("slash_commands", command_form(text, response_url, user), accepts_response_payload=True,
                            **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> SocketResponse:
        return self.deliver("interactive", payload,
                            accepts_response_payload=payload.get("type") in _RESPONSE_PAYLOAD_TYPES, **kwargs)

    def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool = False,
        timeout: float = ACK_TIMEOUT,
        **fields: Any,
    ) -> SocketResponse:
        """Push one envelope and wait for its ack; ``fields`` are extra envelope keys (retry_*)."""
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": accepts_response_payload, **fields}
        started = time.monotonic()
        deadline = started + timeout
        if not self.server.push(envelope, timeout):
            return SocketResponse(envelope_id, NOT_DELIVERED, None, timedelta(seconds=time.monotonic() - started))
        ack = self.server.wait_ack(envelope_id, max(0.0, deadline - time.monotonic()))
        if ack is None:
            return SocketResponse(envelope_id, NO_ACK, None, timedelta(seconds=time.monotonic() - started))
        return SocketResponse(envelope_id, 200, ack.payload, timedelta(seconds=ack.at - started))
