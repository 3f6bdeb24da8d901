"""The learned ranking: fitted data per encoder, features read from the grounding, and a documented fallback."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.core import ranking
from bot.core.answerer import Answerer
from bot.core.calibrate import RankingFitter
from bot.core.ranking import Ranker, RankFeatures, Ranking, Trees, ranker_path
from embeddings.index import Index

DATA = Path(__file__).parent / "data"


def test_the_bundled_ranking_fits_the_bundled_encoder(answerer: Answerer) -> None:
    fitted = answerer.ranker.ranking
    assert fitted is not None, "bot/core/calibration/ has no ranking for the default encoder"
    assert fitted.info["model"] == answerer.index.model
    assert tuple(fitted.info["features"]) == RankFeatures.names()  # type: ignore[arg-type]
    figures = fitted.info["cross_validated_by_document"]
    assert isinstance(figures, dict) and set(figures) == {"fused", "learned"}


def test_an_answer_is_ranked_by_the_learned_model(answerer: Answerer) -> None:
    hits = answerer.rank("Who talked about multi-cluster at Istio Day in London?", "en")
    assert hits and all(hit.channels.learned is not None for hit in hits)


def test_a_missing_or_broken_ranking_keeps_the_fused_order(
    docs_index: Index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(ranking, "CALIBRATION_DIR", tmp_path)
    with caplog.at_level(logging.WARNING, logger="bot.core.ranking"):
        assert Ranker.for_index(docs_index).ranking is None
    assert "no learned ranking" in caplog.text and "calibrate" in caplog.text
    ranker_path(docs_index.model).write_text("{not json", encoding="utf-8")
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="bot.core.ranking"):
        fallback = Ranker.for_index(docs_index)
    assert fallback.ranking is None and "unreadable" in caplog.text


def _rows(values: np.ndarray) -> list[RankFeatures]:
    return [RankFeatures(*row) for row in values.tolist()]


def test_a_ranking_round_trips_as_plain_data_and_scores_as_lightgbm_does(tmp_path: Path) -> None:
    import lightgbm

    rng = np.random.default_rng(0)
    names = RankFeatures.names()
    x = rng.random((400, len(names)))
    relevant = (x[:, names.index("term_coverage")] > 0.8).astype(int)  # the signal the model must find
    model = lightgbm.LGBMRanker(n_estimators=30, num_leaves=7, min_child_samples=5, verbose=-1)
    model.fit(x, relevant, group=[20] * 20)
    fitted = Ranking(Trees.from_lightgbm(model.booster_.dump_model()), {"model": "m"})
    path = tmp_path / "m.ranker.json"
    fitted.save(path)
    loaded = Ranking.load(path)
    assert loaded.info["model"] == "m"
    scores = loaded.scores(_rows(x))
    assert np.allclose(scores, model.booster_.predict(x), atol=1e-9)  # numpy walks the trees as LightGBM does
    assert scores[relevant == 1].mean() > scores[relevant == 0].mean()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"] = data["features"][1:]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="other features"):
        Ranking.load(path)


def test_serving_a_ranking_never_imports_lightgbm(docs_index: Index) -> None:
    """LightGBM fits the ranking; an answering process only reads arrays (LightGBM brings scikit-learn and SciPy)."""
    script = (
        "import sys\n"
        "from bot.core.ranking import Ranking, ranker_path\n"
        f"ranking = Ranking.load(ranker_path({docs_index.model!r}))\n"
        "print(ranking.trees.depth > 0, 'lightgbm' in sys.modules, 'sklearn' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True", "False", "False"]


def test_features_read_the_edition_the_question_names_and_whether_a_post_is_a_recap(answerer: Answerer) -> None:
    question = "Who talked about multi-cluster at Istio Day in London?"
    grounding = answerer.ground(question)
    assert [e.key for e in grounding.editions] == ["istio-day-europe-2025"]
    hits = answerer.retriever.search(question, k=60, lang="en")
    rows = {hit.passage.id: row for hit, row in zip(hits, answerer.ranker.features(question, "en", grounding, hits),
                                                    strict=True)}
    recap = [row for pid, row in rows.items() if pid.startswith("en/2025/istio-at-kubecon-eu#")]
    preview = [row for pid, row in rows.items() if pid.startswith("en/2025/kubecon-eu#")]
    other_year = [row for pid, row in rows.items() if pid.startswith("en/2023/")]
    assert recap and preview and other_year
    assert all(row.of_edition == 1 and row.recap == 1 and row.after_edition == 1 for row in recap)
    assert all(row.of_edition == 1 and row.recap == 0 for row in preview)  # "see you soon in London!"
    assert all(row.of_edition == 0 for row in other_year)
    assert all(row.asks_talk == 1 and row.names_edition == 1 for row in rows.values())


def test_the_fitted_order_puts_more_answers_first_than_fusion_on_what_it_learned(answerer: Answerer) -> None:
    """In sample, on one tuning set: a model that cannot learn the labels would not beat the fused order."""
    fitter = RankingFitter([DATA / "questions_tuning_calibration.jsonl"])
    fitter.collect(answerer)
    assert len(fitter.questions) >= 50
    fitted = fitter.train(list(range(len(fitter.questions))))
    learned = []
    for question in fitter.questions:
        scores = fitted.predict(np.array([row.vector() for row in question.rows]))
        learned.append([question.relevant[i] for i in np.argsort(-scores, kind="stable")])
    fused = fitter.figures([q.relevant for q in fitter.questions])
    assert fitter.figures(learned)["recall@1"] > fused["recall@1"]


@pytest.mark.parametrize(("question", "lang"), [("how many patents does Lin Sun have?", "en"),
                                                 ("¿cuántas patentes tiene Lin Sun?", "es")])
def test_what_a_question_asks_beyond_its_names_tells_a_biography_from_the_talks(
        answerer: Answerer, question: str, lang: str) -> None:
    # Her talks and her speaker page all name Lin Sun; only the biography writes "patents" ("patentes" is its
    # cognate).
    grounding = answerer.ground(question)
    assert "Lin Sun" in grounding.speakers
    hits = answerer.retriever.search(question, k=60, lang=lang)
    rows = answerer.ranker.features(question, lang, grounding, hits)
    biography = [row.asked_coverage for hit, row in zip(hits, rows, strict=True)
                 if hit.passage.kind == "speaker" and hit.passage.title == "Lin Sun"]
    talks = [row.asked_coverage for hit, row in zip(hits, rows, strict=True)
             if hit.passage.session is not None and any(s.name == "Lin Sun" for s in hit.passage.session.speakers)]
    assert biography and talks and min(biography) > max(talks)
    assert all(row.asked_coverage == -1 for row in answerer.ranker.features("Lin Sun", "en", answerer.ground("Lin Sun"),
                                                                            hits[:5]))
