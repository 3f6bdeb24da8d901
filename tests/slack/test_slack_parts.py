"""The pieces under the scenarios: Block Kit limits and escaping, catalog, transport wiring (the store has its own
suite in tests/store)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
import uvicorn
from slack_harness import BOT_TOKEN, SIGNING_SECRET
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
from slack_sdk.socket_mode.request import SocketModeRequest

from bot.core import catalogue as catalog
from bot.core import compose
from bot.core.answerer import Answerer
from bot.core.reply import Quote, Reply
from bot.slack import server
from bot.slack.app import RedactTokens, SlackConfig, create_app
from bot.slack.blocks import MAX_BLOCKS, MAX_CONTEXT_ELEMENTS, MAX_SECTION_CHARS, defang, reply_message
from bot.slack.socket_mode import WatchfulSocketModeHandler
from bot.store import Store
from embeddings.config import Settings
from embeddings.events import Event, EventPost
from embeddings.markdown import Link
from embeddings.passages import Passage
from embeddings.sessions import Session, Speaker
from slack_testkit.mock_slack import MockSlack

# -- blocks ---------------------------------------------------------------------------------------


def _huge_answer() -> Reply:
    links = [Link(f"https://youtu.be/v{i:08d}", f"talk <{i}> & more " * 20, "video", f"v{i:08d}") for i in range(60)]
    snippets = [
        Quote("<b>bold</b> & " + "word " * 1200, f"Post {i} <x>", "Section | A", "2024-01-01", "en",
                f"https://istio.io/latest/blog/2024/post-{i}/", 1.0, links[:2])
        for i in range(40)
    ]
    return compose.quotes_reply("q", "en", snippets, links)


def test_answer_blocks_respect_slack_limits_and_escape_post_text() -> None:
    message = reply_message(_huge_answer(), echo_question=True, share={"k": "ask", "a": "q", "l": "en"})
    blocks = message.block_dicts()
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION_CHARS
        if block["type"] == "context":
            assert len(block["elements"]) <= MAX_CONTEXT_ELEMENTS
    dumped = json.dumps(blocks)
    assert "<b>" not in dumped and "&lt;b&gt;bold&lt;/b&gt; &amp;" in dumped
    assert "Post 0 &lt;x&gt;" in dumped
    assert blocks[-1]["type"] == "actions"  # the share button survives the cut
    assert len(message.post_kwargs()["text"]) <= 4000


def test_defang_neutralises_every_kind_of_mass_mention() -> None:
    text = defang("<!channel> <!here|here> <!everyone> @channel @HERE <@U123> <@W9|bob> <!subteam^S1|@devs> a<b")
    for raw in ("<!", "<@", "@channel", "@HERE", "@everyone", "a<b"):
        assert raw not in text
    assert "a&lt;b" in text and "bob" in text


def test_videos_message_with_nothing_found_echoes_the_topic_safely() -> None:
    message = reply_message(compose.videos_reply([], "es", topic="<!here> kiali"))
    assert "<!here>" not in message.text and "kiali" in message.text and "grabaciones" in message.text


# -- catalog --------------------------------------------------------------------------------------


def _fake_index() -> SimpleNamespace:
    """A made-up event with a session recording and a post video in two languages: nothing here is in docs/."""
    posts = [EventPost("en", "MeshCon recap", "https://x/blog/2031/meshcon/", "2031-05-03"),
             EventPost("es", "MeshCon (es)", "https://x/es/blog/2031/meshcon/", "2031-05-03")]
    meshcon = Event("meshcon-2031", "istiocon", "", "2031", "MeshCon 2031", start="2031-05-01", end="2031-05-02",
                    place="Lisbon", posts=posts)
    ring = Event("ring-2030", "istiocon", "", "2030", "Ring Day 2030", start="2030-02-01",
                 posts=[EventPost("en", "Ring Day", "https://x/blog/2030/ringday/", "2030-02-02")])
    talk = Session("meshcon-2031/a1", "meshcon-2031", "MeshCon 2031", "Sidecars for cats",
                   (Speaker("Ana Gato", "Engineer at Cats"),), "2031-05-01T10:00:00Z", "", "talk", "", "en", False,
                   "About cats.", "https://youtu.be/AAAA", "", "https://events/x/a1/", Path("a1.md"))

    def passage(doc: str, lang: str, url: str, links: tuple[Link, ...], **extra: object) -> Passage:
        return Passage(f"{doc}#0", doc, lang, "t", "2031-05-01", url, "", 0, "text", links, ((0, 0),) * len(links),
                       **extra)  # type: ignore[arg-type]

    passages = [
        passage("session/meshcon-2031/a1", "en", talk.page, (Link("https://youtu.be/AAAA", talk.title, "video",
                "AAAA"),), kind="session", session=talk),
        passage("es/2031/meshcon", "es", "https://x/es/blog/2031/meshcon/",
                (Link("https://youtu.be/AAAA", "Sidecars para gatos", "video", "AAAA"),)),
        passage("en/2030/ringday", "en", "https://x/blog/2030/ringday/",
                (Link("https://youtu.be/BBBB", "Rings of trust", "video", "BBBB"),)),
    ]
    return SimpleNamespace(events=[meshcon, ring], passages=passages)


def test_events_and_videos_are_derived_from_the_index() -> None:
    index = _fake_index()
    upcoming, past = catalog.events(index, dt.date(2031, 1, 1))
    assert [e.name for e in upcoming] == ["MeshCon 2031"] and [e.name for e in past] == ["Ring Day 2030"]
    upcoming, past = catalog.events(index, dt.date(2031, 6, 1))
    assert upcoming == [] and [e.name for e in past] == ["MeshCon 2031", "Ring Day 2030"]  # newest first
    assert [e.name for e in catalog.events(index, dt.date(2031, 6, 1), "lisbon")[1]] == ["MeshCon 2031"]
    videos = catalog.videos(index, "es")
    # One entry per YouTube id: the session's recording and the Spanish post's link are the same video.
    assert [(v.video_id, v.title, v.event_name) for v in videos] == [
        ("AAAA", "Sidecars para gatos", "MeshCon 2031"), ("BBBB", "Rings of trust", "Ring Day 2030")
    ]
    english = catalog.videos(index, "en")
    assert english[0].title == "Sidecars for cats" and english[0].speakers == ("Ana Gato",)
    assert [v.video_id for v in catalog.videos(index, "en", "cats")] == ["AAAA"]  # by talk title
    assert [v.video_id for v in catalog.videos(index, "en", "ring day")] == ["BBBB"]  # by event name
    assert [v.video_id for v in catalog.videos(index, "en", "gato")] == ["AAAA"]  # by speaker


# -- app and transports ---------------------------------------------------------------------------


def test_web_client_retries_rate_limits_and_connection_errors(mock_slack: MockSlack, warm_answerer: Answerer) -> None:
    app = create_app(warm_answerer, token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=mock_slack.api_url,
                     store=Store("sqlite://"))
    kinds = {type(handler) for handler in app.client.retry_handlers}
    assert {RateLimitErrorRetryHandler, ConnectionErrorRetryHandler} <= kinds
    assert app.client.base_url == mock_slack.api_url


def test_config_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "8123",
                        "SLACK_API_URL": "http://127.0.0.1:9/api/"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    config = SlackConfig.from_env()
    assert (config.port, config.socket_mode, config.api_url) == (8123, False, "http://127.0.0.1:9/api/")
    assert SlackConfig.from_env(app_token="xapp-1").socket_mode


def test_serve_uses_socket_mode_with_an_app_token(
    monkeypatch: pytest.MonkeyPatch, mock_slack: MockSlack, warm_answerer: Answerer, tmp_path: Path
) -> None:
    """Wiring: the WebSocket connects before the index has loaded (the loader waits for it here), an event
    taken meanwhile is acknowledged at once and answered once the index is in. The socket is replaced."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite'}")
    connected = threading.Event()
    started: list[WatchfulSocketModeHandler] = []

    def factory(settings: Settings) -> Answerer:
        assert connected.wait(10), "the index was loaded before the socket opened"
        envelope_taken.wait(10)
        return warm_answerer

    def fake_connect(self: WatchfulSocketModeHandler) -> None:
        started.append(self)
        connected.set()
        sent: list = []
        monkeypatch.setattr(self.client, "send_socket_mode_response", sent.append)
        mock_slack.reset()
        self.handle(self.client, SocketModeRequest.from_dict(envelope))
        assert [response.envelope_id for response in sent] == ["env-1"]  # acknowledged before the index loaded
        assert not mock_slack.of("chat.postMessage")
        envelope_taken.set()

    envelope_taken = threading.Event()
    envelope = {
        "envelope_id": "env-1",
        "type": "events_api",
        "accepts_response_payload": False,
        "payload": {
            "type": "event_callback", "team_id": "T0000001", "event_id": "EvSOCK1",
            "event": {"type": "app_mention", "user": "U0000ANA", "channel": "C0000SOC", "ts": "1700000000.000001",
                      "text": "<@UBOT0001> Where can I watch the security posture of Ambient Mesh talk?"},
        },
    }
    monkeypatch.setattr(WatchfulSocketModeHandler, "connect", fake_connect)
    monkeypatch.setattr(server, "block_until_stopped", lambda: None)
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: pytest.fail("HTTP server started in Socket Mode"))
    config = SlackConfig(bot_token=BOT_TOKEN, signing_secret=None, app_token="xapp-1-test", api_url=mock_slack.api_url)
    server.serve(Settings.from_env(), config=config, answerer_factory=factory)
    [handler] = started
    assert handler.app_token == "xapp-1-test"
    # the answer (after a "warming up" note when this machine has no index built for the default settings)
    [post] = mock_slack.wait_until(lambda call: call.method == "chat.postMessage"
                                   and "https://youtu.be/QnfrbbY_Hy4" in json.dumps(call.body.get("blocks")))
    assert post.body["thread_ts"] == "1700000000.000001"
    mock_slack.settle(quiet=0.2)


def test_serve_uses_http_on_port_without_an_app_token(
    monkeypatch: pytest.MonkeyPatch, mock_slack: MockSlack, warm_answerer: Answerer, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'bot.sqlite'}")
    ran: list[uvicorn.Server] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: ran.append(self))
    monkeypatch.setenv("PORT", "8765")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    config = SlackConfig.from_env(bot_token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=mock_slack.api_url)
    server.serve(Settings.from_env(), config=config, answerer_factory=lambda settings: warm_answerer)
    [http] = ran
    assert http.config.port == 8765
    assert {route.path for route in http.config.app.routes} == {"/slack/events", "/healthz", "/metrics"}


def test_serve_refuses_to_start_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit):
        server.serve(Settings.from_env(), config=SlackConfig(bot_token=None, signing_secret="s"))
    with pytest.raises(SystemExit):
        server.serve(Settings.from_env(), config=SlackConfig(bot_token="xoxb-1", signing_secret=None))


def test_serve_refuses_to_start_with_a_store_it_cannot_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://bot:hunter2@127.0.0.1:9/bot?connect_timeout=2")
    monkeypatch.setattr(server, "serve_http", lambda *args: pytest.fail("started without a store"))
    with pytest.raises(SystemExit) as stopped:
        server.serve(Settings.from_env(), config=SlackConfig(bot_token="xoxb-1", signing_secret="s"))
    message = str(stopped.value)
    assert "the store cannot be used" in message and "127.0.0.1:9" in message
    assert "hunter2" not in message


def test_tokens_never_reach_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s and %s", ("xoxb-123-abc", "xapp-1-A-b"), None)
    RedactTokens().filter(record)
    assert "xoxb-123" not in record.getMessage() and "xapp-1" not in record.getMessage()


def test_responder_applies_the_retention_as_it_logs(warm_answerer: Answerer, tmp_path: Path) -> None:
    from bot.slack.delivery import Responder
    from bot.store import AnswerRecord
    from bot.store.jobs import JobQueue, Sealer

    store = Store(f"sqlite:///{tmp_path / 'bot.sqlite'}", retention_days=30)
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    store.record_answer(AnswerRecord("dm", "an old question", "en", True, "none", asked_at=old))
    responder = Responder(warm_answerer, store, JobQueue(store, Sealer(SIGNING_SECRET)))
    answer = warm_answerer.ask("Where was IstioCon 2022 held?")
    logged = responder.log_answer(answer, answer.question, "mention", "en", {"team_id": "T1"}, "U0000ANA")
    assert [a.id for a in store.answers_since(old - dt.timedelta(days=1))] == [logged]
    [kept] = store.answers_since(old - dt.timedelta(days=1))
    assert (kept.surface, kept.declined, kept.topic) == ("mention", False, answer.quotes[0].title)
    assert "IstioCon 2022" in kept.topic  # the first quote's title: the card or a post about the edition
    assert kept.documents and kept.passages and kept.user_hash == store.hash_user(None, "U0000ANA")
