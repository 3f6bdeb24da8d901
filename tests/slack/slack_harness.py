"""The app under test: a real uvicorn server in a thread, and a client that signs like Slack.

The request bodies (:func:`event_body`, :func:`command_form`) are shared with the Socket Mode driver
in ``socket_harness.py``, so both transports deliver exactly the same payloads.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from typing import Any
from urllib.parse import urlencode

import httpx
import uvicorn

from bot.mock_slack import BOT_USER_ID, TEAM_ID
from bot.server import AppSlot, create_asgi_app

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-0000-token"
APP_ID = "A0000001"
CHANNEL = "C0000GEN"
AMBIENT_VIDEO = "https://youtu.be/QnfrbbY_Hy4"
"""The recording of the Ambient Mesh security posture talk, which several scenarios ask for."""
_counter = itertools.count(1)


def new_ts() -> str:
    """A message ts no other test uses."""
    return f"{int(time.time())}.{next(_counter):06d}"


def mention(text: str, ts: str | None = None, **extra: Any) -> dict[str, Any]:
    """An ``app_mention`` of the bot in ``CHANNEL`` by U0000ANA."""
    return {"type": "app_mention", "user": "U0000ANA", "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts or new_ts(), "channel": CHANNEL, **extra}


def blocks_json(call: Any) -> str:
    """A recorded message's blocks as JSON text, for substring checks."""
    return json.dumps(call.body.get("blocks", []), ensure_ascii=False)


# The bodies Slack sends, shared by both transports: HTTP posts them (JSON or form-encoded), Socket
# Mode wraps the same dicts in envelopes. One builder each, so the two can never drift apart.


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """An Events API ``event_callback`` around ``event``; the id derives from ts and type unless given."""
    return {
        "token": "legacy-unused",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": event_id or f"Ev{event['ts'].replace('.', '')}{event['type']}",
        "event_time": int(time.time()),
        "event": {"team": TEAM_ID, "event_ts": event["ts"], **event},
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


def command_form(text: str, response_url: str, user: str = "U0000ANA") -> dict[str, str]:
    """The fields of an ``/istio-events`` invocation by ``user`` (form-encoded over HTTP, as-is in Socket Mode)."""
    return {
        "token": "legacy-unused",
        "team_id": TEAM_ID,
        "team_domain": "istio",
        "channel_id": "C0000CMD",
        "channel_name": "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/istio-events",
        "text": text,
        "api_app_id": APP_ID,
        "response_url": response_url,
        "trigger_id": "1111.2222.abcd",
    }


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
        ts = str(timestamp if timestamp is not None else int(time.time()))
        digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}",
            **(headers or {}),
        }
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
            retry = {"X-Slack-Retry-Num": str(retry_attempt), "X-Slack-Retry-Reason": retry_reason}
            kwargs["headers"] = {**retry, **(kwargs.get("headers") or {})}
        return self.post(json.dumps(event_body(event, event_id=event_id)), "application/json", **kwargs)

    def command(self, text: str, response_url: str, *, user: str = "U0000ANA", **kwargs: Any) -> httpx.Response:
        form = command_form(text, response_url, user)
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """An interactivity payload (block action, ...), form-encoded under ``payload`` as Slack posts it."""
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kwargs)
