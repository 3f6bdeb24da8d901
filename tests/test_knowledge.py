"""What the bot knows beyond posts, as a user sees it: sessions cited with their fields, lists of talks,
dates from the event catalogue, and "what's next" relative to today (docs/, the real bundled encoder)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from support import run_cli

from bot.cli import respond
from bot.core.answerer import Answerer
from bot.core.session_lists import is_list_question
from bot.core.strings import t
from bot.render.text import render_text
from embeddings.config import Settings


def _on(answerer: Answerer, today: dt.date) -> Answerer:
    """The session's answerer, with another idea of today (the catalogue does not change)."""
    return Answerer(answerer.retriever, today=lambda: today)


def test_a_session_is_cited_with_its_fields(answerer: Answerer) -> None:
    """The issue's example: the Sberbank talk at IstioCon 2021, with its recording, in any language."""
    english = "Is there a recording of the Sberbank talk at IstioCon 2021?"
    for question in (english, "IstioCon 2021 上 Sberbank 的演讲有录像吗？"):
        answer = answerer.ask(question)
        session = next(s.session for s in answer.quotes if s.session is not None)
        assert session.event == "IstioCon 2021" and "Sberbank" in session.title
        assert session.recording == "https://youtu.be/UNUj6ruT0gg"
        assert {"Igor Gustomyasov", "Maksim Chudnovskii"} == {s.name for s in session.speakers}
        rendered = render_text(answer)
        assert "https://youtu.be/UNUj6ruT0gg" in rendered and "IstioCon 2021" in rendered
    assert "24 February 2021" in render_text(answerer.ask(english))


def test_when_questions_get_the_events_date_in_the_askers_language(answerer: Answerer) -> None:
    cases = [
        ("When was Istio Day Europe 2025?", "1 April 2025"),
        ("¿Cuándo fue el Istio Day Europe 2025?", "1 de abril de 2025"),
        ("2025 年欧洲 Istio Day 在哪里举行？", "2025年4月1日"),
        ("When was IstioCon 2022?", "25–29 April 2022"),
    ]
    for question, date in cases:
        answer = answerer.ask(question)
        assert not answer.abstained
        assert any(s.event is not None and date in s.text for s in answer.quotes), [s.text for s in answer.quotes]


@pytest.mark.parametrize(
    ("question", "check", "at_least"),
    [
        ("¿Qué charlas en chino hubo en IstioCon 2021?", lambda s: s.language == "zh" and s.year == "2021", 10),
        ("IstioCon 2021 talks in Chinese", lambda s: s.language == "zh" and s.year == "2021", 10),
        ("eBPF talks at IstioCon 2022", lambda s: "ebpf" in f"{s.title} {s.abstract}".lower() and s.year == "2022", 2),
        ("Lin Sun's talks", lambda s: "Lin Sun" in {sp.name for sp in s.speakers}, 3),
        ("IstioCon 2022 有哪些工作坊？", lambda s: "workshop" in s.format and s.year == "2022", 3),
    ],
)
def test_list_questions_get_the_matching_sessions(answerer: Answerer, question: str, check, at_least: int) -> None:
    answer = answerer.ask(question)
    assert answer.kind == "sessions", [s.text[:60] for s in answer.quotes]
    assert len(answer.sessions) >= at_least
    assert all(check(session) for session in answer.sessions), [s.title for s in answer.sessions]


@pytest.mark.parametrize("question", [
    "Where else can I watch the IstioCon 2022 sessions? YouTube is blocked here in China",
    "¿Dónde puedo ver las charlas de IstioCon si YouTube está bloqueado en China?",
    "在中国看不了 YouTube，IstioCon 的演讲视频在哪里看？",
])
def test_where_to_watch_the_talks_is_no_list_and_a_programs_page_says_where(answerer: Answerer, question: str) -> None:
    """A question asking where to watch the talks wants a place, not the talks: the program's index page (the
    IstioCon channel on bilibili, for China) is quoted, in any language."""
    answer = answerer.ask(question)
    assert answer.kind == "passages" and not answer.abstained
    assert any(quote.kind == "page" and any("bilibili" in link.url for link in quote.links)
               for quote in answer.quotes), [q.text[:60] for q in answer.quotes]
    assert "space.bilibili.com" in render_text(answer)


def test_a_relative_where_still_asks_for_the_talks_but_a_where_or_how_long_does_not() -> None:
    assert is_list_question("IstioCon 2022 talks where they discuss eBPF")
    assert is_list_question("charlas de IstioCon 2021 donde se habla de WebAssembly")
    assert not is_list_question("where are the IstioCon 2021 session recordings?")
    assert not is_list_question("¿IstioCon 2021 tuvo sesiones en chino? ¿dónde está esa agenda?")
    assert not is_list_question("is there a mirror of the IstioCon 2021 session videos?")
    assert not is_list_question("¿hay otro canal para ver las sesiones de IstioCon?")
    # the talks' length or time, or what there was besides them, is not a list of talks
    assert not is_list_question("how long were lightning talks at IstioCon 2022 supposed to be?")
    assert not is_list_question("¿a qué hora empiezan las sesiones de Istio Day?")
    assert not is_list_question("apart from the talks, was there anything social at IstioCon 2021?")
    assert is_list_question("lightning talks at IstioCon 2022")


def test_list_of_another_events_talks_falls_back_to_passages(answerer: Answerer) -> None:
    """No program covers KubeCon: its talks are in the posts, so the answer quotes them."""
    answer = answerer.ask("Which talks were at KubeCon Europe 2025?")
    assert answer.kind == "passages" and not answer.abstained


def test_whats_next_is_relative_to_today(answerer: Answerer) -> None:
    after_everything = _on(answerer, dt.date(2026, 11, 29)).ask("What's the next Istio event?")
    assert after_everything.kind == "upcoming" and after_everything.events == []
    assert after_everything.latest is not None and after_everything.latest.start.startswith("2026-03")
    rendered = render_text(after_everything)
    assert rendered.startswith("I know of no upcoming Istio event") and "Amsterdam" in rendered

    before_london = _on(answerer, dt.date(2025, 3, 10))
    coming = before_london.ask("¿Hay algún evento de Istio el próximo mes?")
    assert coming.kind == "upcoming" and coming.lang == "es"
    assert {e.key for e in coming.events} >= {"istio-day-europe-2025", "kubecon-europe-2025"}
    assert all(e.start.startswith("2025-04") for e in coming.events)  # next month only
    everything_ahead = before_london.ask("下一个 Istio 活动是什么时候？")
    assert everything_ahead.events[0].start == "2025-04-01"  # soonest first
    assert "2025年4月1日" in render_text(everything_ahead)


def test_questions_about_events_no_source_covers_are_declined(answerer: Answerer) -> None:
    for question in ("Who gave the keynote at IstioCon 2019?", "¿Cuándo es el Istio Day de Tokio?"):
        assert answerer.ask(question).abstained, question


def test_the_terminal_chat_takes_the_slash_commands_words(answerer: Answerer) -> None:
    assert "events" in respond(answerer, "help") and "videos" in respond(answerer, "help")
    listing = respond(_on(answerer, dt.date(2025, 3, 10)), "events")
    assert listing.index("Upcoming:") < listing.index("Past:")
    assert "Istio Day Europe 2025" in listing.split("Past:")[0] and "IstioCon 2021" in listing.split("Past:")[1]
    assert "IstioCon 2021" in respond(answerer, "eventos 2021") and "IstioCon 2022" not in respond(
        answerer, "eventos 2021")
    videos = respond(answerer, "videos ebpf")
    assert "https://youtu.be/5DVRgbFyc8U" in videos and "Kebe Liu" in videos  # a session recording, with speakers
    assert videos.count("https://youtu.be/5DVRgbFyc8U") == 1


def test_videos_lists_each_recording_once(answerer: Answerer) -> None:
    from bot.core import catalogue as catalog

    videos = catalog.videos(answerer.index, "en")
    ids = [v.video_id for v in videos]
    assert len(ids) == len(set(ids)) > 150  # posts' videos and 122 session recordings, de-duplicated
    assert not catalog.videos(answerer.index, "en", "paella valenciana", answerer.retriever)  # off-topic: none


def test_events_command_json(docs_settings: Settings, docs_index: object) -> None:
    result = run_cli("events", "--json", "--today", "2025-03-10", "--index", docs_settings.index_dir)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    starts = [e["start"] for e in data["upcoming"]]
    assert starts == sorted(starts) and "istio-day-europe-2025" in {e["key"] for e in data["upcoming"]}
    # newest first: by start, else the earliest post about it, else the end of its year (Event.sort_date)
    past = [e["start"] or min((p["date"] for p in e["posts"]), default=f"{e['year']}-12-31") for e in data["past"]]
    assert past == sorted(past, reverse=True)
    istiocon = next(e for e in data["past"] if e["key"] == "istiocon-2022")
    assert (istiocon["start"], istiocon["end"], istiocon["sessions"]) == ("2022-04-25", "2022-04-29", 71)
    text = run_cli("events", "2023", "--lang", "es", "--index", docs_settings.index_dir)
    assert "18 de abril de 2023" in text.stdout and "2022" not in text.stdout.split("Pasados:")[-1].split("·")[0]


def test_pt_br_copies_never_replace_the_english_originals(answerer: Answerer) -> None:
    """pt-br posts are English copies: an English question is answered from the English post, once."""
    for question in (
        "When was IstioCon China 2023 held?",
        "Who gave the welcome keynote at IstioCon China 2023?",
        "What happened at KubeCon North America 2023?",
    ):
        answer = answerer.ask(question)
        assert answer.quotes and all(s.lang != "pt-br" for s in answer.quotes), [s.url for s in answer.quotes]
        texts = [s.text for s in answer.quotes]
        assert len(set(texts)) == len(texts)


def test_a_list_counts_every_match_and_declines_what_no_program_holds(answerer: Answerer) -> None:
    assert len(answerer.ask("IstioCon 2022 talks").sessions) == 71  # the whole program, not a cut
    rendered = render_text(answerer.ask("IstioCon 2022 talks"))
    assert rendered.startswith("Sessions (71)") and "59 more" in rendered
    for question in ("Dapr talks at IstioCon 2022", "What talks were at IstioCon China?"):
        assert answerer.ask(question).kind != "sessions", question


def test_time_words_about_the_project_are_ordinary_questions(answerer: Answerer) -> None:
    for question in ("What is next for ambient mesh?", "Istio 未来的路线图是什么？",
                     "Who spoke next after the keynote at Istio Day Europe 2025?"):
        assert answerer.ask(question).kind != "upcoming", question


def test_next_month_without_events_says_so_and_names_the_next_ones(answerer: Answerer) -> None:
    answer = _on(answerer, dt.date(2025, 1, 10)).ask("Is there an Istio event next month?")
    assert answer.kind == "upcoming" and answer.title == t("en", "none_next_month")  # asked a month, got later ones
    assert answer.events and answer.events[0].start >= "2025-03-01"
    assert render_text(answer).startswith("No Istio event I know of takes place next month")
