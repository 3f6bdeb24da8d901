"""The bot as a user runs it: ``istio-events-bot serve`` (HTTP mode) in a fresh process, its Web API
pointed at the loopback mock, and a client that signs events like Slack.

Shared by the start-up figures (``startup``) and the reply figures (``slack_path``), so both measure the
same served stack: uvicorn, the signature check, Bolt, the store, the answerer, ``chat.postMessage``.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from benchmarks.harness import child_env, cli_command, free_port
from slack_testkit.bodies import app_mention, event_body
from slack_testkit.mock_slack import Call, MockSlack
from slack_testkit.signing import retry_headers, sign

SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-bench-0000-token"
CHANNEL = "C0BENCH01"


@dataclass
class Health:
    """One answer of ``GET /healthz``."""

    status: int
    body: dict[str, Any]

    @property
    def up(self) -> bool:
        """HTTP server and Bolt app accept events."""
        return self.status == 200

    @property
    def index_ready(self) -> bool:
        """The index is loaded: ``"index": "ready"``, or a 200 without ``index`` (before that field existed,
        /healthz answered 200 only once loaded)."""
        return self.up and self.body.get("index", "ready") == "ready"

    @property
    def failed(self) -> bool:
        return self.body.get("status") == "failed"


def health(port: int) -> Health | None:
    """``GET /healthz`` now; None while nothing listens on the port yet."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
    except OSError:
        return None
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        body = {}
    return Health(response.status, body if isinstance(body, dict) else {})


class ServeProcess:
    """``istio-events-bot serve`` on a free loopback port, with a fresh SQLite store; ``started`` is
    ``time.perf_counter()`` just before the process was created (the mock's call times use that clock)."""

    def __init__(self, mock: MockSlack, tmp: Path, docs: str | None = None, index: str | None = None) -> None:
        self.port = free_port()
        args = ["serve", *([f"--docs={docs}"] if docs else []), *([f"--index={index}"] if index else [])]
        env = child_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=mock.api_url,
                        PORT=str(self.port), DATABASE_URL=f"sqlite:///{tmp / 'bot.sqlite'}", SLACK_APP_TOKEN="")
        self._log = (tmp / "serve.log").open("w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(cli_command(*args), env=env, stdout=self._log, stderr=subprocess.STDOUT)
        self.log_path = tmp / "serve.log"

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait(self, until: str = "up", timeout: float = 180.0, poll: float = 0.01) -> float:
        """Poll /healthz until the stack is ``up`` or the ``index`` is ready; seconds since process start."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"serve exited ({self.process.returncode}): {self.log_tail()}")
            state = health(self.port)
            if state is not None and state.failed:
                raise RuntimeError(f"serve reports a failed load: {self.log_tail()}")
            if state is not None and (state.index_ready if until == "index" else state.up):
                return time.perf_counter() - self.started
            time.sleep(poll)
        raise RuntimeError(f"serve not {until} within {timeout} s: {self.log_tail()}")

    def log_tail(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


@dataclass
class Sent:
    """One delivery of an event: when it left (perf_counter), how long the ack took, its HTTP status."""

    ts: str
    at: float
    ack_s: float
    status: int


class EventClient:
    """Signed ``app_mention`` events over one keep-alive connection per sending thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()
        self.base = int(time.time())

    def ts(self, number: int) -> str:
        return f"{self.base}.{number:06d}"

    def send(self, number: int, question: str, retry: int = 0) -> Sent:
        ts = self.ts(number)
        # One person per event: the bot answers each asker in turn and drops a flood from one person.
        user = f"U0B{number:07d}"
        body = json.dumps(event_body(app_mention(question, ts, CHANNEL, user=user), event_id=f"Ev{number:08d}"))
        headers = {"Content-Type": "application/json", **sign(body, SIGNING_SECRET), **retry_headers(retry)}
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        started = time.perf_counter()
        try:
            conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except OSError:
            self.local.conn = None
            status = 0
        return Sent(ts, started, time.perf_counter() - started, status)


def is_reply(ts: str) -> Any:
    """Matches the bot's ``chat.postMessage`` in the thread of the event with ``ts``."""

    def match(call: Call) -> bool:
        return call.method == "chat.postMessage" and call.body.get("thread_ts") == ts

    return match
