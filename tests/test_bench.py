"""The benchmarks' arithmetic and plumbing on tiny inputs (no timing asserted), and the BM25 top-k
selection they measure, which serving relies on to give the same rows as a full sort."""

from __future__ import annotations

import hashlib
import hmac
import math
import sys
from types import SimpleNamespace

import numpy as np
import pytest

from benchmarks.report import render, verdicts
from benchmarks.scale import bm25_probe, vectors_probe
from benchmarks.serving import Health
from benchmarks.slack_path import reply_latencies
from benchmarks.stats import duplicate_replies, percentile, summarize
from benchmarks.synthetic import replicated_vectors, synthetic_queries, synthetic_vectors, zipf_documents
from benchmarks.whole_process import time_process
from embeddings.bm25 import BM25Index, top_k
from embeddings.index import recall_at_k
from slack_testkit.signing import sign


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


def test_synthetic_corpus_is_unit_vectors_and_exact_search_has_recall_one() -> None:
    corpus = synthetic_vectors(500, dim=16, seed=3, clusters=5)
    assert corpus.shape == (500, 16) and corpus.dtype == np.float32
    assert np.allclose(np.linalg.norm(corpus, axis=1), 1.0, atol=1e-5)
    queries = synthetic_queries(corpus, 8, seed=4)
    exact = np.argsort(-(queries @ corpus.T), axis=1)[:, :10]
    assert recall_at_k(exact, exact) == 1.0
    shuffled = np.argsort(-(queries @ corpus.T), axis=1)[:, 10:20]
    assert recall_at_k(shuffled, exact) == 0.0
    replicas = replicated_vectors(corpus[:10], 30, seed=1)
    assert replicas.shape == (30, 16) and not np.allclose(replicas[0], replicas[10])


def test_ivf_recall_sweep_on_synthetic_data() -> None:
    """The scale figure's recall: rising with nprobe, and exact once every list is probed."""
    report = vectors_probe(3000)
    approx = report["approx"]
    assert report["clusters"] != approx["nlist"]  # topics do not line up with the IVF lists
    sweep = [x["recall@10"] for x in approx["sweep"]]
    assert sweep == sorted(sweep) and 0 < sweep[0] < 1  # more lists probed, more true neighbours found
    # The nprobe the build chose reaches about its own 0.95 target. Measured 0.987 (nprobe 8 of 54 lists, one
    # 2-core CPU); the build tunes on its own queries, so on these the next nprobe down (measured 0.9485)
    # could be chosen on another CPU. 0.90 still fails a build that stops probing too soon (nprobe 2: 0.869).
    assert approx["recall@10"] >= 0.90
    assert sweep[-1] >= approx["recall@10"]


@pytest.mark.parametrize("k", [1, 5, 100, 10_000])
def test_top_k_equals_the_full_sort_ties_and_zeros_included(k: int) -> None:
    rng = np.random.default_rng(k)
    scores = rng.integers(0, 6, 2000).astype(np.float32)  # many ties, a sixth of them zero
    scores[::7] = -1.0
    full = np.argsort(-scores, kind="stable")[:k]
    assert np.array_equal(top_k(scores, k), full[scores[full] > 0])
    assert top_k(np.zeros(5, dtype=np.float32), 3).size == 0


def test_bm25_top_equals_the_full_sort_on_a_corpus() -> None:
    words = ["istio", "ambient", "mesh", "kubecon", "envoy", "proxy", "security", "shanghai", "keynote", "wasm"]
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(words, size=rng.integers(3, 12))) for _ in range(300)]
    bm25 = BM25Index(texts)
    for query in ("ambient mesh security", "istio", "wasm keynote shanghai", "nothing matches this"):
        rows, scores = bm25.top(query, 20)
        full = np.argsort(-scores, kind="stable")[:20]
        assert np.array_equal(rows, full[scores[full] > 0])


def test_bm25_scale_figure_smoke() -> None:
    report = bm25_probe(2000)
    assert report["top_k_identical_to_full_sort"] is True
    assert report["score_all"]["n"] == report["top_k_selection"]["n"] > 0
    assert len(zipf_documents(10, 100, seed=1)) == 10


def test_whole_process_timing_counts_runs() -> None:
    report = time_process([sys.executable, "-c", "raise SystemExit(3)"], runs=2, warmup=0)
    assert report["runs"] == 2 and report["exit_codes"] == [3]
    assert report["wall_s"]["min"] <= report["wall_s"]["median"] <= report["wall_s"]["max"]
    assert 1 < report["peak_rss_mib"] < 60  # the child's own peak, not this (much larger) process's


def test_healthz_contracts() -> None:
    assert Health(200, {"status": "ok", "index": "loading"}).up
    assert not Health(200, {"status": "ok", "index": "loading"}).index_ready
    assert Health(200, {"status": "ok", "index": "ready"}).index_ready
    assert Health(200, {"status": "ok", "passages": 926}).index_ready  # before /healthz said "index"
    assert not Health(503, {"status": "loading"}).up
    assert Health(503, {"status": "failed"}).failed


def test_reply_latency_is_first_delivery_to_first_post_in_its_thread() -> None:
    sent = [SimpleNamespace(ts="1.1", at=10.0), SimpleNamespace(ts="1.1", at=10.5), SimpleNamespace(ts="1.2", at=11.0)]
    posts = [SimpleNamespace(body={"thread_ts": "1.1"}, at=10.2), SimpleNamespace(body={"thread_ts": "1.1"}, at=12.0),
             SimpleNamespace(body={"thread_ts": "9.9"}, at=10.3)]
    mock = SimpleNamespace(of=lambda method: posts)
    assert [round(x, 3) for x in reply_latencies(sent, mock)] == [0.2]  # 1.2 never answered: no figure


def test_duplicate_replies() -> None:
    assert duplicate_replies([("C1", "1.0"), ("C1", "2.0")]) == 0
    assert duplicate_replies([("C1", "1.0"), ("C1", "1.0"), ("C1", "1.0"), ("C2", "1.0")]) == 2


def test_sign_is_slack_v0() -> None:
    headers = sign("body", secret="s3cret", timestamp=1700000000)
    expected = hmac.new(b"s3cret", b"v0:1700000000:body", hashlib.sha256).hexdigest()
    assert headers == {"X-Slack-Request-Timestamp": "1700000000", "X-Slack-Signature": f"v0={expected}"}


def test_report_renders_and_judges_the_load_run_ack() -> None:
    lat = {"n": 3, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 70.0, "mean_ms": 1.5}
    quiet = {**lat, "p99_ms": 3.0}
    report = {
        "startup": {"runs": 1, "ready_s": 0.8, "index_ready_s": 9.0, "first_reply_s": 9.3},
        "answers": {"retrieval": lat, "compose_reply": lat},
        "slack": {"sequential": {"reply": lat, "ack": quiet},
                  "load": {"events": 10, "retried_deliveries": 1, "concurrency": 5, "acked_within_3s": 11,
                           "errors": 0, "ack": lat, "reply": lat, "duplicate_replies": 0, "replies_posted": 10,
                           "replies_expected": 10, "all_replied_after_s": 1.0},
                  "server_memory_loaded": {"rss_mib": 500}, "server_memory_after_load": {"peak_mib": 600}},
        "scale": {"vectors": [{"passages": 1_000_000, "clusters": 6666,
                               "exact": {**lat, "type": "IndexFlatIP", "build_s": 1, "rss_delta_mib": 1465},
                               "approx": {**lat, "type": "IVF", "build_s": 9, "rss_delta_mib": 1500,
                                          "recall@10": 0.96, "sweep": [{"nprobe": 1, "recall@10": 0.5}]}}]},
    }
    report["targets"] = verdicts(report)
    assert report["targets"]["ack_p99_ms"] == {"target": 50.0, "measured": 70.0, "met": False}  # the load run's
    assert report["targets"]["ready_s"]["met"] is True
    assert report["targets"]["scale_1m_recall"]["met"] is True
    assert report["targets"]["index_unchanged_s"]["met"] is None
    text = render(report)
    assert "process start → /healthz 200" in text and "event in → chat.postMessage out" in text
    assert "ack_p99_ms" in text and "NOT met" in text and "not measured" in text
