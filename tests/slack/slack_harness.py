"""The app under test: a real uvicorn server in a thread, and a client that signs like Slack.

The request bodies and the signature come from ``slack_testkit`` (shared with the Socket Mode driver in
``socket_harness.py`` and with the benchmarks), so every transport delivers exactly the same payloads.
"""

from __future__ import annotations

import itertools
import json
import socket
import threading
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn

from bot.slack.server import AppSlot, create_asgi_app
from slack_testkit.bodies import app_mention, command_form, event_body
from slack_testkit.signing import retry_headers, sign

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000-token"
CHANNEL = "C0000GEN"
AMBIENT_VIDEO = "https://youtu.be/QnfrbbY_Hy4"
"""The recording of the Ambient Mesh security posture talk, which several scenarios ask for."""
_counter = itertools.count(1)


def new_ts() -> str:
    """A message ts no other test uses."""
    return f"{int(time.time())}.{next(_counter):06d}"


def mention(text: str, ts: str | None = None, **extra: Any) -> dict[str, Any]:
    """An ``app_mention`` of the bot in ``CHANNEL`` by U0000ANA."""
    return {**app_mention(text, ts or new_ts(), CHANNEL), **extra}


def blocks_json(call: Any) -> str:
    """A recorded message's blocks as JSON text, for substring checks."""
    return json.dumps(call.body.get("blocks", []), ensure_ascii=False)


class BotServer:
    """The ASGI app under a real uvicorn server in a thread, and a signed-request client for it."""

    def __init__(self) -> None:
        self.slot = AppSlot()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        asgi = create_asgi_app(self.slot, SIGNING_SECRET)
        config = uvicorn.Config(asgi, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)

    def start(self) -> BotServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.http.close()

    def post(
        self,
        body: str,
        content_type: str,
        *,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST to /slack/events signed with Slack's v0 scheme (HMAC-SHA256 of ``v0:ts:body``)."""
        sent = {"Content-Type": content_type, **sign(body, secret, timestamp), **(headers or {})}
        return self.http.post("/slack/events", content=body.encode(), headers=sent)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "http_timeout",
        **kwargs: Any,
    ) -> httpx.Response:
        """Deliver an Events API callback; ``retry_attempt`` > 0 is Slack's redelivery (``X-Slack-Retry-*``)."""
        if retry_attempt:
            kwargs["headers"] = {**retry_headers(retry_attempt, retry_reason), **(kwargs.get("headers") or {})}
        return self.post(json.dumps(event_body(event, event_id=event_id)), "application/json", **kwargs)

    def command(self, text: str, response_url: str, *, user: str = "U0000ANA", **kwargs: Any) -> httpx.Response:
        form = command_form(text, response_url, user)
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """An interactivity payload (block action, ...), form-encoded under ``payload`` as Slack posts it."""
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kwargs)
