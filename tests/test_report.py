"""The gap report: read from a real store, printed by ``istio-events-bot report``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.slack.blocks import report_message
from bot.store import AnswerRecord, Store
from bot.store.report import DeclinedQuestion, GapReport, gap_report, parse_since


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'bot.sqlite'}")
    yield store
    store.close()


def _fill(store: Store) -> tuple[int, int, int]:
    ana, bob = store.hash_user("T1", "U0000ANA"), store.hash_user("T1", "U0000BOB")
    answered = store.record_answer(AnswerRecord(
        "mention", "Who spoke about ambient mesh?", "en", False, "passages",
        documents=("https://istio.io/latest/blog/2023/istio-at-kubecon-eu/",), passages=("p1",),
        topic="Istio at KubeCon Europe 2023", user_hash=ana))
    declined = [store.record_answer(AnswerRecord("dm", question, "es", True, "none", user_hash=bob))
                for question in ("¿Cuándo es la IstioCon 2019?", "¿cuándo es la  IstioCon 2019?")]
    store.cast_vote(answered, ana, 1, "button")
    store.cast_vote(answered, ana, 1, "reaction")  # the same person, the same vote
    store.cast_vote(answered, bob, -1, "reaction")
    store.add_reason(answered, bob, "missing, the recording link is not there")
    store.cast_vote(declined[0], bob, -1, "button")
    return answered, declined[0], declined[1]


def test_report_counts_declines_votes_and_topics_per_language(store: Store) -> None:
    _fill(store)
    report = gap_report(store, dt.timedelta(days=7))
    assert report.asked == 3
    by_lang = {f.lang: f for f in report.languages}
    assert (by_lang["en"].asked, by_lang["en"].declined, by_lang["en"].votes_up, by_lang["en"].votes_down) == (
        1, 0, 1, 1)
    assert (by_lang["es"].asked, by_lang["es"].declined, by_lang["es"].votes_down) == (2, 2, 1)
    [declined] = report.declined  # the same question twice, however it was spaced or capitalised
    assert declined.times == 2 and declined.lang == "es"
    reasons = {d.question: d.reasons for d in report.downvoted}
    assert reasons["Who spoke about ambient mesh?"] == ["missing, the recording link is not there"]
    assert [t.topic for t in report.topics] == ["Istio at KubeCon Europe 2023"]
    text = report.to_text()
    assert "IstioCon 2019" in text and "recording link" in text
    assert "U0000ANA" not in text and "U0000BOB" not in text


def test_report_window_excludes_older_questions(store: Store) -> None:
    _fill(store)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    assert gap_report(store, dt.timedelta(days=7), now=later).asked == 0


def test_report_in_slack_is_defanged() -> None:
    hostile = DeclinedQuestion("<!channel> <@U0000BOB> when?", "en", 1, "2026-11-29T10:00")
    message = report_message(GapReport("a", "b", 1, 1.0, [], [hostile], [], []))
    out = json.dumps(message.block_dicts()) + message.text
    assert "when?" in out
    assert "<!channel>" not in out and "<@U0000BOB>" not in out


@pytest.mark.parametrize("text", ["7", "7x", "-1d", "0d", "", "week"])
def test_since_must_be_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="30m, 24h, 7d or 2w"):
        parse_since(text)


def test_since_units() -> None:
    assert parse_since("30m") == dt.timedelta(minutes=30)
    assert parse_since("2w") == dt.timedelta(days=14)


def test_cli_report_json(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill(store)
    url = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    assert main(["report", "--since", "1d", "--json", "--database-url", url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["asked"] == 3
    assert {f["lang"]: f["votes_up"] for f in data["languages"]} == {"en": 1, "es": 0}
    assert main(["report", "--since", "soon", "--database-url", url]) == 2
    assert "30m, 24h, 7d or 2w" in capsys.readouterr().err
