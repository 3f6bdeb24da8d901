"""The same scenarios over HTTP and over a real Socket Mode connection (``transport``), and the
Socket Mode specifics: acks on the socket, and the client reconnecting when Slack closes it.

Over Socket Mode the app runs under the handler ``serve`` runs (``bot.slack.socket_mode``: slack_sdk's
built-in client with a pong deadline), connected to the mock WebSocket server in ``socket_harness.py``
through the URL the mock Web API hands out for ``apps.connections.open``.
"""

from __future__ import annotations

import socket
import time

import pytest
from slack_bolt import App
from slack_harness import AMBIENT_VIDEO, CHANNEL, BotServer, blocks_json, mention, new_ts
from socket_harness import SocketBot
from support import SLACK_ACK_DEADLINE

from bot.slack.socket_mode import (
    DEFAULT_PING_INTERVAL,
    DEFAULT_PONG_TIMEOUT,
    PING_INTERVAL_ENV,
    PONG_TIMEOUT_ENV,
    RETRY_DELAYS,
    WatchfulSocketModeHandler,
    create_socket_mode_handler,
)
from slack_testkit.mock_slack import MockSlack

QUESTION = "Where can I watch the talk on the security posture of Ambient Mesh?"
WAIT = 10.0
"""Upper bound for any one reply to arrive (they take well under a second here)."""
SILENT_DROP_BOUND = 4 * (DEFAULT_PING_INTERVAL + DEFAULT_PONG_TIMEOUT)
"""A silent connection is replaced within about ``ping_interval + pong_timeout`` (measured 4-5 s); the
bound leaves room for a loaded CI box and is still far below slack_sdk's own 40-60 s."""
CLOSED_DROP_BOUND = 5.0
"""A FIN or RST is noticed by the reader at once (measured under 1 s); slack_sdk's own client took
about 5 pings (55 s at Bolt's default), spinning a core meanwhile."""
SPIN_READS = 100
"""Reads of a dropped socket allowed before a new connection: the reader blocks in ``recv`` and stops at
the first empty read (a handful); slack_sdk's own reader loops on ``b""`` (hundreds of thousands a second)."""


def test_mention_is_acked_then_answered_once_in_its_thread(
    transport: BotServer | SocketBot, mock_slack: MockSlack
) -> None:
    event = mention(QUESTION)
    started = time.monotonic()
    response = transport.event(event)
    assert response.status_code == 200
    assert time.monotonic() - started < SLACK_ACK_DEADLINE
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
    assert response.elapsed.total_seconds() < SLACK_ACK_DEADLINE
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


@pytest.mark.parametrize("transport", ["socket"], indirect=True)
@pytest.mark.parametrize("fault", ["silent", "fin", "rst"])
def test_client_replaces_a_connection_that_dies_without_a_close_frame(
    transport: SocketBot, mock_slack: MockSlack, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``silent``: the peer vanishes with the TCP connection left open (a NAT or load balancer timeout:
    no FIN, no close frame, no pong); ``fin``/``rst``: the TCP connection is closed with no close frame.
    Either way the client opens a new connection within seconds, without spinning a core meanwhile,
    and the next event is answered once."""
    server = transport.server
    assert isinstance(transport.handler, WatchfulSocketModeHandler)  # what serve runs, with its defaults
    opened = len(server.paths)
    mock_slack.reset()

    session = transport.handler.client.current_session
    assert session is not None and session.sock is not None
    dropped = getattr(session.sock, "_sock", session.sock)  # the TCP socket under connect()'s EOF wrapper
    reads = 0
    recv = socket.socket.recv

    def counting_recv(sock: socket.socket, *args: int) -> bytes:
        nonlocal reads
        if sock is dropped:
            reads += 1
        return recv(sock, *args)

    monkeypatch.setattr(socket.socket, "recv", counting_recv)  # reads of the dropped socket: a spin shows here
    broken = server.go_silent() if fault == "silent" else server.drop_connections(reset=fault == "rst")
    assert broken == 1
    bound = SILENT_DROP_BOUND if fault == "silent" else CLOSED_DROP_BOUND
    assert server.wait_connections(opened + 1, timeout=bound), f"no new connection within {bound} s"
    assert reads < SPIN_READS, f"{reads} reads of the dropped socket: the reader spins on its end of file"
    monkeypatch.undo()
    [reopen] = mock_slack.of("apps.connections.open")
    assert reopen.authorized and reopen.ok

    event = mention(QUESTION)
    assert transport.event(event).status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage", timeout=WAIT)
    assert post.body["thread_ts"] == event["ts"]
    mock_slack.settle(quiet=0.5)
    assert len(mock_slack.of("chat.postMessage")) == 1
    assert server.open_connections == 1


@pytest.mark.parametrize("transport", ["socket"], indirect=True)
def test_reconnect_attempts_back_off_while_slack_refuses_them(transport: SocketBot, mock_slack: MockSlack) -> None:
    """The monitor checks twice a second, but ``apps.connections.open`` is rate limited: after a failed
    attempt the next waits 1 s, then 2, 5, ... (not one attempt per tick), and one succeeds once Slack does.

    Waits for the third refused attempt, then checks the gaps between attempts (a loaded machine can only
    widen them), not how many attempts fit in a fixed sleep."""
    server = transport.server
    url, opened = mock_slack.socket_url, len(server.paths)
    mock_slack.reset()
    mock_slack.socket_url = None  # apps.connections.open answers socket_mode_not_enabled
    try:
        server.drop_connections()
        attempts = mock_slack.wait_for("apps.connections.open", count=3, timeout=30.0)[:3]
    finally:
        mock_slack.socket_url = url
    assert not any(call.ok for call in attempts)
    gaps = [attempts[1].at - attempts[0].at, attempts[2].at - attempts[1].at]
    assert gaps[0] >= RETRY_DELAYS[1] - 0.1 and gaps[1] >= RETRY_DELAYS[2] - 0.1, gaps  # backing off: 1 s, then 2
    assert server.wait_connections(opened + 1, timeout=60.0), "no new connection once Slack accepted again"

    event = mention(QUESTION)
    assert transport.event(event).status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage", timeout=WAIT)
    assert post.body["thread_ts"] == event["ts"]


def test_handler_settings_come_from_the_arguments_else_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    app = App(token="xoxb-test-0000-token", token_verification_enabled=False)
    monkeypatch.delenv(PING_INTERVAL_ENV, raising=False)
    monkeypatch.delenv(PONG_TIMEOUT_ENV, raising=False)
    handlers = [create_socket_mode_handler(app, "xapp-1-test")]
    monkeypatch.setenv(PING_INTERVAL_ENV, "7.5")
    monkeypatch.setenv(PONG_TIMEOUT_ENV, " 4 ")
    handlers.append(create_socket_mode_handler(app, "xapp-1-test"))
    handlers.append(create_socket_mode_handler(app, "xapp-1-test", ping_interval=1, pong_timeout=2))
    try:
        assert [(h.client.ping_interval, h.client.pong_timeout) for h in handlers] == [
            (DEFAULT_PING_INTERVAL, DEFAULT_PONG_TIMEOUT), (7.5, 4.0), (1, 2)]
        assert handlers[0].client.web_client is app.client  # apps.connections.open goes where the app's calls go
    finally:
        for handler in handlers:
            handler.close()
    for bad in ("soon", "0", "-1"):
        monkeypatch.setenv(PING_INTERVAL_ENV, bad)
        with pytest.raises(SystemExit, match=PING_INTERVAL_ENV):
            create_socket_mode_handler(app, "xapp-1-test")
