"""The surfaces beyond mentions, DMs and the slash command, over HTTP and over Socket Mode: the assistant
panel, the Home tab, feedback (buttons, reactions, the reason modal), the gap report, thread manners and
files in DMs. Every Web API call lands in the mock; every vote in the test's own SQLite store."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from slack_apps import ADMIN_USER, Transport
from slack_harness import AMBIENT_VIDEO, CHANNEL, blocks_json, mention, new_ts

from bot.slack.blocks import FEEDBACK_ACTION_ID, REASON_CALLBACK_ID
from bot.store import Store, StoreError
from slack_testkit.mock_slack import BOT_USER_ID, TEAM_ID, Call, MockSlack

AMBIENT_QUESTION = "Who talked about the security posture of Ambient Mesh?"
DM = "D0000ANA"





def feedback_values(call: Call) -> dict[str, str]:
    """The feedback buttons' values in a posted message: {"good": "good:<id>", "bad": "bad:<id>"}."""
    for block in call.body.get("blocks", []):
        if block.get("type") == "context_actions":
            [element] = block["elements"]
            assert element["type"] == "feedback_buttons" and element["action_id"] == FEEDBACK_ACTION_ID
            return {"good": element["positive_button"]["value"], "bad": element["negative_button"]["value"]}
    raise AssertionError(f"no feedback buttons in {blocks_json(call)}")


def click(mock: MockSlack, post: Call, value: str, user: str = "U0000ANA") -> dict[str, Any]:
    """The ``block_actions`` payload Slack sends when ``user`` clicks a feedback button on ``post``."""
    channel, ts = post.body["channel"], post.response["ts"]
    return {
        "type": "block_actions", "api_app_id": "A0000001", "team": {"id": TEAM_ID},
        "user": {"id": user, "team_id": TEAM_ID}, "trigger_id": "1111.2222.feedback",
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
        "channel": {"id": channel}, "message": {"ts": ts, "type": "message", "text": post.body["text"]},
        "response_url": f"{mock.url}/response_url/feedback",
        "actions": [{"type": "feedback_buttons", "action_id": FEEDBACK_ACTION_ID, "block_id": "fb",
                     "value": value, "action_ts": str(time.time())}],
    }


def reason_submission(metadata: str, choice: str, details: str, user: str = "U0000ANA") -> dict[str, Any]:
    """The ``view_submission`` of the "what was wrong?" modal with one box ticked and some text."""
    return {
        "type": "view_submission", "api_app_id": "A0000001", "team": {"id": TEAM_ID},
        "user": {"id": user, "team_id": TEAM_ID}, "trigger_id": "1111.3333.submit",
        "view": {"id": "V0000001", "type": "modal", "callback_id": REASON_CALLBACK_ID,
                 "private_metadata": metadata, "state": {"values": {
                     "choices": {"choices": {"type": "checkboxes", "selected_options": [{"value": choice}]}},
                     "details": {"details": {"type": "plain_text_input", "value": details}},
                 }}},
    }


def reaction(post: Call, name: str, user: str, added: bool = True) -> dict[str, Any]:
    return {"type": "reaction_added" if added else "reaction_removed", "user": user, "reaction": name,
            "item_user": BOT_USER_ID, "item": {"type": "message", "channel": post.body["channel"],
                                               "ts": post.response["ts"]}, "ts": new_ts()}


def ask(transport: Transport, mock_slack: MockSlack, question: str = AMBIENT_QUESTION) -> Call:
    transport.event(mention(question))
    [post] = mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.3)
    return post


def votes(store: Store) -> list[tuple[int, str]]:
    return sorted((v.value, v.source) for v in store.votes_since(_epoch()))


def _epoch() -> Any:
    import datetime as dt

    return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


# -- the assistant panel ----------------------------------------------------------------------------


def test_assistant_thread_greets_with_prompts_in_the_users_language(
    transport: Transport, mock_slack: MockSlack
) -> None:
    mock_slack.locales["U0000ANA"] = "es-ES"
    thread_ts = new_ts()
    started = {"type": "assistant_thread_started", "ts": thread_ts, "assistant_thread": {
        "user_id": "U0000ANA", "channel_id": DM, "thread_ts": thread_ts,
        "context": {"channel_id": CHANNEL, "team_id": TEAM_ID, "enterprise_id": None}}}
    assert transport.event(started).status_code == 200
    [prompts] = mock_slack.wait_for("assistant.threads.setSuggestedPrompts")
    [greeting] = mock_slack.wait_for("chat.postMessage")
    assert greeting.body["channel"] == DM and greeting.body["thread_ts"] == thread_ts
    assert "¡Hola!" in greeting.body["text"]
    assert greeting.body["unfurl_links"] is False and greeting.body["unfurl_media"] is False
    assert prompts.body["channel_id"] == DM and prompts.body["thread_ts"] == thread_ts
    listed = prompts.body["prompts"]
    if isinstance(listed, str):
        listed = json.loads(listed)
    assert 1 <= len(listed) <= 4
    messages = [p["message"] for p in listed]
    assert "eventos" in messages  # the Spanish subcommand for every event
    assert any(m.startswith("¿") for m in messages)  # a question in Spanish about the latest event
    assert all(len(p["title"]) <= 75 for p in listed)


def test_assistant_thread_started_twice_greets_once(transport: Transport, mock_slack: MockSlack) -> None:
    thread_ts = new_ts()
    started = {"type": "assistant_thread_started", "ts": thread_ts, "assistant_thread": {
        "user_id": "U0000ANA", "channel_id": DM, "thread_ts": thread_ts, "context": {}}}
    transport.event(started, event_id="EvStarted1")
    transport.event(started, event_id="EvStarted1", retry_attempt=1)
    mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.5)
    assert len(mock_slack.of("chat.postMessage")) == 1
    assert len(mock_slack.of("assistant.threads.setSuggestedPrompts")) == 1


def start_assistant_thread(transport: Transport, mock_slack: MockSlack) -> str:
    """Open an assistant-panel thread as Slack does, and return its ts (the greeting and prompts are left
    out of the call record)."""
    thread_ts = new_ts()
    transport.event({"type": "assistant_thread_started", "ts": thread_ts, "assistant_thread": {
        "user_id": "U0000ANA", "channel_id": DM, "thread_ts": thread_ts, "context": {}}})
    mock_slack.wait_for("assistant.threads.setSuggestedPrompts")
    mock_slack.settle(quiet=0.3)
    mock_slack.reset()
    return thread_ts


def test_a_reply_in_an_ordinary_dm_thread_is_answered_as_a_dm(
    transport: Transport, mock_slack: MockSlack, slack_store: Store
) -> None:
    thread_ts = new_ts()  # a thread under one of the bot's DM answers, not an assistant-panel thread
    transport.event({"type": "message", "channel_type": "im", "channel": DM, "user": "U0000ANA",
                     "text": AMBIENT_QUESTION, "ts": new_ts(), "thread_ts": thread_ts})
    [post] = mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.3)
    assert post.body["thread_ts"] == thread_ts and AMBIENT_VIDEO in blocks_json(post)
    assert len(mock_slack.of("reactions.add")) == 1
    assert mock_slack.of("assistant.threads.setStatus") == mock_slack.of("assistant.threads.setTitle") == []
    [logged] = slack_store.answers_since(_epoch())
    assert logged.surface == "dm"


def test_assistant_message_sets_status_and_title_then_answers_once(
    transport: Transport, mock_slack: MockSlack
) -> None:
    thread_ts = start_assistant_thread(transport, mock_slack)
    message = {"type": "message", "channel_type": "im", "channel": DM, "user": "U0000ANA",
               "text": "¿Dónde puedo ver la charla sobre la postura de seguridad de Ambient Mesh?",
               "ts": new_ts(), "thread_ts": thread_ts}
    assert transport.event(message).status_code == 200
    [post] = mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.3)
    [title] = mock_slack.of("assistant.threads.setTitle")
    [status] = mock_slack.of("assistant.threads.setStatus")
    assert title.body["title"].startswith("¿Dónde puedo ver")
    assert status.body["status"] == "está buscando en istio.io…"
    assert mock_slack.calls.index(status) < mock_slack.calls.index(post)
    assert post.body["channel"] == DM and post.body["thread_ts"] == thread_ts
    assert AMBIENT_VIDEO in blocks_json(post) and "Esto es lo que dice istio.io" in blocks_json(post)
    assert post.body["unfurl_links"] is False
    feedback_values(post)
    assert mock_slack.of("reactions.add") == []  # the status line replaces :eyes: here
    # Slack's redelivery is not answered again; a second question is answered without a new title.
    transport.event(message, event_id="EvAssistantRetry")
    follow = {**message, "ts": new_ts(), "text": "Where can I watch the Bloomberg talk from Istio Day Europe 2023?"}
    transport.event(follow)
    posts = mock_slack.wait_for("chat.postMessage", count=2)
    mock_slack.settle(quiet=0.5)
    assert len(mock_slack.of("chat.postMessage")) == 2
    assert "https://youtu.be/f6jMix46ZD8" in blocks_json(posts[1])
    assert len(mock_slack.of("assistant.threads.setTitle")) == 1


def test_assistant_failure_shows_no_exception_text(
    transport: Transport, mock_slack: MockSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.core.answerer import Answerer

    def broken(self: Answerer, question: str, lang: str | None = None) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(Answerer, "ask", broken)
    thread_ts = start_assistant_thread(transport, mock_slack)
    transport.event({"type": "message", "channel_type": "im", "channel": DM, "user": "U0000ANA",
                     "text": "Where can I watch the Ambient Mesh talk?", "ts": new_ts(), "thread_ts": thread_ts})
    [post] = mock_slack.wait_for("chat.postMessage")
    assert "something went wrong" in post.body["text"]
    assert "secret internal detail" not in "\n".join(call.raw for call in mock_slack.calls)


# -- the Home tab -------------------------------------------------------------------------------------


def test_home_tab_is_one_views_publish_per_open(
    transport: Transport, mock_slack: MockSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.slack.home

    built: list[str] = []
    real = bot.slack.home.home_view
    monkeypatch.setattr(bot.slack.home, "home_view", lambda *args: built.append("view") or real(*args))
    opened = {"type": "app_home_opened", "user": "U0000ANA", "channel": DM, "tab": "home", "ts": new_ts()}
    assert transport.event(opened).status_code == 200
    [publish] = mock_slack.wait_for("views.publish")
    view = publish.body["view"] if isinstance(publish.body["view"], dict) else json.loads(publish.body["view"])
    assert publish.body["user_id"] == "U0000ANA" and view["type"] == "home"
    text = json.dumps(view, ensure_ascii=False)
    for needle in ("/istio-events", "Istio Day Europe 2025", "IstioCon 2022", "中文", "Español", "youtu.be/"):
        assert needle in text, needle
    assert len(view["blocks"]) <= 100
    transport.event({**opened, "ts": new_ts()})
    mock_slack.wait_for("views.publish", count=2)
    mock_slack.settle(quiet=0.3)
    assert [call.method for call in mock_slack.calls if call.method != "users.info"] == ["views.publish"] * 2
    assert len(mock_slack.of("users.info")) <= 1  # the viewer's language, looked up once a day
    assert built == ["view"]  # built on the first open, then served from the cache
    transport.event({**opened, "ts": new_ts(), "tab": "messages"})  # the Messages tab: nothing to publish
    mock_slack.settle(quiet=0.5)
    assert len(mock_slack.of("views.publish")) == 2


def test_home_tab_speaks_the_viewers_slack_language(transport: Transport, mock_slack: MockSlack) -> None:
    viewers = (("U0000ANA", "es-ES", ("eventos", "vídeos")), ("U0000LI", "zh-CN", ("活动", "视频")))
    for number, (user, locale, words) in enumerate(viewers, 1):
        mock_slack.locales[user] = locale
        transport.event({"type": "app_home_opened", "user": user, "channel": DM, "tab": "home", "ts": new_ts()})
        publish = mock_slack.wait_for("views.publish", count=number)[-1]
        view = publish.body["view"] if isinstance(publish.body["view"], dict) else json.loads(publish.body["view"])
        text = json.dumps(view, ensure_ascii=False)
        assert publish.body["user_id"] == user and all(word in text for word in words), (locale, text[:300])


# -- feedback -------------------------------------------------------------------------------------------


def test_button_and_reaction_votes_are_stored_once_per_person(
    transport: Transport, mock_slack: MockSlack, slack_store: Store
) -> None:
    post = ask(transport, mock_slack)
    values = feedback_values(post)
    assert transport.interaction(click(mock_slack, post, values["good"])).status_code == 200
    [thanks] = mock_slack.wait_for("response_url")
    assert thanks.body["response_type"] == "ephemeral" and "Thanks for the feedback" in thanks.body["text"]
    transport.interaction(click(mock_slack, post, values["good"]))  # a second click
    transport.event(reaction(post, "+1::skin-tone-3", "U0000ANA"))  # and the matching reaction
    transport.event(reaction(post, "-1", "U0000BOB"))  # someone else disagrees
    transport.event(reaction(post, "tada", "U0000EVE"))  # not a vote
    mock_slack.wait_for("response_url", count=2)
    mock_slack.settle(quiet=0.5)
    assert votes(slack_store) == [(-1, "reaction"), (1, "button")]
    transport.event(reaction(post, "-1", "U0000BOB", added=False))  # Bob takes his back
    mock_slack.settle(quiet=0.5)
    assert votes(slack_store) == [(1, "button")]


def test_no_user_id_reaches_the_database(transport: Transport, mock_slack: MockSlack, slack_store: Store) -> None:
    """Askers, voters and people mentioned in questions: none of their ids is stored, in any table."""
    post = ask(transport, mock_slack, "<@U0000BOB> asked me: who talked about the security posture of Ambient Mesh?")
    transport.interaction(click(mock_slack, post, feedback_values(post)["bad"], user="U0000EVE"))
    transport.event(reaction(post, "+1", "U0000ZED"))
    mock_slack.wait_for("views.open")
    mock_slack.settle(quiet=0.5)
    assert len(slack_store.votes_since(_epoch())) == 2
    [logged] = slack_store.answers_since(_epoch())
    assert logged.question.startswith("@someone asked me")
    database = Path(slack_store.url_for_logs.removeprefix("sqlite:///"))
    with sqlite3.connect(database) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        dump = "\n".join(str(row) for table in tables for row in db.execute(f"SELECT * FROM {table}"))
    assert "Ambient Mesh" in dump  # the dump is of the right database
    for user in ("U0000ANA", "U0000BOB", "U0000EVE", "U0000ZED"):
        assert user not in dump


def test_thumbs_down_opens_the_reason_modal_and_the_reason_is_stored(
    transport: Transport, mock_slack: MockSlack, slack_store: Store
) -> None:
    post = ask(transport, mock_slack)
    transport.interaction(click(mock_slack, post, feedback_values(post)["bad"]))
    [opened] = mock_slack.wait_for("views.open")
    view = opened.body["view"] if isinstance(opened.body["view"], dict) else json.loads(opened.body["view"])
    assert view["callback_id"] == REASON_CALLBACK_ID and opened.body["trigger_id"] == "1111.2222.feedback"
    submission = reason_submission(view["private_metadata"], "missing", "The keynote video is missing")
    assert transport.interaction(submission).status_code == 200
    mock_slack.settle(quiet=0.5)
    [vote] = slack_store.votes_since(_epoch())
    assert (vote.value, vote.source, vote.reason) == (-1, "button", "missing; The keynote video is missing")


@pytest.mark.parametrize(
    "value", ["good:999999:es", "great:1", "good:", "bad:1;DROP TABLE votes", "good:1:xx", ""]
)
def test_unknown_or_forged_feedback_is_not_counted(
    transport: Transport, mock_slack: MockSlack, slack_store: Store, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    post = ask(transport, mock_slack)
    assert transport.interaction(click(mock_slack, post, value)).status_code == 200
    mock_slack.settle(quiet=0.5)
    assert slack_store.votes_since(_epoch()) == []
    notes = mock_slack.of("response_url")
    if value == "good:999999:es":  # well formed, but no such answer: the user is told, politely, in Spanish
        [note] = notes
        assert "Ya no tengo registrada esa respuesta" in note.body["text"]
        assert "not on record" in caplog.text
    else:
        assert notes == []
        assert "feedback button with an unreadable value" in caplog.text


def test_reactions_on_messages_the_bot_never_sent_are_not_votes(
    transport: Transport, mock_slack: MockSlack, slack_store: Store
) -> None:
    post = ask(transport, mock_slack)
    someone_elses = reaction(post, "+1", "U0000BOB")
    someone_elses["item_user"] = "U0000EVE"
    transport.event(someone_elses)
    unknown = reaction(post, "+1", "U0000BOB")
    unknown["item"]["ts"] = "1500000000.000001"  # a bot message with no answer on record
    transport.event(unknown)
    mock_slack.settle(quiet=0.5)
    assert slack_store.votes_since(_epoch()) == []


def test_a_store_that_is_down_refuses_events_for_slack_to_retry_and_apologises_for_votes(
    transport: Transport, mock_slack: MockSlack, slack_store: Store, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    post = ask(transport, mock_slack)
    value = feedback_values(post)["good"]

    def down(*args: Any, **kwargs: Any) -> None:
        raise StoreError("sqlite:///bot.sqlite: database is locked")

    for method in ("claim", "record_answer", "cast_vote", "add_reason", "follows_thread", "follow_thread",
                   "transaction"):
        monkeypatch.setattr(slack_store, method, down)
    mock_slack.reset()
    transport.interaction(click(mock_slack, post, value))
    [note] = mock_slack.wait_for("response_url")
    assert "could not record your feedback" in note.body["text"]
    metadata = json.dumps({"a": 1, "c": CHANNEL, "l": "zh"})
    transport.interaction(reason_submission(metadata, "wrong", "out of date"))
    [apology] = mock_slack.wait_for("chat.postEphemeral")
    assert apology.body["channel"] == CHANNEL and apology.body["user"] == "U0000ANA"
    assert apology.body["text"] == "抱歉，现在无法记录你的反馈，请稍后再试。"
    question = mention(AMBIENT_QUESTION)
    # the event cannot be recorded, so it is not acknowledged: Slack will deliver it again
    assert transport.event(question).status_code != 200
    assert "database is locked" in caplog.text
    monkeypatch.undo()  # the store is back
    assert transport.event(question, retry_attempt=1, retry_reason="http_error").status_code == 200
    [answer] = mock_slack.wait_for("chat.postMessage")
    assert AMBIENT_VIDEO in blocks_json(answer)
    mock_slack.settle(quiet=0.3)
    assert len(mock_slack.of("chat.postMessage")) == 1


# -- the gap report ----------------------------------------------------------------------------------


def test_report_is_for_admins_only(transport: Transport, mock_slack: MockSlack) -> None:
    post = ask(transport, mock_slack, "What is the recipe for a good paella valenciana?")
    assert "I don't know" in post.body["text"] or "No lo sé" in post.body["text"]
    transport.command("report", f"{mock_slack.url}/response_url/report", user="U0000BOB")
    [refused] = mock_slack.wait_for("response_url")
    assert "only the bot's admins" in refused.body["text"]
    transport.command("report 1d", f"{mock_slack.url}/response_url/report", user=ADMIN_USER)
    replies = mock_slack.wait_for("response_url", count=2)
    shown = blocks_json(replies[1])
    assert replies[1].body["response_type"] == "ephemeral"
    assert "Gap report" in shown and "paella valenciana" in shown and "*Declined*" in shown


def test_cli_report_shows_votes_cast_through_buttons_and_reactions(
    transport: Transport, mock_slack: MockSlack, slack_store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    post = ask(transport, mock_slack)
    transport.interaction(click(mock_slack, post, feedback_values(post)["good"]))
    transport.event(reaction(post, "thumbsdown", "U0000BOB"))
    mock_slack.wait_for("response_url")
    mock_slack.settle(quiet=0.5)
    assert main(["report", "--json", "--since", "1h", "--database-url", slack_store.url_for_logs]) == 0
    data = json.loads(capsys.readouterr().out)
    [english] = [f for f in data["languages"] if f["lang"] == "en"]
    assert (english["asked"], english["votes_up"], english["votes_down"]) == (1, 1, 1)
    assert data["downvoted"][0]["question"] == AMBIENT_QUESTION


# -- thread manners and files -----------------------------------------------------------------------


def test_followed_thread_answers_questions_not_thanks(transport: Transport, mock_slack: MockSlack) -> None:
    first = mention(AMBIENT_QUESTION)
    transport.event(first)
    mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.3)

    def say(text: str) -> None:
        transport.event({"type": "message", "channel_type": "channel", "channel": CHANNEL, "user": "U0000ANA",
                         "text": text, "ts": new_ts(), "thread_ts": first["ts"]})

    for chatter in ("thanks!", "ok 👍", ":tada:", "<@U0000BOB> did you see this?", "gracias", "谢谢"):
        say(chatter)
    mock_slack.settle(quiet=1.0)
    assert len(mock_slack.of("chat.postMessage")) == 1
    say("Where can I watch the Bloomberg talk from Istio Day Europe 2023?")
    posts = mock_slack.wait_for("chat.postMessage", count=2)
    assert posts[1].body["thread_ts"] == first["ts"]
    assert "https://youtu.be/f6jMix46ZD8" in blocks_json(posts[1])


def test_follow_threads_off_answers_only_mentions(
    follow_threads_off: Transport, mock_slack: MockSlack
) -> None:
    transport = follow_threads_off
    first = mention(AMBIENT_QUESTION)
    transport.event(first)
    mock_slack.wait_for("chat.postMessage")
    mock_slack.settle(quiet=0.3)
    follow = {"type": "message", "channel_type": "channel", "channel": CHANNEL, "user": "U0000ANA",
              "text": "Where can I watch the Bloomberg talk from Istio Day Europe 2023?", "ts": new_ts(),
              "thread_ts": first["ts"]}
    transport.event(follow)
    mock_slack.settle(quiet=1.0)
    assert len(mock_slack.of("chat.postMessage")) == 1
    transport.event(mention("thanks!", thread_ts=first["ts"]))  # a mention is always answered
    mock_slack.wait_for("chat.postMessage", count=2)


def test_dm_with_a_file_gets_a_note_and_an_answer(transport: Transport, mock_slack: MockSlack) -> None:
    files = [{"id": "F0000001", "name": "schedule.png", "mimetype": "image/png"}]
    base = {"type": "message", "channel_type": "im", "channel": DM, "user": "U0000ANA", "subtype": "file_share",
            "files": files}
    transport.event({**base, "text": "", "ts": new_ts()})
    [note] = mock_slack.wait_for("chat.postMessage")
    assert "I read text only" in note.body["text"] and "context_actions" not in blocks_json(note)
    transport.event({**base, "text": "¿Dónde puedo ver la charla sobre la postura de seguridad de Ambient Mesh?",
                     "ts": new_ts()})
    posts = mock_slack.wait_for("chat.postMessage", count=2)
    assert "Solo leo texto" in blocks_json(posts[1]) and AMBIENT_VIDEO in blocks_json(posts[1])


def test_videos_with_nothing_relevant_says_so(transport: Transport, mock_slack: MockSlack) -> None:
    transport.command("videos banana bread recipe", f"{mock_slack.url}/response_url/videos")
    [reply] = mock_slack.wait_for("response_url")
    assert "I found no recordings about “banana bread recipe”" in reply.body["text"]
    assert "youtu" not in blocks_json(reply)

