"""The same scenarios over HTTP and over a real Socket Mode connection (``transport``), and the
Socket Mode specifics: acks on the socket, and the client reconnecting when Slack closes it.

Over Socket Mode the app runs under slack_sdk's built-in client (``SocketModeHandler``, as ``serve``
does), connected to the mock WebSocket server in ``socket_harness.py`` through the URL the mock Web
API hands out for ``apps.connections.open``.
"""

from __future__ import annotations

import time

import pytest
from slack_harness import AMBIENT_VIDEO, CHANNEL, BotServer, blocks_json, mention, new_ts
from socket_harness import SocketBot

from slack_testkit.mock_slack import MockSlack

QUESTION = "Where can I watch the talk on the security posture of Ambient Mesh?"
WAIT = 10.0
"""Upper bound for any one reply to arrive (they take well under a second here)."""





def test_mention_is_acked_then_answered_once_in_its_thread(
    transport: BotServer | SocketBot, mock_slack: MockSlack
) -> None:
    event = mention(QUESTION)
    started = time.perf_counter()
    response = transport.event(event)
    assert response.status_code == 200
    assert time.perf_counter() - started < 1.0
    assert mock_slack.of("chat.postMessage") == []  # the ack came back before any reply was posted
    if isinstance(transport, SocketBot):
        assert response.payload is None  # events are acked with the bare envelope_id

    [post] = mock_slack.wait_for("chat.postMessage", timeout=WAIT)
    mock_slack.settle(quiet=0.5)
    assert len(mock_slack.of("chat.postMessage")) == 1
    assert post.body["channel"] == CHANNEL
    assert post.body["thread_ts"] == event["ts"]
    assert post.body["unfurl_links"] is False
    assert AMBIENT_VIDEO in blocks_json(post)


def test_retried_delivery_gets_no_second_reply(transport: BotServer | SocketBot, mock_slack: MockSlack) -> None:
    event = mention("Who talked about the security posture of Ambient Mesh?")
    assert transport.event(event, event_id="EvRETRYSOCK1").status_code == 200
    # Slack's redelivery, arriving while the first one is still being answered.
    assert transport.event(event, event_id="EvRETRYSOCK1", retry_attempt=1).status_code == 200
    mock_slack.wait_for("chat.postMessage", timeout=WAIT)
    mock_slack.settle(quiet=1.0)
    assert len(mock_slack.of("chat.postMessage")) == 1
    assert len(mock_slack.of("reactions.add")) == 1


def test_slash_command_is_acked_then_answered_through_response_url(
    transport: BotServer | SocketBot, mock_slack: MockSlack
) -> None:
    response = transport.command(QUESTION, mock_slack.url + "/response_url/1")
    assert response.status_code == 200
    assert response.elapsed.total_seconds() < 1.0
    assert mock_slack.of("response_url") == []  # acked first, answered after

    [reply] = mock_slack.wait_for("response_url", timeout=WAIT)
    assert reply.body["response_type"] == "ephemeral"
    assert AMBIENT_VIDEO in blocks_json(reply)
    mock_slack.settle(quiet=0.3)
    assert not mock_slack.of("chat.postMessage")  # nothing public unless shared


def test_direct_message_is_answered_in_the_dm(transport: BotServer | SocketBot, mock_slack: MockSlack) -> None:
    event = {"type": "message", "channel_type": "im", "channel": "D0000ANA", "user": "U0000ANA",
             "text": QUESTION, "ts": new_ts()}
    assert transport.event(event).status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage", timeout=WAIT)
    assert post.body["channel"] == "D0000ANA"
    assert "thread_ts" not in post.body
    assert AMBIENT_VIDEO in blocks_json(post)


@pytest.mark.parametrize("transport", ["socket"], indirect=True)
@pytest.mark.parametrize("how", ["refresh", "close"])
def test_client_reconnects_after_the_server_closes_the_connection(
    transport: SocketBot, mock_slack: MockSlack, how: str
) -> None:
    """``refresh``: Slack's ``disconnect`` warning (the client reconnects at once); ``close``: the socket
    is closed without warning (the client notices on its next health check, every ``ping_interval``)."""
    server = transport.server
    if how == "close":
        assert transport.handler is not None
        transport.connect(transport.handler.app, ping_interval=1)  # production's 10 s would slow the test
        mock_slack.reset()
    opened = len(server.paths)

    if how == "refresh":
        server.request_refresh()
    else:
        server.close_connections(1001, "going away")
    assert server.wait_connections(opened + 1, timeout=WAIT), "the client did not reconnect"
    assert server.paths[-1] != server.paths[-2]  # a fresh ticket: it asked apps.connections.open again
    [reopen] = mock_slack.of("apps.connections.open")
    assert reopen.authorized and reopen.ok  # with the app-level token

    event = mention(QUESTION)
    response = transport.event(event)
    assert response.status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage", timeout=WAIT)
    assert post.body["thread_ts"] == event["ts"]
    assert server.wait_open(1, timeout=WAIT)  # the replaced connection is closed, not left dangling
