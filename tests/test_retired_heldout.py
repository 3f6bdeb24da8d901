"""The retired held-out set, now a tuning set, run as ``make eval`` runs it, with bars a safe margin below.

tests/data/questions_tuning_retired_heldout.jsonl was the held-out set until issue 18 (written by a helper
who saw only docs/); it has been run often enough to be in-sample, so it now tunes (Makefile ``TUNING``)
and this test only guards against a change that loses a whole kind of question (a language,
cross-lingual, declines). The held-out set is tests/data/questions_heldout_2026_12j.jsonl
(tests/test_heldout.py), which no test scores.
"""

from __future__ import annotations

from pathlib import Path

from bot.core.answerer import Answerer
from bot.core.evaluate import QuestionSetEvaluator, load_questions

RETIRED = Path(__file__).parent / "data" / "questions_tuning_retired_heldout.jsonl"


def test_the_retired_held_out_set_stays_near_what_it_measured(answerer: Answerer) -> None:
    questions = load_questions(RETIRED)
    assert len(questions) == 241
    report = QuestionSetEvaluator(questions).run(answerer)
    # Each bar sits about 0.1 below the figure measured with issue 18's scoring (own text and links only,
    # whole date spans; one 2-core CPU): float differences between CPUs move a handful of close rankings
    # out of 241, never 25; losing a kind of question does.
    assert report["recall@1"] >= 0.58, report  # measured 0.692
    assert report["recall@3"] >= 0.73, report  # measured 0.836
    assert report["answer_shown"] >= 0.70, report  # measured 0.806
    assert report["mrr@10"] >= 0.66, report  # measured 0.7695
    assert report["recall@5"] >= 0.77, report  # measured 0.876
    assert report["cross_lingual"]["recall@5"] >= 0.72, report["cross_lingual"]  # measured 0.830
    assert report["abstain_recall"] >= 0.6, report  # measured 0.775
    assert report["false_abstain_rate"] <= 0.1, report  # measured 0.020
    for lang in ("en", "es", "zh"):  # measured 0.869, 0.873, 0.884
        assert report["by_lang"][lang]["recall@5"] >= 0.72, (lang, report["by_lang"][lang])
