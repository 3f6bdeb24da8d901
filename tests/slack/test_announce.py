"""Announcements and reminders in subscribed channels, against the mock Web API, on the real catalogue of docs/
with an injected date: one post per channel and notice, in the channel's language, with two hosts (two stores
on one database, SQLite and PostgreSQL) working at once, after a restart, with a clock that jumps, and with a
Slack that cannot be reached; and ``/istio-events subscribe`` / ``unsubscribe`` over signed HTTP."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_apps import ADMIN_USER, make_app
from slack_harness import BOT_TOKEN, BotServer
from slack_sdk import WebClient
from sqlalchemy.engine import URL
from support import BASE_URL, DOCS

from bot.core.notices import announcements, reminders
from bot.slack.announce import announce_after_sync, deliver_pending, record, remind
from bot.slack.app import create_web_client
from bot.store import Store
from bot.store.subscriptions import Subscriptions
from embeddings.documents import load_corpus
from embeddings.events import Event
from slack_testkit.mock_slack import MockSlack

CHANNELS = {"C0000ENG": "en", "C0000ESP": "es", "C0000ZHO": "zh"}
NEW = ("kubecon-europe-2026", "istio-day-europe-2026")


@pytest.fixture(scope="module")
def catalogue() -> list[Event]:
    return load_corpus(DOCS, BASE_URL).events


@pytest.fixture
def hosts(store_url: str) -> Iterator[tuple[Store, Store]]:
    """Two hosts' stores on one database, every channel of :data:`CHANNELS` subscribed in its language."""
    first, second = Store(store_url), Store(store_url, migrate=False)
    for channel, lang in CHANNELS.items():
        Subscriptions(first).subscribe(channel, lang, None)
    yield first, second
    first.close()
    second.close()


@pytest.fixture
def client(mock_slack: MockSlack) -> Iterator[WebClient]:
    mock_slack.reset()
    yield create_web_client(BOT_TOKEN, mock_slack.api_url)
    mock_slack.reset()


def posts(mock_slack: MockSlack) -> list[tuple[str, str]]:
    """``(channel, first line of the text)`` of every message posted."""
    return [(c.body["channel"], c.body["text"].splitlines()[0]) for c in mock_slack.of("chat.postMessage")]


def english(mock_slack: MockSlack) -> list[str]:
    """What the English channel was told, in order."""
    return [text for channel, text in posts(mock_slack) if channel == "C0000ENG"]


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def test_each_channel_gets_each_announcement_once_in_its_language_from_two_hosts(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event], store_url: str
) -> None:
    before = [e for e in catalogue if e.key not in NEW]
    today = day("2026-03-01")
    threads = [threading.Thread(target=announce_after_sync, args=(store, client, before, catalogue, today))
               for store in (*hosts, *hosts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(posts(mock_slack)) == sorted([
        ("C0000ENG", "New event: KubeCon + CloudNativeCon Europe 2026"),
        ("C0000ENG", "New event: Istio Day Europe 2026"),
        ("C0000ESP", "Nuevo evento: KubeCon + CloudNativeCon Europe 2026"),
        ("C0000ESP", "Nuevo evento: Istio Day Europe 2026"),
        ("C0000ZHO", "新活动：KubeCon + CloudNativeCon Europe 2026"),
        ("C0000ZHO", "新活动：Istio Day Europe 2026"),
    ])
    spanish = next(c for c in mock_slack.of("chat.postMessage") if c.body["channel"] == "C0000ESP")
    assert "Ámsterdam" in str(spanish.body["blocks"]) and spanish.body["unfurl_links"] in (False, "false", "0")
    with Store(store_url, migrate=False) as restarted:  # a restart, the same sync seen again: nothing new
        outcome = announce_after_sync(restarted, client, before, catalogue, today)
    assert (outcome.recorded, outcome.posted) == (0, 0) and len(posts(mock_slack)) == 6


def test_notices_a_host_recorded_before_it_died_are_posted_by_the_next_run(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event]
) -> None:
    """The host recorded the news and stopped before posting; after the restart the catalogue no longer
    differs (the sync is done), and still every channel is told, once."""
    first, second = hosts
    before = [e for e in catalogue if e.key not in NEW]
    assert record(Subscriptions(first), announcements(before, catalogue, day("2026-03-01"))) == 2
    assert posts(mock_slack) == []
    outcome = announce_after_sync(second, client, catalogue, catalogue, day("2026-03-02"))
    assert (outcome.recorded, outcome.posted) == (0, 6)
    assert Counter(channel for channel, _ in posts(mock_slack)) == {channel: 2 for channel in CHANNELS}
    assert deliver_pending(first, client, day("2026-03-02")).posted == 0


def test_a_channel_subscribed_later_gets_only_later_news(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event]
) -> None:
    first, _ = hosts
    before = [e for e in catalogue if e.key not in NEW]
    announce_after_sync(first, client, before, catalogue, day("2026-03-01"))
    Subscriptions(first).subscribe("C0000NEW", "en", None)
    remind(first, client, catalogue, day("2026-03-23"))  # the eve of Istio Day Europe 2026
    late = [text for channel, text in posts(mock_slack) if channel == "C0000NEW"]
    assert late == ["Istio Day Europe 2026 starts tomorrow, 24 March 2026"]


def test_daily_ticks_on_two_hosts_post_every_reminder_once(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event]
) -> None:
    """Every day from 10 March to 26 March 2026, each host ticks (twice): every reminder once per channel."""
    for offset in range(17):
        today = day("2026-03-10") + dt.timedelta(days=offset)
        for store in (*hosts, *hosts):
            remind(store, client, catalogue, today)
    assert english(mock_slack) == [
        "KubeCon + CloudNativeCon Europe 2026 starts in 7 days, on 23 March 2026",
        "Istio Day Europe 2026 starts in 7 days, on 24 March 2026",
        "KubeCon + CloudNativeCon Europe 2026 starts tomorrow, 23 March 2026",
        "Istio Day Europe 2026 starts tomorrow, 24 March 2026",
    ]
    assert Counter(channel for channel, _ in posts(mock_slack)) == {channel: 4 for channel in CHANNELS}


def test_a_clock_that_jumps_posts_no_reminder_twice_and_none_stale(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event]
) -> None:
    first, second = hosts
    remind(first, client, catalogue, day("2026-03-14"))  # ten days before Istio Day Europe 2026: nothing
    assert posts(mock_slack) == []
    remind(second, client, catalogue, day("2026-03-23"))  # jumps to its eve: the 1-day reminder alone
    assert english(mock_slack) == ["Istio Day Europe 2026 starts tomorrow, 24 March 2026"]
    remind(first, client, catalogue, day("2026-03-18"))  # jumps back: Istio Day's 7-day reminder is stale
    assert english(mock_slack)[1:] == [  # KubeCon's was never told (the clock jumped over both its windows)
        "KubeCon + CloudNativeCon Europe 2026 starts in 5 days, on 23 March 2026"]
    for again in ("2026-03-23", "2026-03-18", "2026-03-25", "2027-01-01"):
        remind(second, client, catalogue, day(again))
    assert len(english(mock_slack)) == 2 and len(posts(mock_slack)) == 6


def test_a_reminder_still_pending_when_the_event_starts_is_dropped(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event]
) -> None:
    first, _ = hosts
    eve = [n for n in reminders(catalogue, day("2026-03-23")) if n.event.key == "istio-day-europe-2026"]
    assert record(Subscriptions(first), eve) == 1
    outcome = deliver_pending(first, client, day("2026-03-24"))  # the host was down until the day itself
    assert (outcome.posted, outcome.stale) == (0, 3) and posts(mock_slack) == []


def test_a_slack_that_cannot_be_reached_gets_the_notice_later(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event]
) -> None:
    first, second = hosts
    down = WebClient(token=BOT_TOKEN, base_url="http://127.0.0.1:9/api/")  # nothing listens there; no retries
    before = [e for e in catalogue if e.key not in NEW]
    outcome = announce_after_sync(first, down, before, catalogue, day("2026-03-01"))
    assert (outcome.recorded, outcome.posted, outcome.retry) == (2, 0, 1)  # the first refusal stops the run
    outcome = deliver_pending(second, client, day("2026-03-01"))
    assert outcome.posted == 6 and len(set(posts(mock_slack))) == 6 == len(posts(mock_slack))


def test_a_channel_slack_refuses_is_not_retried_and_the_others_are_told(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event]
) -> None:
    first, second = hosts
    mock_slack.faults.not_in_channel = {"C0000ZHO"}  # the bot was never invited there
    before = [e for e in catalogue if e.key not in NEW]
    outcome = announce_after_sync(first, client, before, catalogue, day("2026-03-01"))
    assert (outcome.posted, outcome.failed) == (4, 2)
    assert Subscriptions(first).deliveries("event:istio-day-europe-2026")["C0000ZHO"] == "not_in_channel"
    mock_slack.faults.not_in_channel = set()
    assert deliver_pending(second, client, day("2026-03-02")).posted == 0


# -- the slash command -----------------------------------------------------------------------------------------


@pytest.fixture
def command_bot(bot_server: BotServer, mock_slack: MockSlack, slack_store: Store) -> Iterator[BotServer]:
    """An app that answers commands without an index (subscribing needs none) behind the session's server."""
    bot_server.slot.fill(make_app(None, mock_slack, slack_store), 0)  # type: ignore[arg-type]
    mock_slack.reset()
    yield bot_server
    mock_slack.settle(quiet=0.2)
    bot_server.slot.app = None


def run(bot: BotServer, mock_slack: MockSlack, text: str, user: str) -> str:
    """The command's private reply."""
    seen = len(mock_slack.of("response_url"))
    assert bot.command(text, f"{mock_slack.url}/response_url/sub", user=user).status_code == 200
    return str(mock_slack.wait_for("response_url", count=seen + 1)[-1].body["text"])


def test_only_admins_may_subscribe(command_bot: BotServer, mock_slack: MockSlack, slack_store: Store) -> None:
    assert "only workspace admins" in run(command_bot, mock_slack, "subscribe", "U0000ANA")
    assert Subscriptions(slack_store).subscribers() == []
    assert "solo los administradores" in run(command_bot, mock_slack, "suscribirse", "U0000ANA")


@pytest.mark.parametrize(("text", "user", "locale", "lang", "says"), [
    ("subscribe es", ADMIN_USER, "en-US", "es", "Este canal recibirá novedades de eventos de Istio en español"),
    ("订阅", "U0000WSA", "en-US", "zh", "本频道将以中文接收"),  # a workspace admin (users.info), the word's language
    ("subscribe", "U0000WSA", "es-ES", "es", "en español"),  # the user's Slack locale
    ("subscribe", ADMIN_USER, "en-US", "en", "This channel will get Istio event news in English"),
])
def test_subscribe_in_the_channel_language(
    command_bot: BotServer, mock_slack: MockSlack, slack_store: Store, text: str, user: str, locale: str, lang: str,
    says: str,
) -> None:
    mock_slack.admins = {"U0000WSA"}
    mock_slack.locales = {user: locale}
    assert says in run(command_bot, mock_slack, text, user)
    subscriber = Subscriptions(slack_store).subscriber("C0000CMD")
    assert subscriber is not None and subscriber.lang == lang


def test_resubscribe_unsubscribe_and_a_language_the_bot_does_not_speak(
    command_bot: BotServer, mock_slack: MockSlack, slack_store: Store
) -> None:
    assert "Klingon" not in run(command_bot, mock_slack, "subscribe klingon", ADMIN_USER)
    assert Subscriptions(slack_store).subscribers() == []
    run(command_bot, mock_slack, "subscribe", ADMIN_USER)
    assert "从今" not in (updated := run(command_bot, mock_slack, "subscribe zh", ADMIN_USER))
    assert updated.startswith("本频道已经订阅")
    assert run(command_bot, mock_slack, "unsubscribe", ADMIN_USER) == "本频道将不再接收 Istio 活动消息。"
    assert run(command_bot, mock_slack, "unsubscribe", ADMIN_USER) == "This channel was not subscribed."
    assert Subscriptions(slack_store).subscribers() == []


def test_the_remind_command_is_the_daily_tick(
    mock_slack: MockSlack, client: WebClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bot.cli import main

    url = URL.create("sqlite", database=str(tmp_path / "bot.sqlite")).render_as_string()
    with Store(url) as store:
        Subscriptions(store).subscribe("C0000ESP", "es", None)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", mock_slack.api_url)
    for _ in range(2):  # twice the same day (two hosts' crons): told once
        assert main(["remind", "--today", "2026-03-23", "--database-url", url]) == 0
    assert posts(mock_slack) == [("C0000ESP", "Istio Day Europe 2026 empieza mañana, 24 de marzo de 2026")]
    assert '"posted": 1' in capsys.readouterr().out


def test_the_scheduled_sync_announces_what_it_brought(
    hosts: tuple[Store, Store], client: WebClient, mock_slack: MockSlack, catalogue: list[Event],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    import embeddings.index
    from bot.slack import schedule

    builds = [[e for e in catalogue if e.key not in NEW], catalogue]  # the live build's catalogue, then the new one
    served: list[list[Event]] = [builds[0]]
    monkeypatch.setattr(embeddings.index, "current_events", lambda index_dir: served[-1])
    monkeypatch.setattr(schedule, "run_cli_sync", lambda arguments: bool(served.append(builds[1])) or True)
    today = lambda: day("2026-03-01")  # noqa: E731 - the clock the schedule is given
    assert schedule.sync_and_announce(hosts[0], client, tmp_path, ["sync"], today) is True
    assert sorted(english(mock_slack)) == ["New event: Istio Day Europe 2026",
                                            "New event: KubeCon + CloudNativeCon Europe 2026"]
    failed: list[str] = []
    monkeypatch.setattr(schedule, "run_cli_sync", lambda arguments: bool(failed.append("x")))
    # a failed sync tells nothing
    assert schedule.sync_and_announce(hosts[1], client, tmp_path, ["sync"], today) is False
    assert len(english(mock_slack)) == 2 and failed == ["x"]
