"""Scenarios over real HTTP: signed requests to the app under uvicorn, Web API calls to the mock."""

from __future__ import annotations

import json
import logging
import time

import pytest
from slack_harness import AMBIENT_VIDEO, CHANNEL, BotServer, blocks_json, mention, new_ts
from support import SLACK_ACK_DEADLINE

from slack_testkit.bodies import event_body
from slack_testkit.mock_slack import BOT_ID, BOT_USER_ID, MockSlack

SPANISH_QUESTION = "¿Dónde puedo ver la charla sobre la postura de seguridad de Ambient Mesh?"





def all_output(mock: MockSlack) -> str:
    """Everything the bot sent anywhere (Web API and response_url), as raw request bodies."""
    return "\n".join(call.raw for call in mock.calls)


def test_spanish_mention_gets_one_cited_reply_in_thread(bot: BotServer, mock_slack: MockSlack) -> None:
    event = mention(SPANISH_QUESTION)
    started = time.monotonic()
    response = bot.event(event)
    assert response.status_code == 200
    assert time.monotonic() - started < SLACK_ACK_DEADLINE  # acknowledged within Slack's deadline
    assert not mock_slack.of("chat.postMessage")  # and before the reply: the ack does not wait for retrieval

    [post] = mock_slack.wait_for("chat.postMessage")
    mock_slack.settle()
    assert len(mock_slack.of("chat.postMessage")) == 1
    assert post.body["channel"] == CHANNEL
    assert post.body["thread_ts"] == event["ts"]
    blocks = blocks_json(post)
    assert AMBIENT_VIDEO in blocks
    assert "<https://istio.io/latest/es/blog/2023/istio-at-kubecon-eu/|" in blocks  # citation to the post
    assert "Esto es lo que dice istio.io" in blocks and "*Vídeos*" in blocks  # Spanish UI strings
    assert "Videos*" not in blocks and "Here is what" not in blocks
    assert post.body["unfurl_links"] is False and post.body["unfurl_media"] is False
    assert AMBIENT_VIDEO in post.body["text"]  # plain fallback carries the answer too
    assert len(post.body["blocks"]) <= 50
    # :eyes: on the question while working, removed afterwards.
    [added] = mock_slack.of("reactions.add")
    [removed] = mock_slack.of("reactions.remove")
    assert {k: added.body[k] for k in ("channel", "timestamp", "name")} == {
        "channel": CHANNEL, "timestamp": event["ts"], "name": "eyes"
    }
    assert removed.body == added.body
    assert mock_slack.calls.index(added) < mock_slack.calls.index(post) < mock_slack.calls.index(removed)


def test_slack_retries_get_no_second_reply(bot: BotServer, mock_slack: MockSlack) -> None:
    event = mention("Who talked about the security posture of Ambient Mesh?")
    assert bot.event(event, event_id="EvRETRY1").status_code == 200
    mock_slack.wait_for("chat.postMessage")
    for attempt in ("1", "2", "3"):
        headers = {"X-Slack-Retry-Num": attempt, "X-Slack-Retry-Reason": "http_timeout"}
        assert bot.event(event, event_id="EvRETRY1", headers=headers).status_code == 200
    mock_slack.settle(quiet=1.0)
    assert len(mock_slack.of("chat.postMessage")) == 1
    assert len(mock_slack.of("reactions.add")) == 1


def test_mention_delivered_as_app_mention_and_message_gets_one_reply(bot: BotServer, mock_slack: MockSlack) -> None:
    first = mention("Where was Istio Day Europe 2023 held?")
    bot.event(first)
    mock_slack.wait_for("chat.postMessage")
    # A mention inside the thread the bot now follows arrives twice: as message and as app_mention.
    ts = new_ts()
    follow = mention("And who gave the opening keynote?", ts=ts, thread_ts=first["ts"])
    as_message = {**follow, "type": "message", "channel_type": "channel"}
    bot.event(as_message)
    bot.event(follow)
    mock_slack.wait_for("chat.postMessage", count=2)
    mock_slack.settle(quiet=1.0)
    posts = mock_slack.of("chat.postMessage")
    assert len(posts) == 2
    assert posts[1].body["thread_ts"] == first["ts"]


@pytest.mark.parametrize("case", ["forged", "stale", "unsigned"])
def test_bad_signature_is_rejected_without_web_api_calls(bot: BotServer, mock_slack: MockSlack, case: str) -> None:
    event = mention("Where can I watch the Ambient Mesh security talk?")
    if case == "forged":
        response = bot.event(event, secret="not-the-secret")
    elif case == "stale":
        response = bot.event(event, timestamp=int(time.time()) - 10 * 60)
    else:
        response = bot.http.post("/slack/events", json={"type": "event_callback", "event": event})
    assert response.status_code == 401
    mock_slack.settle(quiet=0.5)
    assert mock_slack.calls == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("{not json", "application/json"), ("payload=%7Bnot+json", "application/x-www-form-urlencoded")],
)
def test_unreadable_bodies_get_401_unsigned_and_400_signed(
    bot: BotServer, mock_slack: MockSlack, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert bot.post(body, content_type, secret="not-the-secret").status_code == 401  # before the body is read
    assert bot.post(body, content_type).status_code == 400
    app, bot.slot.app = bot.slot.app, None  # while the index loads, too: the signature is checked first
    try:
        assert bot.post(body, content_type, secret="not-the-secret").status_code == 401
    finally:
        bot.slot.app = app
    mock_slack.settle(quiet=0.3)
    assert mock_slack.calls == []
    assert "Traceback" not in caplog.text and "body Slack does not send" in caplog.text


@pytest.mark.parametrize("missing", ["channel", "ts"])
def test_a_mention_without_channel_or_ts_is_dropped_quietly(
    bot: BotServer, mock_slack: MockSlack, caplog: pytest.LogCaptureFixture, missing: str
) -> None:
    event = mention("Where was IstioCon 2022 held?")
    body = event_body(event)
    del body["event"][missing]
    assert bot.post(json.dumps(body), "application/json").status_code == 200
    mock_slack.settle(quiet=0.5)
    assert mock_slack.calls == []
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_lone_surrogates_in_a_question_are_answered_without_an_error(
    bot: BotServer, mock_slack: MockSlack, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(event_body(mention("Where was IstioCon 2022 held? \ud83d")))  # half an emoji
    assert "\\ud83d" in body
    assert bot.post(body, "application/json").status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage")
    assert "IstioCon 2022" in blocks_json(post)
    assert "something went wrong" not in post.body["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_slash_command_acks_fast_then_answers_ephemerally_and_shares(bot: BotServer, mock_slack: MockSlack) -> None:
    response_url = f"{mock_slack.url}/response_url/cmd1"
    started = time.monotonic()
    response = bot.command("Where can I watch the talk on the security posture of Ambient Mesh?", response_url)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert elapsed < SLACK_ACK_DEADLINE, f"ack took {elapsed:.2f}s"

    [reply] = mock_slack.wait_for("response_url")
    assert reply.body["response_type"] == "ephemeral"
    assert AMBIENT_VIDEO in blocks_json(reply)
    assert not mock_slack.of("chat.postMessage")  # nothing public yet
    [button] = [e for b in reply.body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == "share_answer"

    share_url = f"{mock_slack.url}/response_url/share1"
    payload = {
        "type": "block_actions",
        "user": {"id": "U0000ANA", "name": "ana"},
        "team": {"id": "T0000001"},
        "api_app_id": "A0000001",
        "channel": {"id": "C0000CMD", "name": "general"},
        "container": {"type": "message", "is_ephemeral": True, "channel_id": "C0000CMD"},
        "trigger_id": "3333.4444.efgh",
        "response_url": share_url,
        "actions": [{**button, "type": "button", "block_id": "b1", "action_ts": new_ts()}],
    }
    assert bot.interaction(payload).status_code == 200
    [public] = mock_slack.wait_for("chat.postMessage")
    assert public.body["channel"] == "C0000CMD"
    assert AMBIENT_VIDEO in blocks_json(public)
    assert "<@U0000ANA>" in blocks_json(public)  # who shared it
    assert '"actions"' not in blocks_json(public)  # no share button on the public copy
    deleted = mock_slack.wait_for("response_url", count=2)[-1]
    assert deleted.body.get("delete_original") is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["`/istio-events events [year or name]`", "`/istio-events help`"]),
        ("help", ["`/istio-events videos [topic or event]`"]),
        ("ayuda", ["Pregúntame"]),
        ("events", ["Events I know about", "Istio Day Europe 2025", "1 April 2025 · London",
                    "istio.io/latest/blog/2025/kubecon-eu/", "25–29 April 2022"]),
        ("eventos", ["Eventos que conozco", "IstioCon China 2023", "26 de septiembre de 2023 · Shanghái",
                     "istio.io/latest/es/blog/2023/istiocon-china/"]),
        ("events 2021", ["IstioCon 2021", "22–26 February 2021", "Istio Community Meetup China 2021"]),
        ("videos ambient mesh security", [AMBIENT_VIDEO, "security posture of Ambient Mesh"]),
        ("videos", [AMBIENT_VIDEO, "https://youtu.be/h9EgMrJ0ahs"]),
    ],
)
def test_slash_subcommands(bot: BotServer, mock_slack: MockSlack, text: str, expected: list[str]) -> None:
    assert bot.command(text, f"{mock_slack.url}/response_url/sub").status_code == 200
    [reply] = mock_slack.wait_for("response_url")
    assert reply.body["response_type"] == "ephemeral"
    for needle in expected:
        assert needle in blocks_json(reply) or needle in reply.body["text"]


def test_direct_message_is_answered_in_the_dm(bot: BotServer, mock_slack: MockSlack) -> None:
    event = {"type": "message", "channel_type": "im", "channel": "D0000ANA", "user": "U0000ANA",
             "text": "Where can I watch the security posture of Ambient Mesh talk?", "ts": new_ts()}
    assert bot.event(event).status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "D0000ANA"
    assert "thread_ts" not in post.body
    assert AMBIENT_VIDEO in blocks_json(post)


@pytest.mark.parametrize(
    "extra",
    [
        {"user": BOT_USER_ID, "bot_id": BOT_ID},  # the bot's own message
        {"user": "U0000OTH", "bot_id": "B0000OTH", "subtype": "bot_message"},  # another bot
        {"user": "U0000ANA", "subtype": "message_changed"},  # an edit
        {"user": "U0000ANA", "subtype": "channel_join"},  # a join
    ],
)
def test_bot_messages_and_subtypes_are_ignored(bot: BotServer, mock_slack: MockSlack, extra: dict) -> None:
    event = {"type": "message", "channel_type": "im", "channel": "D0000ANA",
             "text": "Where can I watch the Ambient Mesh talk?", "ts": new_ts(), **extra}
    assert bot.event(event).status_code == 200
    mock_slack.settle(quiet=1.0)
    assert mock_slack.calls == []


def test_thread_follow_up_is_answered_only_where_the_bot_answered(bot: BotServer, mock_slack: MockSlack) -> None:
    first = mention("Who spoke about the security posture of Ambient Mesh?")
    bot.event(first)
    mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.3)
    follow = {"type": "message", "channel_type": "channel", "channel": CHANNEL, "user": "U0000ANA",
              "text": "Where can I watch the Bloomberg talk from Istio Day Europe 2023?", "ts": new_ts(),
              "thread_ts": first["ts"]}
    bot.event(follow)
    posts = mock_slack.wait_for("chat.postMessage", count=2)
    assert posts[1].body["thread_ts"] == first["ts"]
    assert "https://youtu.be/f6jMix46ZD8" in blocks_json(posts[1])
    # Threads the bot never answered in, and top-level channel chatter, are left alone.
    other = {**follow, "ts": new_ts(), "thread_ts": "1600000000.000100"}
    top = {**follow, "ts": new_ts()}
    top.pop("thread_ts")
    bot.event(other)
    bot.event(top)
    mock_slack.settle(quiet=1.0)
    assert len(mock_slack.of("chat.postMessage")) == 2


def test_broadcast_mentions_in_questions_are_never_echoed(bot: BotServer, mock_slack: MockSlack) -> None:
    hostile = "<!channel> <!here> <!everyone> @channel @here <@U0000BOB> <!subteam^S0000DEV|@devs> ambient mesh?"
    bot.command(hostile, f"{mock_slack.url}/response_url/hostile")
    [reply] = mock_slack.wait_for("response_url")
    bot.event(mention(hostile))
    mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.3)
    out = all_output(mock_slack)
    assert "ambient mesh?" in blocks_json(reply)  # the question is echoed, but defanged
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U0000BOB>", "<!subteam^", "@channel", "@here"):
        assert raw not in out, raw
        assert raw not in json.dumps(reply.body), raw


def test_rate_limited_post_is_retried_and_delivered_once(bot: BotServer, mock_slack: MockSlack) -> None:
    mock_slack.faults.rate_limit_once.add("chat.postMessage")
    bot.event(mention(SPANISH_QUESTION))
    delivered = mock_slack.wait_for("chat.postMessage", ok=True)
    mock_slack.settle()
    attempts = mock_slack.of("chat.postMessage")
    assert [call.status for call in attempts] == [429, 200]
    assert len(delivered) == 1
    assert AMBIENT_VIDEO in blocks_json(delivered[0])


def test_rejected_blocks_fall_back_to_plain_text(bot: BotServer, mock_slack: MockSlack) -> None:
    mock_slack.faults.reject_blocks = True
    bot.event(mention(SPANISH_QUESTION))
    delivered = mock_slack.wait_for("chat.postMessage", ok=True)
    mock_slack.settle()
    attempts = mock_slack.of("chat.postMessage")
    assert [call.response.get("error") for call in attempts] == ["invalid_blocks", None]
    assert "blocks" not in delivered[0].body
    assert AMBIENT_VIDEO in delivered[0].body["text"]
    assert delivered[0].body["thread_ts"] == attempts[0].body["thread_ts"]


def test_missing_reactions_scope_does_not_break_the_reply(bot: BotServer, mock_slack: MockSlack) -> None:
    mock_slack.faults.missing_reaction_scope = True
    bot.event(mention(SPANISH_QUESTION))
    [post] = mock_slack.wait_for("chat.postMessage", ok=True)
    mock_slack.settle()
    assert AMBIENT_VIDEO in blocks_json(post)
    assert [c.response["error"] for c in mock_slack.of("reactions.add")] == ["missing_scope"]
    assert mock_slack.of("reactions.remove") == []  # nothing to remove


def test_unanswerable_question_says_i_dont_know(bot: BotServer, mock_slack: MockSlack) -> None:
    bot.event(mention("What is the recipe for a good paella valenciana?"))
    [post] = mock_slack.wait_for("chat.postMessage")
    text = blocks_json(post)
    assert "No lo sé" in text or "I don't know" in text
    assert "events" in text and "help" in text
    assert "youtu" not in text and "istio.io" not in text


def test_answer_failure_shows_no_exception_text(bot: BotServer, mock_slack: MockSlack, monkeypatch) -> None:
    from bot.core.answerer import Answerer

    def broken(self: Answerer, question: str, lang: str | None = None) -> None:
        raise RuntimeError("secret internal detail xoxb-should-not-leak")

    monkeypatch.setattr(Answerer, "ask", broken)
    bot.event(mention("Where can I watch the Ambient Mesh talk?"))
    [post] = mock_slack.wait_for("chat.postMessage")
    out = all_output(mock_slack)
    assert "secret internal detail" not in out and "RuntimeError" not in out
    assert "something went wrong" in blocks_json(post)
