"""Bounded input before trust: a body over the limit gets 413 unread, the signature is checked on the bounded
read, and a long question is cut before its language is detected and before it is stored."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from slack_harness import SIGNING_SECRET, BotServer, blocks_json, mention

from bot.core import answerer as answerer_module
from bot.core import commands as commands_module
from bot.core.answerer import Answerer
from bot.core.language import detect_language
from bot.slack import delivery as delivery_module
from bot.slack.delivery import MAX_QUESTION_CHARS
from bot.slack.listeners import assistant as assistant_module
from bot.slack.listeners import messages as messages_module
from bot.slack.server import MAX_BODY_BYTES
from bot.store import Store
from slack_testkit.bodies import event_body
from slack_testkit.mock_slack import MockSlack
from slack_testkit.signing import sign

AMBIENT_QUESTION = "Where can I watch the talk on the security posture of Ambient Mesh?"
READ_TIMEOUT = 5.0
"""How long the raw client waits for the status line: a server that tried to read the rest of a body that
is never sent would still be waiting (the 413 comes at once, so this bounds only a failure)."""


def status_of(bot: BotServer, head: list[str], parts: list[bytes]) -> int:
    """Send a request's head and ``parts`` of its body on a raw socket (never the rest the head may
    promise), and return the status code of the response."""
    with socket.create_connection(("127.0.0.1", bot.port), timeout=READ_TIMEOUT) as sock:
        sock.sendall(("\r\n".join(["POST /slack/events HTTP/1.1", "Host: 127.0.0.1", *head]) + "\r\n\r\n").encode())
        for part in parts:
            sock.sendall(part)
        received = b""
        while b"\r\n" not in received:
            chunk = sock.recv(4096)
            if not chunk:
                break
            received += chunk
    return int(received.split(b" ", 2)[1])


def signed_head(body: str) -> list[str]:
    return ["Content-Type: application/json", *(f"{k}: {v}" for k, v in sign(body, SIGNING_SECRET).items())]


def test_a_content_length_over_the_limit_gets_413_without_the_body_being_read(bot: BotServer) -> None:
    """The head promises more than the limit and only a few bytes follow: answered at once, nothing waited
    for (reading the body would block until the client gave up)."""
    body = '{"type": "event_callback"}'
    head = [*signed_head(body), f"Content-Length: {MAX_BODY_BYTES * 10}"]
    assert status_of(bot, head, [body.encode()]) == 413


def test_a_chunked_body_is_refused_once_it_passes_the_limit(bot: BotServer) -> None:
    """No length given: the body is read until it passes the limit, then refused, without waiting for its
    end (the final chunk is never sent)."""
    piece = b"x" * 65536
    chunks = [b"%x\r\n%s\r\n" % (len(piece), piece)] * (MAX_BODY_BYTES // len(piece) + 1)
    head = [*signed_head("{}"), "Transfer-Encoding: chunked"]
    assert status_of(bot, head, chunks) == 413


def test_a_body_within_the_limit_with_a_bad_signature_is_401(bot: BotServer, mock_slack: MockSlack) -> None:
    body = json.dumps(event_body(mention(AMBIENT_QUESTION)))
    assert bot.post(body, "application/json", secret="not-the-secret").status_code == 401
    assert bot.post(body, "application/json").status_code == 200  # the same body, signed, is taken
    mock_slack.wait_for("chat.postMessage", timeout=30)


@pytest.fixture
def detected(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The length of every text whose language is detected, wherever the detector was imported."""
    lengths: list[int] = []

    def spy(text: str) -> str:
        lengths.append(len(text))
        return detect_language(text)

    for module in (answerer_module, commands_module, delivery_module, assistant_module, messages_module):
        monkeypatch.setattr(module, "detect_language", spy)
    yield lengths


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every question the answerer is asked."""
    lengths: list[int] = []
    real_ask = Answerer.ask

    def spy(self: Answerer, message: str, lang: str | None = None) -> Any:
        lengths.append(len(message))
        return real_ask(self, message, lang)

    monkeypatch.setattr(Answerer, "ask", spy)
    return lengths


def stored_questions(store: Store) -> list[str]:
    return [answer.question for answer in store.answers_since(datetime.now(UTC) - timedelta(hours=1))]


def test_a_40000_character_mention_is_answered_and_only_its_beginning_is_read_or_stored(
    bot: BotServer, mock_slack: MockSlack, slack_store: Store, detected: list[int], asked: list[int]
) -> None:
    question = AMBIENT_QUESTION + " ambient" * 5000
    assert len(question) >= 40_000
    assert bot.event(mention(question)).status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage", timeout=30)
    assert "something went wrong" not in blocks_json(post) and "istio.io" in blocks_json(post)
    [stored] = stored_questions(slack_store)
    assert stored.startswith(AMBIENT_QUESTION) and len(stored) <= MAX_QUESTION_CHARS
    assert detected and max(detected) <= MAX_QUESTION_CHARS
    assert asked and max(asked) <= MAX_QUESTION_CHARS


def test_a_40000_character_slash_command_is_answered_and_only_its_beginning_is_read_or_stored(
    bot: BotServer, mock_slack: MockSlack, slack_store: Store, detected: list[int], asked: list[int]
) -> None:
    question = AMBIENT_QUESTION + " ambient" * 5000
    assert bot.command(question, f"{mock_slack.url}/response_url/long").status_code == 200
    [reply] = mock_slack.wait_for("response_url", timeout=30)
    assert "something went wrong" not in blocks_json(reply)
    [stored] = stored_questions(slack_store)
    assert stored.startswith(AMBIENT_QUESTION) and len(stored) <= MAX_QUESTION_CHARS
    assert detected and max(detected) <= MAX_QUESTION_CHARS
    assert asked and max(asked) <= MAX_QUESTION_CHARS
