"""The app under test: a real uvicorn server in a thread, and a client that signs like Slack."""

from __future__ import annotations

import hashlib
import hmac
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


class BotServer:
    """The ASGI app under a real uvicorn server in a thread, and a signed-request client for it."""

    def __init__(self) -> None:
        self.slot = AppSlot()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(create_asgi_app(self.slot), host="127.0.0.1", port=self.port, log_level="warning")
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

    def event(self, event: dict[str, Any], *, event_id: str | None = None, **kwargs: Any) -> httpx.Response:
        body = {
            "token": "legacy-unused",
            "team_id": TEAM_ID,
            "api_app_id": "A0000001",
            "type": "event_callback",
            "event_id": event_id or f"Ev{event['ts'].replace('.', '')}{event['type']}",
            "event_time": int(time.time()),
            "event": {"team": TEAM_ID, "event_ts": event["ts"], **event},
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        return self.post(json.dumps(body), "application/json", **kwargs)

    def command(self, text: str, response_url: str, **kwargs: Any) -> httpx.Response:
        form = {
            "token": "legacy-unused",
            "team_id": TEAM_ID,
            "team_domain": "istio",
            "channel_id": "C0000CMD",
            "channel_name": "general",
            "user_id": "U0000ANA",
            "user_name": "ana",
            "command": "/istio-events",
            "text": text,
            "api_app_id": "A0000001",
            "response_url": response_url,
            "trigger_id": "1111.2222.abcd",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kwargs)
