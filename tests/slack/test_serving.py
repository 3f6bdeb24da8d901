"""The serving process's promises: events are taken before the index loads and answered once it does, acks
never wait behind answers, one asker cannot starve the others, long questions are cut, Slack being
unreachable is logged with the event's ids, and ``/metrics`` counts what happened."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest
from slack_apps import make_app, make_slack
from slack_harness import AMBIENT_VIDEO, BotServer, blocks_json, mention, new_ts
from support import DOCS, SLACK_ACK_DEADLINE

from bot.core.answerer import Answerer
from bot.core.strings import t
from bot.slack.app import RedactTokens
from bot.slack.metrics import Metrics
from bot.slack.server import WARMING_UP, needs_build
from bot.store import Store
from embeddings.config import Settings
from slack_testkit.mock_slack import MockSlack

AMBIENT_QUESTION = "Where can I watch the talk on the security posture of Ambient Mesh?"


@pytest.fixture
def served(bot_server: BotServer, mock_slack: MockSlack, slack_store: Store) -> Iterator[tuple[BotServer, Metrics]]:
    """The session's HTTP server with a fresh slot (its own metrics); the test puts the app in it."""
    bot_server.slot.metrics = Metrics()
    bot_server.slot.ready.clear()
    bot_server.slot.building = False
    mock_slack.reset()
    yield bot_server, bot_server.slot.metrics
    mock_slack.settle(quiet=0.2)
    bot_server.slot.app = None
    bot_server.slot.building = False


def test_events_before_the_index_loads_are_acked_then_answered_once_it_is(
    served: tuple[BotServer, Metrics], mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> None:
    bot, metrics = served
    loading: Future[Answerer] = Future()
    bot.slot.app = make_app(loading, mock_slack, slack_store, metrics=metrics)
    health = bot.http.get("/healthz")
    assert health.status_code == 200 and health.json()["index"] == "loading"

    assert bot.event(mention(AMBIENT_QUESTION)).status_code == 200
    assert bot.command("events 2021", f"{mock_slack.url}/response_url/early").status_code == 200
    mock_slack.settle(quiet=0.5)
    assert not mock_slack.of("chat.postMessage") and not mock_slack.of("response_url")  # nothing to say yet

    loading.set_result(warm_answerer)
    bot.slot.loaded(len(warm_answerer.index.passages))
    [post] = mock_slack.wait_for("chat.postMessage")
    assert AMBIENT_VIDEO in blocks_json(post)
    [reply] = mock_slack.wait_for("response_url")
    assert "IstioCon 2021" in blocks_json(reply)
    assert bot.http.get("/healthz").json()["index"] == "ready"


def test_a_host_with_no_built_index_says_it_is_warming_up_and_answers_once_built(
    served: tuple[BotServer, Metrics], mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> None:
    """No release step ran: ``/healthz`` says the index is being built (still 200: events are taken), a
    question received meanwhile is acknowledged and told, in its thread, that the bot is starting, and answered
    once the index is in."""
    bot, metrics = served
    building: Future[Answerer] = Future()
    bot.slot.building = True
    built = make_slack(building, mock_slack, slack_store, metrics=metrics)
    built.responder.warming = lambda: not bot.slot.ready.is_set()  # what serve sets on a host with no build
    bot.slot.app = built.app
    health = bot.http.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "index": "building", "detail": WARMING_UP, "passages": 0}

    question = mention(AMBIENT_QUESTION)
    assert bot.event(question).status_code == 200
    [note] = mock_slack.wait_for("chat.postMessage")
    assert note.body["text"] == t("en", "warming_up") and note.body["thread_ts"] == question["ts"]
    mock_slack.settle(quiet=0.5)
    assert len(mock_slack.of("chat.postMessage")) == 1  # the note, no answer yet

    building.set_result(warm_answerer)
    bot.slot.loaded(len(warm_answerer.index.passages))
    [_, post] = mock_slack.wait_for("chat.postMessage", count=2)
    assert AMBIENT_VIDEO in blocks_json(post)
    health = bot.http.get("/healthz")
    assert health.json() == {"status": "ok", "index": "ready", "passages": len(warm_answerer.index.passages)}
    assert bot.event(mention(AMBIENT_QUESTION)).status_code == 200  # once ready: no more notes
    [*_, last] = mock_slack.wait_for("chat.postMessage", count=3)
    assert last.body["text"] != t("en", "warming_up")


def test_needs_build_says_so_in_the_log_only_when_no_index_was_built(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.from_env(docs_dir=DOCS, index_dir=tmp_path / "index")
    with caplog.at_level(logging.WARNING, logger="bot.slack.server"):
        assert needs_build(settings)
    [record] = caplog.records
    assert WARMING_UP in record.getMessage() and str(tmp_path / "index") in record.getMessage()

    caplog.clear()
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "CURRENT").write_text("build-1")
    with caplog.at_level(logging.WARNING, logger="bot.slack.server"):
        assert not needs_build(settings)
    assert not caplog.records


def test_healthz_says_failed_when_the_index_could_not_load(served: tuple[BotServer, Metrics]) -> None:
    bot, _ = served
    bot.slot.failed = "IndexUnavailable"
    try:
        response = bot.http.get("/healthz")
        assert response.status_code == 503 and response.json()["status"] == "failed"
    finally:
        bot.slot.failed = None


def test_acks_never_wait_behind_answers_and_one_asker_cannot_starve_others(
    served: tuple[BotServer, Metrics], mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Eight slow questions from one person fill every answer thread they may; a slash command from someone
    else is still acknowledged (Slack gives up after 3 s) and answered before the first person's backlog."""
    bot, metrics = served
    release = threading.Event()
    real_ask = Answerer.ask

    def slow_ask(self: Answerer, message: str, lang: str | None = None):
        if "backlog" in message:
            release.wait(timeout=120)  # bounds a hang only: the test releases them
        return real_ask(self, message, lang)

    monkeypatch.setattr(Answerer, "ask", slow_ask)
    bot.slot.fill(make_app(warm_answerer, mock_slack, slack_store, metrics=metrics), 1)
    for n in range(8):
        assert bot.event(mention(f"backlog question {n} about ambient mesh", user="U0000HOG")).status_code == 200
    started = time.monotonic()
    response = bot.command("events 2021", f"{mock_slack.url}/response_url/fair", user="U0000OTH")
    assert response.status_code == 200 and time.monotonic() - started < SLACK_ACK_DEADLINE
    [reply] = mock_slack.wait_for("response_url", timeout=60)  # while the backlog is still held
    assert "IstioCon 2021" in blocks_json(reply)
    assert not mock_slack.of("chat.postMessage")
    release.set()
    assert len(mock_slack.wait_for("chat.postMessage", count=8, timeout=120)) == 8


def test_a_40000_character_question_is_cut_and_answered(
    served: tuple[BotServer, Metrics], mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, metrics = served
    bot.slot.fill(make_app(warm_answerer, mock_slack, slack_store, metrics=metrics), 1)
    with caplog.at_level(logging.INFO, logger="bot.slack.delivery"):
        assert bot.event(mention(AMBIENT_QUESTION + " ambient" * 5000)).status_code == 200
        [post] = mock_slack.wait_for("chat.postMessage", timeout=30)
    assert "something went wrong" not in blocks_json(post) and "istio.io" in blocks_json(post)
    assert any("question of 40" in r.getMessage() and "cut to 2000" in r.getMessage() for r in caplog.records)


def test_slack_unreachable_is_logged_with_the_event_ids_and_no_traceback(
    served: tuple[BotServer, Metrics], mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, metrics = served
    app = make_app(warm_answerer, mock_slack, slack_store, metrics=metrics)
    app.client.base_url = "http://127.0.0.1:9/api/"  # nothing listens on port 9: connection refused
    app.client.retry_handlers = []
    bot.slot.fill(app, 1)
    with caplog.at_level(logging.INFO):
        assert bot.event(mention(AMBIENT_QUESTION), event_id="EvREFUSED1").status_code == 200
        deadline = time.monotonic() + 20
        while not metrics.replies.labels("mention", "failed")._value.get() and time.monotonic() < deadline:
            time.sleep(0.05)
    failures = [r for r in caplog.records if "could not reach Slack" in r.getMessage()]
    assert failures and all("EvREFUSED1" in r.getMessage() for r in failures)
    assert not any(r.exc_info for r in caplog.records if r.levelno >= logging.WARNING)


def test_metrics_count_events_replies_answers_and_votes(
    served: tuple[BotServer, Metrics], mock_slack: MockSlack, warm_answerer: Answerer, slack_store: Store
) -> None:
    bot, metrics = served
    bot.slot.fill(make_app(warm_answerer, mock_slack, slack_store, metrics=metrics), 1)
    metrics.observe_index(warm_answerer.index)
    bot.event(mention(AMBIENT_QUESTION))
    bot.event(mention("What is the recipe for a good paella valenciana?"))
    posts = mock_slack.wait_for("chat.postMessage", count=2)
    reply = next(post for post in posts if AMBIENT_VIDEO in blocks_json(post))
    bot.event({"type": "reaction_added", "user": "U0000VOT", "reaction": "+1", "item_user": "UBOT0001",
               "item": {"type": "message", "channel": reply.body["channel"], "ts": reply.response["ts"]},
               "ts": new_ts()})
    mock_slack.settle(quiet=0.3)

    response = bot.http.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'istio_events_bot_events_total{surface="mention"} 2.0' in text
    assert 'istio_events_bot_replies_total{outcome="posted",surface="mention"} 2.0' in text
    assert 'istio_events_bot_answers_total{declined="true",surface="mention"} 1.0' in text
    assert 'istio_events_bot_answers_total{declined="false",surface="mention"} 1.0' in text
    assert 'istio_events_bot_votes_total{via="reaction",vote="up"} 1.0' in text
    assert "istio_events_bot_answer_seconds_count 2.0" in text
    assert 'istio_events_bot_reply_seconds_count{surface="mention"} 2.0' in text
    assert f"istio_events_bot_index_passages {float(len(warm_answerer.index.passages))}" in text
    assert "istio_events_bot_index_ready 1.0" in text
    assert "U0000VOT" not in text and "U0000ANA" not in text


def test_tracebacks_are_redacted_too() -> None:
    """``logger.exception`` prints a traceback after the message: a token in it is blanked as well."""
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(RedactTokens())
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    try:
        try:
            raise RuntimeError("auth failed for xoxb-1234-5678-abcdefSECRET")
        except RuntimeError:
            log.exception("call failed with xapp-1-A1-2-SECRET")
    finally:
        log.removeHandler(handler)
    [text] = records
    assert "SECRET" not in text and "Traceback" in text and "(redacted)" in text


def test_metrics_show_the_last_sync_and_the_live_builds_age(
    tmp_path: Path, docs_settings: Settings, docs_build: object
) -> None:
    import datetime as dt

    from embeddings.sources import SyncOutcome, record_status

    metrics = Metrics()
    metrics.observe_disk(tmp_path, docs_settings.index_dir)  # no sync yet
    assert metrics.registry.get_sample_value("istio_events_bot_sync_last_timestamp_seconds") == 0
    when = dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC)
    record_status(tmp_path, SyncOutcome(when=when, ok=False, error="cannot fetch", stage="fetch"))
    metrics.observe_disk(tmp_path, docs_settings.index_dir)
    assert metrics.registry.get_sample_value("istio_events_bot_sync_last_timestamp_seconds") == when.timestamp()
    assert metrics.registry.get_sample_value("istio_events_bot_sync_last_success") == 0
    built = metrics.registry.get_sample_value("istio_events_bot_index_built_timestamp_seconds")
    assert built is not None and abs(built - time.time()) < 7 * 24 * 3600  # this session's build
