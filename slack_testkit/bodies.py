"""The request bodies Slack sends an app, one builder each, so every transport and every benchmark
delivers exactly the same payloads (HTTP posts them as JSON or form fields; Socket Mode wraps the same
dicts in envelopes)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from slack_testkit.mock_slack import BOT_USER_ID, TEAM_ID

APP_ID = "A0000001"


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


def app_mention(text: str, ts: str, channel: str, user: str = "U0000ANA") -> dict[str, Any]:
    """An ``app_mention`` event: ``user`` mentions the bot in ``channel`` with ``text``."""
    return {"type": "app_mention", "user": user, "text": f"<@{BOT_USER_ID}> {text}", "ts": ts, "channel": channel}


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
        "trigger_id": f"1111.2222.{uuid.uuid4().hex[:12]}",  # one per invocation, as Slack's
    }
