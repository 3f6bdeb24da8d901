"""Every section in turn, then the table (or JSON): what ``istio-events-bot bench`` and ``make bench`` run.

``--quick`` shrinks repetitions, the load run and the synthetic corpora (no 1M figures): a check that
every figure still works, not figures to quote.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from benchmarks.answers import bench_answers
from benchmarks.harness import load_question_texts, log, machine
from benchmarks.indexing import bench_index
from benchmarks.memory import dir_size
from benchmarks.report import render, verdicts
from benchmarks.scale import bench_scale
from benchmarks.slack_path import bench_slack
from benchmarks.startup import bench_ready, bench_stages
from benchmarks.whole_process import bench_processes

SCALE_SIZES = [10_000, 100_000, 1_000_000]
QUICK_SCALE_SIZES = [10_000, 100_000]
BM25_SIZES = [100_000, 1_000_000]
QUICK_BM25_SIZES = [100_000]
LOAD_SIZE = 1_000_000
QUICK_LOAD_SIZE = 10_000


def main(args: argparse.Namespace) -> int:
    """Run every section and print the table (or JSON); ``args.settings`` is the entry point's
    :class:`bot.settings.BotSettings`."""
    from bot.core.answerer import Answerer
    from embeddings.config import PROJECT_ROOT

    quick = bool(getattr(args, "quick", False))
    docs = str(args.docs) if args.docs else None
    index = str(args.index) if args.index else None
    settings = args.settings.index_settings  # built once by the entry point, --docs and --index applied
    questions, source = load_question_texts(PROJECT_ROOT)
    report: dict[str, Any] = {"machine": machine(), "quick": quick, "questions_from": source}

    log("loading the index (building it if needed) and the query encoder, as `serve` does")
    answerer = Answerer.from_settings(settings)
    log("start-up: `serve` processes until ready, index ready, first reply")
    report["startup"] = bench_ready(docs, index, runs=1 if quick else 3)
    log("start-up: load stages in a bare process")
    report["stages"] = bench_stages(docs, index, runs=1 if quick else 3)
    log("index builds (whole `index` processes on a copy of docs/, empty cache)")
    report["index"] = bench_index(settings.docs_dir, runs=3 if quick else 5)
    log("answer composition, in process")
    report["answers"] = bench_answers(answerer, questions, repeats=2 if quick else 5)
    report["index_size"] = {"bytes": dir_size(settings.index_dir),
                            "embedding_cache_bytes": settings.embedding_cache.stat().st_size
                            if settings.embedding_cache.exists() else 0}
    del answerer
    log("Slack path: `serve` in HTTP mode against the loopback mock Web API")
    report["slack"] = bench_slack(docs, index, questions, sequential=30 if quick else 100,
                                  load=200 if quick else 500, concurrency=50)
    log("whole processes: ask, events")
    report["processes"] = bench_processes(docs, index, runs=3 if quick else 5)
    report["scale"] = bench_scale(QUICK_SCALE_SIZES if quick else SCALE_SIZES,
                                  QUICK_BM25_SIZES if quick else BM25_SIZES,
                                  QUICK_LOAD_SIZE if quick else LOAD_SIZE, docs, index)
    report["targets"] = verdicts(report)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report))
    return 0
