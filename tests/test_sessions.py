"""Programs: sessions read from docs/programs with every quirk of the real data normalised field by field."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import DOCS, make_docs

from embeddings.passages import session_passage
from embeddings.sessions import Session, display_name, load_sessions


@pytest.fixture(scope="module")
def sessions() -> dict[str, Session]:
    loaded, problems = load_sessions(DOCS)
    assert problems == []
    return {session.id: session for session in loaded}


def test_both_programs_load_with_unique_ids(sessions: dict[str, Session]) -> None:
    by_event = {}
    for session in sessions.values():
        by_event[session.event] = by_event.get(session.event, 0) + 1
    assert by_event == {"IstioCon 2021": 67, "IstioCon 2022": 71}
    # Two 2022 files share the front-matter id "g5": ids come from file names.
    assert {"istiocon-2022/g5-wrapup", "istiocon-2022/g5-adopting-service-mesh-at-scale-in-production"} <= set(sessions)


def test_session_fields_are_typed_and_normalised(sessions: dict[str, Session]) -> None:
    splunk = sessions["istiocon-2022/a7-istio-at-splunk"]
    assert splunk.title == "Istio at Splunk: How we learned to love it"
    assert [s.name for s in splunk.speakers] == ["Bernard Van De Walle"]
    assert splunk.start == "2022-04-25T19:50:00Z"  # UTC, as the program stores it
    assert splunk.end > splunk.start and splunk.date == splunk.start[:10]
    assert splunk.recording == "https://youtu.be/O2IamfjFk7E"  # already a short URL
    assert splunk.page == "https://events.istio.io/istiocon-2022/sessions/istio-at-splunk/"
    assert splunk.language == "en" and splunk.format == "presentation"
    # 2021 recordings are embed URLs; both forms become youtu.be/<id>.
    five_g = sessions["istiocon-2021/a3p"]
    assert five_g.recording == "https://youtu.be/D-Dgn1tNFkg" and five_g.video_id == "D-Dgn1tNFkg"
    assert five_g.speakers[0].name == "Neeraj Poddar"
    assert five_g.speakers[0].role  # from the speaker file's designation
    # Slides are file names served by the site, or full URLs kept as they are (a space is encoded).
    assert five_g.slides == "https://events.istio.io/istiocon-2021/slides/a3p-BuildNext5GPlatform-Neeraj-Dave.pdf"
    assert sessions["istiocon-2021/a5a"].slides.endswith("/slides/a5a-%20intuit-istiocon2021.pdf")


def test_language_spellings_and_gaps(sessions: dict[str, Session]) -> None:
    """english/English/chinese/Chinese/subtitled or empty: every session ends up en or zh."""
    assert {s.language for s in sessions.values()} == {"en", "zh"}
    assert sum(s.language == "zh" for s in sessions.values()) >= 24
    # An empty language takes the language of its schedule block; "subtitled" is recorded.
    welcome = sessions["istiocon-2021/b1k"]
    assert welcome.language == "zh" and welcome.subtitled


def test_chinese_names_stored_given_name_first_are_shown_family_first(sessions: dict[str, Session]) -> None:
    assert display_name("超 许") == "许超" and display_name("Lin Sun") == "Lin Sun"
    baidu = sessions["istiocon-2021/b3t2"]
    assert [s.name for s in baidu.speakers] == ["许超"]
    assert baidu.speakers[0].role  # the speaker file is still found under the stored name


def test_a_session_passage_says_when_it_ran_in_utc(sessions: dict[str, Session]) -> None:
    text = session_passage(sessions["istiocon-2022/a7-istio-at-splunk"]).text
    assert "2022-04-25 19:50–" in text and "UTC" in text  # "what time did the Splunk talk start" quotes it


def test_missing_video_and_slides_are_empty(sessions: dict[str, Session]) -> None:
    workshop = sessions["istiocon-2021/e1k"]
    assert workshop.recording == "" and workshop.video_id is None
    passage = session_passage(workshop)
    assert [link.kind for link in passage.links] == ["session"]  # only the session page


def test_a_session_is_one_passage_with_its_links(sessions: dict[str, Session]) -> None:
    passage = session_passage(sessions["istiocon-2021/a3p"])
    assert passage.kind == "session" and passage.session is not None
    assert passage.section == "IstioCon 2021" and passage.date == "2021-02-22"
    assert [link.kind for link in passage.links] == ["video", "session", "slides"]
    assert "Neeraj Poddar" in passage.text and "5G" in passage.embedding_text
    assert len(passage.dense_text) <= 400


def test_the_links_an_abstract_writes_are_the_passages_links_where_it_writes_them(
        sessions: dict[str, Session]) -> None:
    workshop = session_passage(sessions["istiocon-2021/cw"])  # its labs and its registration, as bare URLs
    listening = session_passage(sessions["istiocon-2022/c4l-upgrades"])  # "Join Google Meet", an HTML link
    for passage in (workshop, listening):
        written = [(link, span) for link, span in zip(passage.links, passage.link_spans, strict=True) if span != (0, 0)]
        assert written and all(passage.text[start:end] == link.text for link, (start, end) in written)
    assert {link.url for link in workshop.links} >= {"https://github.com/solo-io/workshops/tree/master/gloo-mesh",
                                                    "https://us02web.zoom.us/webinar/register/WN_NG490t1JTu-Yr8TG2E6aMQ"}
    assert "https://meet.google.com/ncg-kawc-nqe" in {link.url for link in listening.links}
    assert [link.kind for link in workshop.links][:2] == ["video", "session"]  # the card's links first


def test_bad_session_files_are_skipped_or_degraded_field_by_field(tmp_path: Path) -> None:
    program = "programs/istiocon-2030"
    docs = make_docs(tmp_path / "docs", {
        f"{program}/sessions/ok.md": (
            "---\ntitle: Fine talk\nspeakers:\n - Ana Gato\ntime_start: 2030-05-01T10:00:00.000Z\n"
            "language: klingon\nvideo: https://vimeo.com/123\nslides: https://example.com/x.pdf?utm_source=y\n---\n\nBody.\n"
        ),
        f"{program}/sessions/no-date.md": "---\ntitle: Undated\ntime_start: someday\nlanguage: ''\n"
                                          "video: http://[bad\nslides: http://[bad\n---\n\nSee [x](http://[bad).\n",
        f"{program}/sessions/broken.md": "---\ntitle: [unclosed\n---\n",
        f"{program}/sessions/untitled.md": "---\nspeakers: []\n---\n\nText.\n",
        f"{program}/speakers/ana-gato/_index.md": '---\ntitle: "Ana Gato"\ndesignation: Engineer at Cats\n---\n',
    })
    loaded, problems = load_sessions(docs)
    assert sorted(p.path.name for p in problems) == ["broken.md", "untitled.md"]
    by_title = {s.title: s for s in loaded}
    fine = by_title["Fine talk"]
    assert fine.language == "" and fine.recording == ""  # unknown value and a non-YouTube video: dropped
    assert fine.slides == "https://example.com/x.pdf"  # tracking parameter removed
    assert fine.speakers[0].role == "Engineer at Cats" and fine.event == "IstioCon 2030"
    undated = by_title["Undated"]
    assert undated.start == "" and undated.recording == "" and "See x." in undated.abstract  # malformed URLs


def test_an_impossible_date_or_odd_speakers_do_not_stop_the_program(tmp_path: Path) -> None:
    docs = make_docs(tmp_path / "docs", {
        "programs/istiocon-2030/sessions/bad-date.md": "---\ntitle: T\ntime_start: 2030-04-31T15:30:00Z\n---\n",
        "programs/istiocon-2030/sessions/one-speaker.md": "---\ntitle: Solo\nspeakers: Ana Gato\n---\n\nText.\n",
    })
    loaded, problems = load_sessions(docs)
    assert [p.path.name for p in problems] == ["bad-date.md"] and "YAML" in problems[0].reason
    assert [s.name for s in loaded[0].speakers] == ["Ana Gato"]
