"""The calibrated "I don't know": fitted data per encoder, a documented fallback, and what it declines."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from bot.core import abstention
from bot.core.abstention import Abstention, Calibration, Evidence, calibration_path
from bot.core.answerer import Answerer
from bot.core.calibrate import AbstentionCalibrator, abstention_model


def _evidence(**values: float) -> Evidence:
    return Evidence(**{name: values.get(name, 0.0) for name in Evidence.names()})


def test_the_bundled_calibration_fits_the_bundled_encoder(answerer: Answerer) -> None:
    calibration = answerer.abstention.calibration
    assert calibration is not None, "bot/core/calibration/ has no file for the default encoder"
    assert calibration.model == answerer.index.model and calibration.features == Evidence.names()
    assert calibration.cross_validated["false_abstain_rate"] <= 0.05  # chosen on out-of-fold figures
    assert sum(calibration.fitted_on.values()) >= 300


def test_another_encoder_never_reuses_the_calibration(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.core.abstention"):
        fallback = Abstention.for_model("intfloat/multilingual-e5-large")
    assert fallback.calibration is None
    assert "no abstention calibration" in caplog.text and "calibrate" in caplog.text
    # The documented default rule: decline unknown names and events, and questions no passage covers.
    assert fallback.abstain(_evidence(unknown_names=1, term_coverage=1))
    assert fallback.abstain(_evidence(term_coverage=0.2, name_coverage=0.3))
    assert not fallback.abstain(_evidence(term_coverage=0.7))


def test_a_broken_calibration_file_falls_back_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(abstention, "CALIBRATION_DIR", tmp_path)
    calibration_path("some/model").write_text("{not json", encoding="utf-8")
    with caplog.at_level(logging.ERROR, logger="bot.core.abstention"):
        assert Abstention.for_model("some/model").calibration is None
    assert "unreadable" in caplog.text


def test_a_calibration_round_trips_and_rejects_other_features(tmp_path: Path) -> None:
    n = len(Evidence.names())
    calibration = Calibration("m", Evidence.names(), (0.0,) * n, (1.0,) * n, (1.0,) + (0.0,) * (n - 1), 0.0, 0.5)
    path = tmp_path / "m.json"
    calibration.save(path)
    assert Calibration.load(path) == calibration
    assert calibration.probability(_evidence(cosine=3)) > 0.9 > 0.1 > calibration.probability(_evidence(cosine=-3))
    stale = dataclasses.replace(calibration, features=("cosine",), mean=(0.0,), scale=(1.0,), coef=(1.0,))
    stale.save(path)
    with pytest.raises(ValueError, match="features"):
        Calibration.load(path)


def test_a_calibration_of_an_older_format_is_refused_and_the_bot_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A file from before the grounding features (no ``format``) has weights for other features: refused, with
    the command that refits it, and the bot falls back to the default rule."""
    monkeypatch.setattr(abstention, "CALIBRATION_DIR", tmp_path)
    n = len(Evidence.names())
    path = calibration_path("some/model")
    Calibration("some/model", Evidence.names(), (0.0,) * n, (1.0,) * n, (0.0,) * n, 0.0, 0.5).save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["format"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match=r"format 1.*calibrate"):
        Calibration.load(path)
    with caplog.at_level(logging.ERROR, logger="bot.core.abstention"):
        assert Abstention.for_model("some/model").calibration is None
    assert "format 1" in caplog.text


def test_the_evidence_carries_what_the_question_is_grounded_in(answerer: Answerer) -> None:
    question = "Who gave the keynote at IstioCon 2022?"
    evidence = answerer.evidence(question, answerer.rank(question, "en"))
    assert (evidence.names_edition, evidence.off_topic, evidence.not_found) == (1, 0, 0)
    assert 0 < evidence.grounded_words < 1
    weather = "What's the weather like in Amsterdam tomorrow?"
    evidence = answerer.evidence(weather, answerer.rank(weather, "en"))
    assert (evidence.names_place, evidence.off_topic, evidence.names_edition) == (1, 1, 0)


def test_questions_the_grounding_declines_count_as_declined_in_the_figures() -> None:
    answerable = np.array([1] * 100 + [0] * 20)
    probability = np.where(answerable == 1, np.linspace(0.5, 1, 120), np.linspace(0, 0.6, 120))
    declined = np.zeros(120, dtype=bool)
    declined[[0, 1, 110, 111]] = True  # two answerable questions the rule declines use up two of the three allowed
    calibrator = AbstentionCalibrator([], max_false_abstain=0.03)
    threshold, recall, false_abstain = calibrator.choose_threshold(probability, answerable, declined)
    assert false_abstain == 0.03 and np.sum(probability[2:100] < threshold) == 1
    assert recall == np.mean(declined[100:] | (probability[100:] < threshold))


def test_the_threshold_keeps_false_abstentions_within_the_limit() -> None:
    rng = np.random.default_rng(0)
    answerable = np.array([1] * 200 + [0] * 60)
    probability = np.clip(np.where(answerable == 1, rng.normal(0.8, 0.15, 260), rng.normal(0.3, 0.2, 260)), 0, 1)
    calibrator = AbstentionCalibrator([], max_false_abstain=0.03)
    threshold, recall, false_abstain = calibrator.choose_threshold(probability, answerable)
    assert false_abstain <= 0.03 and np.mean(probability[answerable == 1] < threshold) == false_abstain
    assert recall == np.mean(probability[answerable == 0] < threshold) and recall > 0.5


@pytest.mark.parametrize(
    "message",
    ["thanks!", "ok 👍", "gracias!", "谢谢", "hi", "你好", "lol nice",
     "What's the weather like in Amsterdam tomorrow?", "Any good restaurants in Paris?", "¿Qué tiempo hará en Madrid?"],
)
def test_chit_chat_and_off_topic_questions_naming_known_places_are_declined(answerer: Answerer, message: str) -> None:
    assert answerer.ask(message).abstained


def test_with_enough_sets_each_set_is_predicted_by_a_model_of_the_others() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = (x[:, 0] + rng.normal(scale=0.5, size=200) > 0).astype(int)
    calibrator = AbstentionCalibrator([], sets=[f"set{i % 4}" for i in range(200)])
    out_of_fold = calibrator.out_of_fold(x, y)
    first = np.arange(200) % 4 == 0
    others = abstention_model().fit(x[~first], y[~first])
    assert np.allclose(out_of_fold[first], others.predict_proba(x[first])[:, 1])


def test_no_large_set_sees_more_false_abstentions_than_the_per_set_limit() -> None:
    # set "b" holds every low-scoring answerable question: all together they stay under the overall budget of 5 %,
    # but "b" alone would see 8 %
    answerable = np.array([1] * 200 + [1] * 100 + [0] * 40)
    probability = np.concatenate([np.linspace(0.6, 1, 200), np.linspace(0.1, 1, 100), np.linspace(0, 0.5, 40)])
    sets = ["a"] * 200 + ["b"] * 100 + ["a"] * 40
    calibrator = AbstentionCalibrator([], max_false_abstain=0.05, sets=sets)
    threshold, _, false_abstain = calibrator.choose_threshold(probability, answerable)
    in_b = np.array(sets) == "b"
    assert np.mean(probability[in_b & (answerable == 1)] < threshold) <= 0.03 and false_abstain <= 0.05
    assert np.mean(probability[in_b & (answerable == 1)] < threshold) > 0  # the limit is reached, not avoided
