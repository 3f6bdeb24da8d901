"""Slack's v0 request signature, as Slack computes it for every HTTP request it sends an app."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign(body: str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """The ``X-Slack-Request-Timestamp`` and ``X-Slack-Signature`` headers for ``body``
    (HMAC-SHA256 of ``v0:<timestamp>:<body>``; the timestamp is now unless given)."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def retry_headers(attempt: int, reason: str = "http_timeout") -> dict[str, str]:
    """The headers of Slack's redelivery of an event it got no timely ack for (none for attempt 0)."""
    return {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason} if attempt else {}
