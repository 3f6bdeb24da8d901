"""A mock Slack Web API on loopback that records every call, and when it arrived: for the tests and for
the benchmarks (after bolt-python's mock_web_api_server).

Web API methods are served at ``/api/<method>`` (point ``SLACK_API_URL`` at ``<url>/api/``), and
``/response_url/<id>`` stands in for slash-command and interaction ``response_url``s. Faults can be
switched on per test: a 429 with ``Retry-After`` once, ``invalid_blocks`` for messages with blocks,
``missing_scope`` for reactions. For Socket Mode, set ``socket_url`` to a mock WebSocket endpoint:
``apps.connections.open`` (app-level ``xapp-`` token) then hands out ``<socket_url>?ticket=...``.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0000001"


@dataclass
class Call:
    """One request the mock received, and what it answered."""

    method: str
    body: dict[str, Any]
    status: int
    response: dict[str, Any]
    raw: str
    authorized: bool
    at: float = 0.0
    """When the request arrived (``time.perf_counter()``): where a benchmark's reply latency ends."""

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok", True))


@dataclass
class Faults:
    rate_limit_once: set[str] = field(default_factory=set)
    """Methods whose next call gets 429 with ``Retry-After: 1`` (once each)."""
    reject_blocks: bool = False
    """``chat.postMessage`` / ``chat.postEphemeral`` with blocks answer ``invalid_blocks``."""
    missing_reaction_scope: bool = False
    """``reactions.add`` / ``reactions.remove`` answer ``missing_scope``."""
    not_in_channel: set[str] = field(default_factory=set)
    """Channels ``chat.postMessage`` refuses with ``not_in_channel`` (the bot was never invited there)."""
    hold: set[str] = field(default_factory=set)
    """Methods whose calls wait, unanswered, until :meth:`MockSlack.release` (what a slow Slack looks like to
    the bot; a test can act while every answering thread is inside one of these calls)."""


def _decode(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(raw or "{}")
    body: dict[str, Any] = dict(parse_qsl(raw, keep_blank_values=True))
    for key in ("blocks", "attachments", "payload"):
        if isinstance(body.get(key), str) and body[key][:1] in "[{":
            body[key] = json.loads(body[key])
    return body


class MockSlack:
    """The server and its record of calls; thread-safe, with waiting helpers for async replies."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.faults = Faults()
        self.socket_url: str | None = None
        """Where ``apps.connections.open`` sends Socket Mode clients (``ws://...``); unset: not enabled."""
        self.locales: dict[str, str] = {}
        """``users.info`` answers each user's ``locale`` from here (``en-US`` otherwise)."""
        self.admins: set[str] = set()
        """Users ``users.info`` says are workspace admins (``is_admin``)."""
        self._cond = threading.Condition()
        self._ts = 0
        self._released = threading.Event()
        self.held = 0
        """Calls that have waited in :attr:`Faults.hold` since the last reset."""
        mock = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                arrived = time.perf_counter()
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                path = self.path.split("?")[0]
                body = _decode(raw, self.headers.get("Content-Type", ""))
                if path.startswith("/api/"):
                    method = path.removeprefix("/api/")
                    mock._hold(method)
                    authorized = mock._authorized(method, self.headers.get("Authorization", ""))
                    status, headers, response = mock._answer(method, body, authorized)
                else:
                    method, authorized = "response_url", True
                    status, headers, response = 200, {}, {"ok": True}
                mock._record(Call(method, body, status, response, raw, authorized, arrived))
                payload = json.dumps(response).encode() if method != "response_url" else b"ok"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json" if method != "response_url" else "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def start(self) -> MockSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        with self._cond:
            self.calls.clear()
            self.faults = Faults()
            self.locales = {}
            self.admins = set()
            self._released.set()  # nothing held from an earlier test stays held
            self._released = threading.Event()
            self.held = 0

    def _hold(self, method: str) -> None:
        with self._cond:
            if method not in self.faults.hold:
                return
            self.held += 1
            released = self._released
            self._cond.notify_all()
        released.wait(timeout=120)

    def wait_held(self, count: int, timeout: float = 60.0) -> None:
        """Until ``count`` calls are waiting in :attr:`Faults.hold` (or have waited since the last reset)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.held >= count, timeout=timeout):
                raise AssertionError(f"{self.held} calls held, expected {count}")

    def release(self) -> None:
        """Answer every held call, and stop holding."""
        with self._cond:
            self.faults.hold = set()
            self._released.set()

    def _record(self, call: Call) -> None:
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def _authorized(self, method: str, authorization: str) -> bool:
        """The bot token for bot methods; ``apps.connections.open`` takes only the app-level token."""
        token_prefix = "xapp-" if method == "apps.connections.open" else "xoxb-"
        return authorization.startswith(f"Bearer {token_prefix}")

    def _connections_open(self) -> dict[str, Any]:
        """A fresh single-use WebSocket URL, as Slack issues one per connection."""
        if self.socket_url is None:
            return {"ok": False, "error": "socket_mode_not_enabled"}
        return {"ok": True, "url": f"{self.socket_url}?ticket={uuid.uuid4()}&app_id=A0000001"}

    def _answer(self, method: str, body: dict[str, Any], authorized: bool) -> tuple[int, dict, dict]:
        if not authorized:
            return 200, {}, {"ok": False, "error": "not_authed"}
        with self._cond:
            if method in self.faults.rate_limit_once:
                self.faults.rate_limit_once.discard(method)
                return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
            self._ts += 1
            ts = f"{int(time.time())}.{self._ts:06d}"
        if method == "auth.test":
            return 200, {}, {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": TEAM_ID,
                             "user": "istio-events", "team": "Istio", "url": "https://istio.slack.com/"}
        if method == "apps.connections.open":
            return 200, {}, self._connections_open()
        if method == "users.info":
            user = str(body.get("user", ""))
            return 200, {}, {"ok": True, "user": {"id": user, "locale": self.locales.get(user, "en-US"),
                                                  "is_admin": user in self.admins, "is_owner": False}}
        if method.startswith("reactions.") and self.faults.missing_reaction_scope:
            return 200, {}, {"ok": False, "error": "missing_scope", "needed": "reactions:write"}
        if method in {"chat.postMessage", "chat.postEphemeral"}:
            if body.get("channel") in self.faults.not_in_channel:
                return 200, {}, {"ok": False, "error": "not_in_channel"}
            if self.faults.reject_blocks and body.get("blocks"):
                return 200, {}, {"ok": False, "error": "invalid_blocks"}
            return 200, {}, {"ok": True, "channel": body.get("channel"), "ts": ts, "message_ts": ts}
        return 200, {}, {"ok": True}

    # -- reading the record -------------------------------------------------------------------

    def of(self, method: str) -> list[Call]:
        with self._cond:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 20.0, ok: bool = False) -> list[Call]:
        """Block until ``count`` calls of ``method`` (successful ones if ``ok``) arrived; return them."""

        def matching() -> list[Call]:
            return [c for c in self.calls if c.method == method and (c.ok or not ok)]

        with self._cond:
            if not self._cond.wait_for(lambda: len(matching()) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} {method} call(s), got {len(matching())}: "
                                     f"{[(c.method, c.status, c.response.get('error')) for c in self.calls[-20:]]} "
                                     f"(the last 20 of {len(self.calls)} calls)")
            return matching()

    def wait_until(self, match: Callable[[Call], bool], count: int = 1, timeout: float = 20.0) -> list[Call]:
        """Block until ``count`` recorded calls satisfy ``match`` (e.g. the reply in one thread); return them."""
        with self._cond:
            if not self._cond.wait_for(lambda: sum(map(match, self.calls)) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} matching call(s) within {timeout} s")
            return [call for call in self.calls if match(call)]

    def settle(self, quiet: float = 0.5, timeout: float = 20.0) -> None:
        """Wait until no call has arrived for ``quiet`` seconds (the bot has finished whatever it does)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            seen = len(self.calls)
        while time.monotonic() < deadline:
            time.sleep(quiet)
            with self._cond:
                if len(self.calls) == seen:
                    return
                seen = len(self.calls)
        raise AssertionError("the bot kept calling the Web API")
