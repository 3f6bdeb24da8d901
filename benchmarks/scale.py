"""Scale: the dense index (FAISS), the lexical index (BM25) and start-up at 10k to 1M passages.

Each figure runs in its own fresh process (``python -m benchmarks.scale KIND N``), so its memory is its
own: resident-set deltas around each structure, and the process's peak, from /proc.

* vectors: exact search against the IVF index the product builds above ``EXACT_INDEX_MAX``, on
  synthetic clustered vectors whose cluster count is unrelated to ``nlist``; recall@10 against exact
  search at several ``nprobe`` values, and at the ``nprobe`` the build chose.
* bm25: bm25s over Zipf-distributed documents; per query, scoring every document, then picking the
  top k by a full sort and by ``embeddings.bm25.top_k`` (checked to give the same rows).
* load: a synthetic index of real passages and vectors replicated with noise, written by the index
  writer, then loaded in a fresh process as ``serve`` loads it: index files, then the retriever (which
  builds BM25 from the passage texts), with time and memory of each.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from benchmarks.harness import child_env, log
from benchmarks.memory import memory_mib
from benchmarks.stats import summarize
from benchmarks.synthetic import (
    DIM,
    replicated_passages,
    replicated_vectors,
    synthetic_queries,
    synthetic_vectors,
    zipf_documents,
)

if TYPE_CHECKING:
    import numpy as np

QUERIES = 200
NPROBES = (1, 2, 4, 8, 16, 32, 64, 128)
K = 10
LEXICAL_CANDIDATES = 100
"""How many passages BM25 proposes per question (``embeddings.search.CANDIDATES``)."""
BM25_SAMPLE = 100_000
"""Passages BM25 is built over in the start-up figure; a larger index's time is projected from it."""


def _rss() -> float:
    return memory_mib().get("rss_mib", 0.0)


def _timed_searches(index: Any, queries: np.ndarray, k: int) -> tuple[list[float], np.ndarray]:
    import numpy as np

    times: list[float] = []
    found = np.empty((len(queries), k), dtype=np.int64)
    for i, query in enumerate(queries):
        started = time.perf_counter()
        _, ids = index.search(query[None, :], k)
        times.append(time.perf_counter() - started)
        found[i] = ids[0]
    return times, found


def vectors_probe(n: int) -> dict[str, Any]:
    """Exact against IVF on ``n`` synthetic vectors: build, memory, search latency, recall per nprobe."""
    import faiss

    from embeddings.index import make_faiss_index, recall_at_k

    threads = os.cpu_count() or 1
    corpus = synthetic_vectors(n, seed=n)
    queries = synthetic_queries(corpus, QUERIES * 2, seed=n + 1)
    measure = queries[QUERIES:]
    result: dict[str, Any] = {"passages": n, "dim": DIM, "clusters": max(10, n // 150)}

    before = _rss()
    started = time.perf_counter()
    flat = faiss.IndexFlatIP(DIM)
    flat.add(corpus)
    build_s = time.perf_counter() - started
    flat_mib = _rss() - before
    faiss.omp_set_num_threads(threads)
    _, exact = flat.search(measure, K)
    faiss.omp_set_num_threads(1)  # one query per request thread, as in the bot
    times, _ = _timed_searches(flat, measure, K)
    result["exact"] = {"type": "IndexFlatIP", "build_s": round(build_s, 2), "rss_delta_mib": round(flat_mib, 1),
                       **summarize(times)}
    del flat

    faiss.omp_set_num_threads(threads)
    before = _rss()
    started = time.perf_counter()
    ivf = make_faiss_index(corpus, exact_max=0)  # as built above EXACT_INDEX_MAX: IVF, nprobe self-tuned
    build_s = time.perf_counter() - started
    ivf_mib = _rss() - before
    inner = faiss.extract_index_ivf(ivf)
    nlist, chosen = inner.nlist, inner.nprobe
    faiss.omp_set_num_threads(1)
    sweep = []
    for nprobe in (p for p in NPROBES if p <= nlist):
        inner.nprobe = nprobe
        times, found = _timed_searches(ivf, measure, K)
        sweep.append({"nprobe": nprobe, "recall@10": round(recall_at_k(found, exact, K), 4),
                      "p50_ms": summarize(times)["p50_ms"], "p95_ms": summarize(times)["p95_ms"]})
    inner.nprobe = chosen
    times, found = _timed_searches(ivf, measure, K)
    result["approx"] = {"type": f"IndexIVFFlat(nlist={nlist}, nprobe={chosen})", "nlist": nlist, "nprobe": chosen,
                        "build_s": round(build_s, 2), "rss_delta_mib": round(ivf_mib, 1),
                        "recall@10": round(recall_at_k(found, exact, K), 4), **summarize(times), "sweep": sweep}
    result["process_peak_mib"] = memory_mib().get("peak_mib")
    return result


def bm25_probe(n: int) -> dict[str, Any]:
    """bm25s over ``n`` Zipf documents: build, memory, scoring and top-k selection per query."""
    import bm25s
    import numpy as np

    from embeddings.bm25 import top_k

    vocabulary = 30_000 + n // 20
    documents = zipf_documents(n, vocabulary, seed=n)
    rng = np.random.default_rng(n + 1)
    picks = rng.integers(0, n, QUERIES)
    queries = [[str(w) for w in rng.choice(documents[i], size=min(4, len(documents[i])), replace=False)]
               for i in picks]
    before = _rss()
    started = time.perf_counter()
    bm25 = bm25s.BM25()
    bm25.index((documents, {str(i): i for i in range(vocabulary)}), show_progress=False)
    build_s = time.perf_counter() - started
    index_mib = _rss() - before  # the documents' lists were allocated before: this is the index alone
    del documents
    scoring, full_sort, selection = [], [], []
    identical = True
    for tokens in queries:
        started = time.perf_counter()
        scores = np.asarray(bm25.get_scores(tokens), dtype=np.float32)
        scored = time.perf_counter()
        by_sort = np.argsort(-scores, kind="stable")[:LEXICAL_CANDIDATES]
        by_sort = by_sort[scores[by_sort] > 0]
        sorted_at = time.perf_counter()
        by_selection = top_k(scores, LEXICAL_CANDIDATES)
        selected_at = time.perf_counter()
        identical &= bool(np.array_equal(by_sort, by_selection))
        scoring.append(scored - started)
        full_sort.append(sorted_at - scored)
        selection.append(selected_at - sorted_at)
    return {"documents": n, "vocabulary": vocabulary, "k": LEXICAL_CANDIDATES, "build_s": round(build_s, 2),
            "rss_delta_mib": round(index_mib, 1), "score_all": summarize(scoring), "full_sort": summarize(full_sort),
            "top_k_selection": summarize(selection), "top_k_identical_to_full_sort": identical,
            "process_peak_mib": memory_mib().get("peak_mib")}


def write_probe(n: int, out: str, docs: str | None, index: str | None) -> dict[str, Any]:
    """Write an ``n``-passage index at ``out``: the real passages and vectors of docs/, replicated, by the
    index module's own writer (a synthetic corpus has no docs/ to build from), so whatever it writes and
    checks (checksums, translation pairs) the load reads back. The word lexicon is the one mined from the
    real passages: every replica pairs the same words in the same proportions, so mining them again
    (hours at 1M) would find the same translations."""
    from embeddings import index as index_module
    from embeddings.config import Settings

    real = index_module.ensure_index(Settings.from_env(docs_dir=docs, index_dir=index))
    vectors = real.vectors.reconstruct_n(0, real.vectors.ntotal)
    passages = replicated_passages(real.passages, n)

    class MinedOnce(index_module.Lexicon):
        @classmethod
        def mine(cls, *args: Any, **kwargs: Any) -> Any:
            return real.lexicon

    index_module.Lexicon = MinedOnce  # type: ignore[misc]  # this probe process only
    started = time.perf_counter()
    index_module._write(Path(out), passages, replicated_vectors(vectors, n, seed=n), dict(real.manifest), real.events)
    return {"passages": n, "write_s": round(time.perf_counter() - started, 2)}


def load_probe(out: str, bm25_sample: int = BM25_SAMPLE) -> dict[str, Any]:
    """Load the index at ``out`` as ``serve`` does (with a check that translation pairs are read, not
    recomputed), then time BM25 built from the passage texts, which the retriever does at every start:
    on all passages up to ``bm25_sample``, projected linearly beyond (tokenizing is per passage)."""
    from embeddings import index as index_module
    from embeddings.bm25 import BM25Index

    def recomputed(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("load recomputed translation pairs")

    index_module.translation_pairs = recomputed
    before = _rss()
    started = time.perf_counter()
    loaded = index_module.load_index(Path(out))
    files_s = time.perf_counter() - started
    files_mib = _rss() - before
    n = len(loaded.passages)
    sample = loaded.passages[: min(n, bm25_sample)]
    before = _rss()
    started = time.perf_counter()
    BM25Index([p.embedding_text for p in sample])
    bm25_s = time.perf_counter() - started
    return {"passages": n, "index_files_load_s": round(files_s, 2), "index_files_rss_delta_mib": round(files_mib, 1),
            "bm25_build_passages": len(sample), "bm25_build_s": round(bm25_s, 2),
            "bm25_rss_delta_mib": round(_rss() - before, 1),
            "bm25_build_s_projected": round(bm25_s * n / len(sample), 1),
            "process_peak_mib": memory_mib().get("peak_mib"), "translations_recomputed": False}


def _probe(*args: str, timeout: float = 3600) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.scale", *args], capture_output=True, text=True,
                          env=child_env(), timeout=timeout)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["?"])[-1][:300]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_scale(sizes: list[int], bm25_sizes: list[int], load_size: int, docs: str | None,
                index: str | None) -> dict[str, Any]:
    """Every scale figure, each size in a fresh process."""
    result: dict[str, Any] = {"vectors": [], "bm25": []}
    for n in sizes:
        log(f"scale: FAISS, {n:,} synthetic passages")
        result["vectors"].append(_probe("vectors", str(n)))
    for n in bm25_sizes:
        log(f"scale: BM25, {n:,} synthetic documents")
        result["bm25"].append(_probe("bm25", str(n)))
    log(f"scale: start-up of a {load_size:,}-passage index")
    location = [*([f"--docs={docs}"] if docs else []), *([f"--index={index}"] if index else [])]
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        written = _probe("write", str(load_size), f"--out={tmp}/index", *location)
        result["load"] = {**written, **_probe("load", "0", f"--out={tmp}/index")} if "error" not in written \
            else written
    return result


def _main() -> None:
    parser = argparse.ArgumentParser(prog="benchmarks.scale", description="one scale figure, in this process")
    parser.add_argument("kind", choices=("vectors", "bm25", "write", "load"))
    parser.add_argument("n", type=int)
    parser.add_argument("--out")
    parser.add_argument("--docs")
    parser.add_argument("--index")
    args = parser.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    if args.kind == "vectors":
        report = vectors_probe(args.n)
    elif args.kind == "bm25":
        report = bm25_probe(args.n)
    elif args.kind == "write":
        report = write_probe(args.n, args.out, args.docs, args.index)
    else:
        report = load_probe(args.out)
    print(json.dumps(report))


if __name__ == "__main__":
    _main()
