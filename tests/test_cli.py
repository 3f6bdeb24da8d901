"""The ``istio-events-bot`` command, run as a subprocess with private index dirs and the session's cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import DOCS, ROOT, corpus_file, make_docs, run_cli

from bot.cli import main
from bot.core.answerer import Answerer
from bot.core.evaluate import QuestionSetEvaluator, load_questions
from embeddings.config import Settings

QUESTIONS = ROOT / "tests" / "cli_questions.jsonl"
METRIC_KEYS = {
    "n", "answerable", "recall@1", "recall@3", "answer_shown", "recall@5", "mrr@10", "link_hit", "abstain_recall",
    "false_abstain_rate",
}


def _json(stdout: str) -> dict:
    return json.loads(stdout)


def test_ask_json_issue_example(docs_settings: Settings, docs_index: object) -> None:
    """The issue's example: the 2025 opening keynote's recording is in the reply (``si`` dropped)."""
    result = run_cli("ask", "Who gave the opening keynote at Istio Day Europe 2025?", "--json",
                     "--index", docs_settings.index_dir)
    assert result.returncode == 0, result.stderr
    data = _json(result.stdout)
    assert {"question", "lang", "abstained", "kind", "snippets", "links"} <= set(data)
    assert data["question"] == "Who gave the opening keynote at Istio Day Europe 2025?"
    assert data["lang"] == "en" and data["abstained"] is False
    assert 1 <= len(data["snippets"]) <= 3
    for snippet in data["snippets"]:
        assert {"text", "title", "section", "date", "lang", "url", "score", "links", "kind"} <= set(snippet)
        assert isinstance(snippet["score"], float)
        for link in snippet["links"]:
            assert set(link) == {"url", "text", "kind"} and link["kind"] in {"video", "session", "slides", "link"}
    shown = {link["url"] for link in data["links"]} | {ln["url"] for s in data["snippets"] for ln in s["links"]}
    assert "https://youtu.be/v10UpNQIoT0" in shown
    keynote = next(link for link in data["links"] if link["url"] == "https://youtu.be/v10UpNQIoT0")
    assert keynote == {"url": "https://youtu.be/v10UpNQIoT0", "text": "opening keynote", "kind": "video"}
    assert any(s["url"] == "https://istio.io/latest/blog/2025/istio-at-kubecon-eu/" for s in data["snippets"])
    assert "rebuilt" not in result.stderr  # the session's index was up to date and reused


@pytest.fixture
def session_answerer(answerer: Answerer, monkeypatch: pytest.MonkeyPatch) -> Answerer:
    """In-process ``main`` uses the session's answerer instead of loading a second encoder."""
    import bot.cli

    monkeypatch.setattr(bot.cli, "_answerer", lambda args, progress=True: answerer)
    return answerer


def test_ask_text_output(
    docs_settings: Settings, session_answerer: Answerer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Readable output (in-process ``main``): a numbered snippet, its citation, the recordings; or "I don't know"."""
    assert main(["ask", "Where can I watch the Bloomberg talk on financial data?", "--index",
                 str(docs_settings.index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. ")
    assert "— Istio at KubeCon Europe 2023" in out and "https://istio.io/latest/blog/2023/istio-at-kubecon-eu/" in out
    assert "Videos:" in out and "https://youtu.be/f6jMix46ZD8" in out
    assert main(["ask", "¿Cómo se prepara una paella valenciana?", "--index", str(docs_settings.index_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No lo sé") and "https://" not in out


def test_eval_json_matches_the_library(docs_settings: Settings, docs_index: object, answerer: Answerer) -> None:
    """``eval --json`` reports the documented metrics, the same numbers as the evaluator in-process."""
    result = run_cli("eval", "--questions", QUESTIONS, "--json", "--index", docs_settings.index_dir)
    assert result.returncode == 0, result.stderr
    report = _json(result.stdout)
    assert set(report) == METRIC_KEYS | {"by_lang", "misses"}
    questions = load_questions(QUESTIONS)
    assert report["n"] == len(questions) == 6
    assert report["answerable"] == 5
    assert set(report["by_lang"]) == {"en", "es", "zh"}
    for values in report["by_lang"].values():
        assert set(values) == METRIC_KEYS
    assert report["by_lang"]["en"]["n"] == 4
    assert report["recall@1"] <= report["recall@3"] <= report["recall@5"]
    # The question whose anchor is in no post is always a miss; the others are easy and found.
    assert "cli-en-miss" in report["misses"]
    assert report["recall@5"] == pytest.approx(4 / 5)
    assert report["abstain_recall"] == 1.0 and report["false_abstain_rate"] == 0.0
    assert report["link_hit"] == 1.0
    assert report == QuestionSetEvaluator(questions).run(answerer)


def test_eval_puts_tuning_and_held_out_side_by_side(docs_settings: Settings, docs_index: object) -> None:
    """``make eval``'s form: a labelled line per set, then each kind pooled, with cross-lingual recall@1."""
    result = run_cli("eval", "--tuning", QUESTIONS, "--held-out", QUESTIONS, "--index", docs_settings.index_dir)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("tuning") and lines[1].startswith("held-out")
    assert "recall@3" in lines[0] and "answer_shown" in lines[0] and "recall@5" in lines[0]
    assert any(line.split()[:2] == ["pooled", "tuning"] and "held-out" in line for line in lines)
    assert any(line.startswith("recall@1, answer only in another language") for line in lines)
    result = run_cli("eval", "--tuning", QUESTIONS, "--held-out", QUESTIONS, "--json",
                     "--index", docs_settings.index_dir)
    report = _json(result.stdout)
    assert [s["kind"] for s in report["sets"]] == ["tuning", "held-out"]
    assert report["pooled"]["tuning"] == report["pooled"]["held-out"]
    assert set(report["pooled"]["tuning"]) == METRIC_KEYS | {"cross", "cross_recall@1"}


def test_eval_table_without_json(
    docs_settings: Settings, session_answerer: Answerer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without ``--json``, ``eval`` prints a table: one row overall and one per question language."""
    assert main(["eval", "--questions", str(QUESTIONS), "--index", str(docs_settings.index_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "recall@1" in lines[0] and "mrr@10" in lines[0]
    assert [line.split()[0] for line in lines[1:5]] == ["all", "en", "es", "zh"]
    assert lines[-1].startswith("misses:") and "cli-en-miss" in lines[-1]


@pytest.fixture(scope="module")
def other_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A docs dir with languages the seeds lack (uk, pt-br) and one broken post."""
    return make_docs(
        tmp_path_factory.mktemp("other") / "docs",
        {
            "uk/2024/kubecon-na.md": corpus_file("uk", "2024", "kubecon-na"),
            "pt-br/2020/istiocon-2021.md": corpus_file("pt-br", "2020", "istiocon-2021"),
            "uk/2025/broken.md": b"---\ntitle: [unclosed\n---\n\ntext\n",
        },
    )


@pytest.mark.slow  # builds an index with the bundled encoder
def test_eval_on_other_docs_with_uk_and_pt_br(other_docs: Path, tmp_path: Path, cache_dir: Path) -> None:
    """``eval --docs D`` works for a docs dir in any language of the layout, in one command: the index is
    built (skipping the broken post, by name) and cached under CACHE_DIR, keyed by D."""
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "uk-1", "lang": "uk", "question": "Яка сесія розповідає, як GoTo Financial оновлює понад 60 Istio?",
         "relevant": ["1i7rH"], "links": ["https://sched.co/1i7rH"]},
        {"id": "pt-1", "lang": "pt-br", "question": "How long is a workshop session at the first IstioCon?",
         "relevant": ["160 minute"], "links": []},
        {"id": "en-abstain", "lang": "en", "question": "What is the best way to cook rice?", "abstain": True},
    ]
    questions.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows) + "\n", encoding="utf-8")
    result = run_cli("eval", "--docs", other_docs, "--questions", questions, "--json")
    assert result.returncode == 0, result.stderr
    report = _json(result.stdout)
    assert (report["n"], report["answerable"]) == (3, 2)
    assert set(report["by_lang"]) == {"uk", "pt-br", "en"}
    assert report["recall@5"] == 1.0, report["misses"]
    assert report["abstain_recall"] == 1.0
    assert "broken.md" in result.stderr and "YAML" in result.stderr
    built = list((cache_dir / "indexes").glob("docs-*/CURRENT"))
    assert any(json.loads((p.parent / p.read_text().strip() / "manifest.json").read_text())["docs_dir"]
               == str(other_docs.resolve()) for p in built)


@pytest.mark.slow  # builds an index with the bundled encoder
def test_index_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``index`` (in-process ``main``) warns about a broken post and exits 0; with nothing indexable it exits 1."""
    docs = make_docs(tmp_path / "docs", {
        "es/2023/istiocon-china.md": DOCS / "es/2023/istiocon-china.md",
        "en/2024/empty.md": b"",
    })
    assert main(["index", "--docs", str(docs), "--index", str(tmp_path / "index")]) == 0
    captured = capsys.readouterr()
    assert "skipped" in captured.err and "empty.md" in captured.err
    assert "1 posts" in captured.out and "passages" in captured.out
    (docs / "es/2023/istiocon-china.md").write_bytes("t\u00edtulo".encode("latin-1"))
    assert main(["index", "--docs", str(docs), "--index", str(tmp_path / "index2")]) == 1
    captured = capsys.readouterr()
    assert "error" in captured.err and "no document could be indexed" in captured.err
    assert not (tmp_path / "index2" / "CURRENT").exists()


def test_eval_counts_only_links_the_slack_reply_shows() -> None:
    from bot.core import compose
    from bot.core.evaluate import shown_links
    from bot.core.reply import Quote
    from embeddings.markdown import Link

    video = Link("https://youtu.be/h9EgMrJ0ahs", "keynote", "video", "h9EgMrJ0ahs")
    hidden = Link("https://example.com/hidden", "hidden", "link")
    snippet = Quote("A keynote.", "Post", "", "2023-04-27", "en", "https://istio.io/latest/blog/2023/x/", 1.0,
                      [hidden], spans=[(0, 0)])
    shown = shown_links(compose.quotes_reply("q", "en", [snippet], [video]))
    assert "youtube:h9EgMrJ0ahs" in shown  # any spelling of the video (embed, watch, youtu.be) is one link
    assert "https://istio.io/latest/blog/2023/x" in shown
    assert not any("example.com" in url for url in shown)  # cited beside the quote, never drawn
    assert shown_links(compose.dont_know("q", "en")) == set()


def test_a_date_is_the_same_answer_in_any_format_when_the_whole_span_matches() -> None:
    from bot.core.evaluate import is_relevant
    from embeddings.passages import Passage

    card = Passage(id="event/x/es#0", doc_id="event/x/es", lang="es", title="IstioCon 2021", date="", url="",
                   section="", position=0, text="IstioCon 2021: 22–26 de febrero de 2021, virtual.")
    assert is_relevant(card, ("February 22-26, 2021",)) and is_relevant(card, ("2021年2月22日至26日",))
    assert is_relevant(card, ("22–26 de febrero",))  # written there, year left out
    # The first day alone is not the span the card gives, nor is another span or a day without its year.
    assert not is_relevant(card, ("February 22, 2021",)) and not is_relevant(card, ("2021年2月22日",))
    assert not is_relevant(card, ("February 23, 2021",)) and not is_relevant(card, ("February 22",))
    assert not is_relevant(card, ("26 de febrero de 2021",))  # the last day is written, the answer is not
