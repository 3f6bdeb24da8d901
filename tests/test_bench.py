"""The bench's helpers: the arithmetic behind its figures, on tiny inputs (no timing asserted)."""

from __future__ import annotations

import hashlib
import hmac
import math

import numpy as np

from bot.bench import (
    duplicate_replies,
    percentile,
    recall_at_k,
    sign,
    summarize,
    synthetic_queries,
    synthetic_vectors,
)


def test_percentile_matches_numpy() -> None:
    values = [5.0, 1.0, 3.0, 2.0, 4.0, 10.0, 7.0]
    for q in (0, 50, 95, 99, 100):
        assert math.isclose(percentile(values, q), float(np.percentile(values, q)))
    assert math.isnan(percentile([], 50))


def test_summarize_reports_milliseconds() -> None:
    report = summarize([0.010, 0.020, 0.030])
    assert report["n"] == 3
    assert report["p50_ms"] == 20.0
    assert report["mean_ms"] == 20.0


def test_recall_counts_shared_neighbours() -> None:
    exact = np.array([[0, 1, 2, 3], [4, 5, 6, 7]])
    found = np.array([[3, 2, 1, 0], [4, 5, 9, 9]])
    assert recall_at_k(found, exact, k=4) == (4 + 2) / 8


def test_synthetic_corpus_recall_of_exact_search_is_one() -> None:
    corpus = synthetic_vectors(500, dim=16, seed=3, clusters=5)
    assert corpus.shape == (500, 16) and corpus.dtype == np.float32
    assert np.allclose(np.linalg.norm(corpus, axis=1), 1.0, atol=1e-5)
    queries = synthetic_queries(corpus, 8, seed=4)
    exact = np.argsort(-(queries @ corpus.T), axis=1)[:, :10]
    assert recall_at_k(exact, exact) == 1.0
    shuffled = np.argsort(-(queries @ corpus.T), axis=1)[:, 10:20]
    assert recall_at_k(shuffled, exact) == 0.0


def test_duplicate_replies() -> None:
    assert duplicate_replies([("C1", "1.0"), ("C1", "2.0")]) == 0
    assert duplicate_replies([("C1", "1.0"), ("C1", "1.0"), ("C1", "1.0"), ("C2", "1.0")]) == 2


def test_sign_is_slack_v0() -> None:
    headers = sign("body", secret="s3cret", timestamp=1700000000)
    expected = hmac.new(b"s3cret", b"v0:1700000000:body", hashlib.sha256).hexdigest()
    assert headers == {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": f"v0={expected}"}
