"""``istio-events-bot bench``: start-up, indexing, answer latency, the Slack path, memory and scale.

Every figure of issue 5 comes from one run on this machine. Start-up and the Slack server run in fresh
subprocesses (so import costs and the serving process's memory are real); index builds run on a
temporary copy of ``docs/`` with a temporary cache (the developer's index is never touched); all
network traffic stays on 127.0.0.1. ``--quick`` shrinks repetitions and the synthetic corpora.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from embeddings.index import recall_at_k
from slack_testkit.mock_slack import BOT_USER_ID, TEAM_ID

if TYPE_CHECKING:
    import numpy as np

DIM = 384
"""The bundled model's dimension (multilingual-e5-small); synthetic corpora use it."""
SCALE_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SCALE_SIZES = (10_000, 100_000)
SCALE_QUERIES = 200
RECALL_TARGET = 0.95
SIGNING_SECRET = "bench-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-bench-0000-token"
ACK_DEADLINE_S = 3.0
FALLBACK_QUESTIONS = ("tests/data/questions.jsonl", "tests/questions_extra.jsonl")
TARGETS = {
    "full_reply_p50_ms": 30.0,
    "full_reply_p95_ms": 60.0,
    "ack_p99_ms": 50.0,
    "ready_s": 4.0,
    "index_from_nothing_s": 120.0,
    "index_unchanged_s": 1.0,
    "index_one_post_s": 5.0,
    "serving_rss_mib": 700.0,  # no more than 50 MiB above the 5-post docs/ (650 MiB, BENCHMARKS.md)
    "scale_1m_p95_ms": 20.0,
    "scale_1m_recall": RECALL_TARGET,
}


# -- small helpers (unit-tested) ---------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (numpy's default), without numpy: the bench reports many of them."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def summarize(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and mean in milliseconds: the shape every latency figure is reported in."""
    ms = [s * 1000.0 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(sum(ms) / len(ms), 2) if ms else math.nan,
    }


def synthetic_vectors(n: int, dim: int = DIM, seed: int = 0, clusters: int | None = None) -> np.ndarray:
    """``n`` random unit vectors around random topic centres (embeddings cluster by topic; uniform noise
    in 384 dimensions has no neighbourhood structure for any index to exploit)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    clusters = clusters or max(10, n // 1000)
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        noise = rng.standard_normal((m, dim), dtype=np.float32) * (1.0 / math.sqrt(dim))
        out[start : start + m] = centres[rng.integers(0, clusters, m)] + noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def synthetic_queries(corpus: np.ndarray, count: int, seed: int = 1) -> np.ndarray:
    """Queries near (not on) corpus vectors, like a question near the paragraph that answers it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    picked = corpus[rng.integers(0, len(corpus), count)]
    queries = picked + rng.standard_normal(picked.shape, dtype=np.float32) * (0.5 / math.sqrt(corpus.shape[1]))
    return (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)


def memory_mib(pid: int | str = "self") -> dict[str, float]:
    """Resident set now (VmRSS) and at peak (VmHWM) of a process, from /proc (Linux)."""
    found: dict[str, float] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                found["rss_mib" if key == "VmRSS" else "peak_mib"] = round(int(value.split()[0]) / 1024, 1)
    except OSError:
        import resource

        found["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return found


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def sign(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 request signature headers for ``body``."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def duplicate_replies(threads: Sequence[tuple[str, str]]) -> int:
    """Replies beyond the first in any (channel, thread): each is one the user would see twice."""
    return sum(count - 1 for count in Counter(threads).values() if count > 1)


def load_question_texts(root: Path) -> tuple[list[tuple[str, str]], str]:
    """(question, lang) pairs from ../shared/eval (else the copies under tests/), and where they came from."""
    candidates = [root.parent / "shared" / "eval" / "questions.jsonl", *(root / p for p in FALLBACK_QUESTIONS)]
    for path in candidates:
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            return [(row["question"], row.get("lang") or "en") for row in rows], str(path)
    fallback = [("Who talked about ambient mesh at KubeCon EU 2023?", "en"),
                ("¿Dónde se celebró IstioCon China?", "es"), ("2023年 KubeCon 欧洲有哪些 Istio 演讲？", "zh")]
    return fallback, "built-in"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- start-up ------------------------------------------------------------------------------------


def _startup_probe(docs: str | None, index: str | None) -> None:
    """Runs in a fresh interpreter: time each stage of getting ready and print it as JSON."""
    marks = {"interpreter": time.time()}
    import bm25s  # noqa: F401
    import faiss  # noqa: F401
    import lingua  # noqa: F401
    import sentence_transformers  # noqa: F401

    from bot.answer import Answerer
    from bot.language import detect_language
    from embeddings.config import Settings
    from embeddings.encoder import load_model
    from embeddings.index import ensure_index
    from embeddings.search import HybridRetriever

    marks["imports"] = time.time()
    settings = Settings.from_env(docs_dir=docs, index_dir=index)
    model = load_model(settings.model_name)
    marks["model"] = time.time()
    answerer = Answerer(HybridRetriever(ensure_index(settings, model), model))
    marks["index"] = time.time()
    question = "Who talked about ambient mesh?"
    answerer.ask(question, lang=detect_language(question))
    marks["first_answer"] = time.time()
    print(json.dumps({"marks": marks, "memory": memory_mib()}))


def bench_startup(args: argparse.Namespace, runs: int) -> dict[str, Any]:
    """Median over ``runs`` fresh processes of each stage, from just before the process is started."""
    command = [sys.executable, "-m", "bot.bench", "--probe-startup"]
    command += [f"--docs={args.docs}"] if args.docs else []
    command += [f"--index={args.index}"] if args.index else []
    samples: list[dict[str, float]] = []
    memory: dict[str, float] = {}
    for _ in range(runs):
        started = time.time()
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=_child_env())
        report = json.loads(done.stdout.strip().splitlines()[-1])
        m = report["marks"]
        samples.append({
            "interpreter_s": m["interpreter"] - started,
            "imports_s": m["imports"] - m["interpreter"],
            "model_load_s": m["model"] - m["imports"],
            "index_load_s": m["index"] - m["model"],
            "first_answer_s": m["first_answer"] - m["index"],
            "ready_s": m["first_answer"] - started,
        })
        memory = report["memory"]
    result = {key: round(percentile([s[key] for s in samples], 50), 3) for key in samples[0]}
    result["runs"] = runs
    result["memory_after_first_answer"] = memory
    return result


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    return env


# -- index builds --------------------------------------------------------------------------------


def _index_process(docs: Path, index: Path, cache: Path) -> tuple[float, str]:
    """Wall time of one whole ``istio-events-bot index`` process (interpreter, imports, model when
    something must be embedded, build), and its summary line."""
    env = {**_child_env(), "CACHE_DIR": str(cache)}
    env.pop("OMP_NUM_THREADS", None)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot.cli", "index", "--docs", str(docs), "--index", str(index)],
                          capture_output=True, text=True, check=True, env=env)
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def bench_index(settings: Any) -> dict[str, Any]:
    """From nothing (empty cache), nothing changed, one post changed: whole ``index`` processes on a copy
    of docs/, as a user or a release step runs them."""
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        docs, index, cache = Path(tmp) / "docs", Path(tmp) / "index", Path(tmp) / "cache"
        shutil.copytree(settings.docs_dir, docs)
        result: dict[str, Any] = {}
        for label in ("from_nothing", "unchanged", "one_post_changed"):
            if label == "one_post_changed":
                post = sorted(docs.glob("en/*/*.md"))[0]
                post.write_text(post.read_text(encoding="utf-8") + "\n\nA paragraph added by the benchmark, so "
                                "that this post's hash changes and its new passage must be embedded.\n",
                                encoding="utf-8")
            seconds, summary = _index_process(docs, index, cache)
            counts = {name: int(number) for number, name in re.findall(r"(\d+) (passages|embedded)", summary)}
            result[label] = {"seconds": round(seconds, 2), "summary": summary, **counts}
        result["index_bytes"] = dir_size(index)
    return result


# -- answers -------------------------------------------------------------------------------------


def bench_answers(answerer: Any, questions: list[tuple[str, str]], repeats: int) -> dict[str, Any]:
    """Warm latency of retrieval alone and of the full reply (answer plus Slack blocks)."""
    from bot.answer import RANKED
    from bot.language import detect_language

    build_blocks = _blocks_builder()
    for question, _ in questions[:5]:  # warm-up: detector and tokenizer caches, first-call allocations
        build_blocks(answerer.ask(question))
    retrieval: list[float] = []
    full: list[float] = []
    for _ in range(repeats):
        for question, _ in questions:
            started = time.perf_counter()
            answerer.retriever.search(question, k=RANKED * 3, lang=detect_language(question))
            retrieval.append(time.perf_counter() - started)
        for question, _ in questions:
            started = time.perf_counter()
            build_blocks(answerer.ask(question))
            full.append(time.perf_counter() - started)
    return {"questions": len(questions), "repeats": repeats, "retrieval": summarize(retrieval),
            "full_reply": summarize(full), "blocks": build_blocks.__doc__}


def _blocks_builder() -> Callable[[Any], Any]:
    """The Slack engineer's Block Kit builder when present, else the answer's dict (what would be sent)."""
    try:
        from bot.blocks import answer_message
    except ImportError:
        def as_dict(answer: Any) -> Any:
            """answer.to_dict() (bot.blocks not available)"""
            return json.dumps(answer.to_dict(), ensure_ascii=False)

        return as_dict

    def as_blocks(answer: Any) -> Any:
        """bot.blocks.answer_message(...).post_kwargs(), serialised to JSON"""
        return json.dumps(answer_message(answer).post_kwargs(), ensure_ascii=False)

    return as_blocks


# -- Slack path ----------------------------------------------------------------------------------


def _serve_probe(docs: str | None, index: str | None, port: int, api_url: str, database_url: str) -> None:
    """Runs in a fresh interpreter: the HTTP mode (bot.server's ASGI app under uvicorn) on loopback."""
    import uvicorn

    from bot.answer import Answerer
    from bot.app import create_app
    from bot.server import AppSlot, create_asgi_app
    from bot.store import Store
    from embeddings.config import Settings

    settings = Settings.from_env(docs_dir=docs, index_dir=index)
    answerer = Answerer.from_settings(settings)
    answerer.ask("Who talked about ambient mesh?")  # warm, as a server is before it takes traffic
    app = create_app(answerer, token=BOT_TOKEN, signing_secret=SIGNING_SECRET, api_url=api_url,
                     store=Store(database_url))
    slot = AppSlot()
    slot.fill(app, len(answerer.index.passages))
    config = uvicorn.Config(create_asgi_app(slot, SIGNING_SECRET), host="127.0.0.1", port=port, log_level="warning")
    uvicorn.Server(config).run()


@contextmanager
def _bot_server(args: argparse.Namespace, api_url: str, tmp: Path) -> Iterator[subprocess.Popen[str]]:
    port = _free_port()
    command = [sys.executable, "-m", "bot.bench", "--probe-serve", f"--port={port}", f"--api-url={api_url}",
               f"--database-url=sqlite:///{tmp / 'bot.sqlite'}"]
    command += [f"--docs={args.docs}"] if args.docs else []
    command += [f"--index={args.index}"] if args.index else []
    process = subprocess.Popen(command, env=_child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"bot server exited: {process.stderr.read() if process.stderr else ''}")
            if time.monotonic() > deadline:
                raise RuntimeError("bot server did not become healthy in 120 s")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    break
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        process.port = port  # type: ignore[attr-defined]
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class _EventClient:
    """Signed ``app_mention`` events over one keep-alive connection per sending thread."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def send(self, number: int, question: str, retry: int = 0) -> tuple[float, int]:
        ts = f"1700000000.{number:06d}"
        event = {"type": "app_mention", "user": "U0BENCHER", "text": f"<@{BOT_USER_ID}> {question}",
                 "ts": ts, "channel": "C0BENCH01", "event_ts": ts, "team": TEAM_ID}
        body = json.dumps({"token": "unused", "team_id": TEAM_ID, "api_app_id": "A0BENCH01",
                           "type": "event_callback", "event_id": f"Ev{number:08d}", "event_time": int(time.time()),
                           "event": event,
                           "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}]})
        headers = {"Content-Type": "application/json", **sign(body)}
        if retry:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        started = time.perf_counter()
        try:
            conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except OSError:
            self.local.conn = None
            status = 0
        return time.perf_counter() - started, status


def bench_slack(args: argparse.Namespace, questions: list[tuple[str, str]], sequential: int, load: int,
                concurrency: int) -> dict[str, Any]:
    """Ack latency one event at a time, then a bounded load run with retried deliveries mixed in."""
    from slack_testkit.mock_slack import MockSlack

    mock = MockSlack().start()
    api_url = mock.api_url
    try:
        with tempfile.TemporaryDirectory(prefix="bench-slack-") as tmp, _bot_server(args, api_url, Path(tmp)) as srv:
            client = _EventClient(srv.port)  # type: ignore[attr-defined]
            memory_loaded = memory_mib(srv.pid)
            acks: list[float] = []
            for n in range(sequential):
                seconds, _ = client.send(n, questions[n % len(questions)][0])
                acks.append(seconds)
                time.sleep(0.05)  # one user at a time: the reply is composed while the next event waits
            mock.wait_for("chat.postMessage", sequential, timeout=60)

            # Load run: `load` new events, and every 10th one delivered again as Slack's retry.
            jobs = [(sequential + i, questions[i % len(questions)][0], 0) for i in range(load)]
            jobs += [(sequential + i, questions[i % len(questions)][0], 1) for i in range(0, load, 10)]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                results = list(pool.map(lambda job: client.send(*job), jobs))
            sent_for = time.perf_counter() - started
            expected = sequential + load
            mock.wait_for("chat.postMessage", expected, timeout=max(60.0, load * 0.5))
            drained_for = time.perf_counter() - started
            mock.settle(quiet=0.5)  # late duplicates would land now
            memory_served = memory_mib(srv.pid)
            load_acks = [seconds for seconds, _ in results]
            posts = mock.of("chat.postMessage")
            posted = len(posts)
            threads = [(str(call.body.get("channel")), str(call.body.get("thread_ts") or "")) for call in posts]
            calls = dict(Counter(call.method for call in mock.calls))
        return {
            "ack_sequential": summarize(acks),
            "load": {
                "events": load, "retried_deliveries": len(jobs) - load, "concurrency": concurrency,
                "acked_within_3s": sum(1 for s, status in results if status == 200 and s <= ACK_DEADLINE_S),
                "errors": sum(1 for _, status in results if status != 200),
                "ack": summarize(load_acks),
                "send_seconds": round(sent_for, 2),
                "replies_expected": expected, "replies_posted": posted,
                "duplicate_replies": duplicate_replies(threads),
                "all_replied_after_s": round(drained_for, 2),
            },
            "web_api_calls": calls,
            "server_memory_loaded": memory_loaded,
            "server_memory_after_load": memory_served,
        }
    finally:
        mock.stop()


# -- scale ---------------------------------------------------------------------------------------


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


def bench_scale_one(n: int, queries_count: int = SCALE_QUERIES, k: int = 10) -> dict[str, Any]:
    """Exact (flat inner product) against IVF on ``n`` synthetic passages: build, search, memory, recall."""
    import faiss

    from embeddings.index import make_faiss_index

    faiss.omp_set_num_threads(1)  # one query per request thread, as in the bot
    corpus = synthetic_vectors(n, seed=n)
    queries = synthetic_queries(corpus, queries_count * 2, seed=n + 1)
    measure = queries[queries_count:]
    result: dict[str, Any] = {"passages": n, "dim": DIM}

    started = time.perf_counter()
    flat = faiss.IndexFlatIP(DIM)
    flat.add(corpus)
    result["exact"] = {"type": "IndexFlatIP", "build_s": round(time.perf_counter() - started, 2),
                       "memory_mib": round(n * DIM * 4 / 2**20, 1)}
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    _, exact_measure = flat.search(measure, k)
    faiss.omp_set_num_threads(1)
    times, _ = _timed_searches(flat, measure, k)
    result["exact"].update(summarize(times))

    # The approximate index exactly as the product builds it above EXACT_INDEX_MAX (IVF, self-tuned nprobe).
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    started = time.perf_counter()
    ivf = make_faiss_index(corpus, exact_max=0)  # keep this reference: the C++ index lives as long as it
    build_s = time.perf_counter() - started
    nlist, chosen = faiss.extract_index_ivf(ivf).nlist, faiss.extract_index_ivf(ivf).nprobe
    memory = (n * (DIM * 4 + 8) + nlist * DIM * 4) / 2**20  # vectors, ids, centroids
    faiss.omp_set_num_threads(1)
    times, found = _timed_searches(ivf, measure, k)
    result["approx"] = {"type": f"IndexIVFFlat(nlist={nlist}, nprobe={chosen})", "build_s": round(build_s, 2),
                        "memory_mib": round(memory, 1), "recall@10": round(recall_at_k(found, exact_measure, k), 4),
                        **summarize(times)}
    del flat, ivf, corpus
    return result


def bench_scale(sizes: Sequence[int]) -> list[dict[str, Any]]:
    results = []
    for n in sizes:
        _log(f"scale: {n:,} synthetic passages")
        results.append(bench_scale_one(n))
    return results


# -- report --------------------------------------------------------------------------------------


def verdicts(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target beside the measured figure, and whether it is met."""
    got: dict[str, float | None] = {
        "full_reply_p50_ms": report["answers"]["full_reply"]["p50_ms"],
        "full_reply_p95_ms": report["answers"]["full_reply"]["p95_ms"],
        "ack_p99_ms": report.get("slack", {}).get("ack_sequential", {}).get("p99_ms"),
        "ready_s": report["startup"]["ready_s"],
        "index_from_nothing_s": report["index"]["from_nothing"]["seconds"],
        "index_unchanged_s": report["index"]["unchanged"]["seconds"],
        "index_one_post_s": report["index"]["one_post_changed"]["seconds"],
        "serving_rss_mib": report.get("slack", {}).get("server_memory_after_load", {}).get("peak_mib"),
    }
    million = next((r for r in report.get("scale", []) if r["passages"] == 1_000_000), None)
    got["scale_1m_p95_ms"] = million["approx"]["p95_ms"] if million else None
    got["scale_1m_recall"] = million["approx"]["recall@10"] if million else None
    out = {}
    for key, target in TARGETS.items():
        value = got.get(key)
        met = None if value is None else (value >= target if key == "scale_1m_recall" else value <= target)
        out[key] = {"target": target, "measured": value, "met": met}
    return out


def render(report: dict[str, Any]) -> str:
    """The human-readable table (markdown), the same figures as ``--json``."""
    s, ix, ans = report["startup"], report["index"], report["answers"]
    rows = [
        ("start-up: interpreter", f"{s['interpreter_s']:.2f} s"),
        ("start-up: imports", f"{s['imports_s']:.2f} s"),
        ("start-up: model load", f"{s['model_load_s']:.2f} s"),
        ("start-up: index load (+ BM25, clusters)", f"{s['index_load_s']:.2f} s"),
        ("start-up: first answer (detector, jieba warm-up)", f"{s['first_answer_s']:.2f} s"),
        (f"start-up: ready to answer (median of {s['runs']})", f"{s['ready_s']:.2f} s"),
    ]
    for label, key in (("from nothing", "from_nothing"), ("nothing changed", "unchanged"),
                       ("one post changed", "one_post_changed")):
        b = ix[key]
        rows.append((f"`index` process, {label}", f"{b['seconds']:.2f} s ({b.get('passages')} passages, "
                     f"{b.get('embedded')} embedded)"))
    for label, key in (("retrieval alone", "retrieval"), ("full reply (answer + blocks)", "full_reply")):
        a = ans[key]
        rows.append((f"answers: {label}", f"p50 {a['p50_ms']} / p95 {a['p95_ms']} / p99 {a['p99_ms']} ms "
                     f"(n={a['n']})"))
    slack = report.get("slack")
    if slack:
        a, load = slack["ack_sequential"], slack["load"]
        rows.append(("Slack: ack latency", f"p50 {a['p50_ms']} / p99 {a['p99_ms']} ms (n={a['n']})"))
        rows.append((f"Slack: load {load['events']} events (+{load['retried_deliveries']} retries) "
                     f"at concurrency {load['concurrency']}",
                     f"{load['acked_within_3s']}/{load['events'] + load['retried_deliveries']} acked within 3 s, "
                     f"ack p50 {load['ack']['p50_ms']} / p99 {load['ack']['p99_ms']} ms, {load['errors']} errors, "
                     f"{load['duplicate_replies']} duplicate replies, {load['replies_posted']}/"
                     f"{load['replies_expected']} replies in {load['all_replied_after_s']} s"))
        rows.append(("memory: serving process RSS after load / peak",
                     f"{slack['server_memory_loaded'].get('rss_mib')} / "
                     f"{slack['server_memory_after_load'].get('peak_mib')} MiB"))
    else:
        rows.append(("Slack path", f"not measured: {report.get('slack_skipped')}"))
    mem = s["memory_after_first_answer"]
    rows.append(("memory: start-up probe RSS / peak", f"{mem.get('rss_mib')} / {mem.get('peak_mib')} MiB"))
    rows.append(("index size on disk", f"{report['index_size']['bytes'] / 1024:.0f} KiB "
                 f"(+ embedding cache {report['index_size']['embedding_cache_bytes'] / 1024:.0f} KiB)"))
    for r in report.get("scale", []):
        for kind in ("exact", "approx"):
            x = r[kind]
            extra = f", recall@10 {x['recall@10']}" if kind == "approx" else ""
            rows.append((f"scale {r['passages']:,}: {x['type']}",
                         f"search p50 {x['p50_ms']} / p95 {x['p95_ms']} ms, build {x['build_s']} s, "
                         f"memory {x['memory_mib']} MiB{extra}"))
    width = max(len(label) for label, _ in rows)
    lines = [f"| {'figure':<{width}} | value |", f"|{'-' * (width + 2)}|-------|"]
    lines += [f"| {label:<{width}} | {value} |" for label, value in rows]
    lines.append("")
    lines.append("targets:")
    for key, v in report["targets"].items():
        state = {True: "met", False: "NOT met", None: "not measured"}[v["met"]]
        lines.append(f"  {key:<22} target {v['target']:<8} measured {v['measured']!s:<10} {state}")
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "unknown") if Path("/proc/cpuinfo").exists() else "unknown"
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem, 1), "python": sys.version.split()[0]}


def main(args: argparse.Namespace) -> int:
    """Run every section and print the table (or JSON)."""
    from bot.answer import Answerer
    from embeddings.config import PROJECT_ROOT, Settings
    from embeddings.encoder import load_model
    from embeddings.index import ensure_index
    from embeddings.search import HybridRetriever

    quick = bool(getattr(args, "quick", False))
    settings = Settings.from_env(docs_dir=args.docs, index_dir=args.index)
    questions, source = load_question_texts(PROJECT_ROOT)
    report: dict[str, Any] = {"machine": machine(), "quick": quick, "questions_from": source}

    _log("loading the model and the index")
    model = load_model(settings.model_name)
    answerer = Answerer(HybridRetriever(ensure_index(settings, model), model))
    _log("start-up (fresh processes)")
    report["startup"] = bench_startup(args, runs=1 if quick else 3)
    _log("index builds (whole `index` processes on a copy of docs/, empty cache)")
    report["index"] = bench_index(settings)
    _log("answer latency")
    report["answers"] = bench_answers(answerer, questions, repeats=2 if quick else 5)
    report["index_size"] = {"bytes": dir_size(settings.index_dir),
                            "embedding_cache_bytes": settings.embedding_cache.stat().st_size
                            if settings.embedding_cache.exists() else 0}
    del answerer
    _log("Slack path (HTTP mode against a loopback mock Web API)")
    try:
        report["slack"] = bench_slack(args, questions, sequential=50 if quick else 100, load=200 if quick else 500,
                                      concurrency=50)
    except ImportError as exc:
        report["slack_skipped"] = f"HTTP mode not importable ({exc})"
    report["scale"] = bench_scale(QUICK_SCALE_SIZES if quick else SCALE_SIZES)
    report["targets"] = verdicts(report)
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else render(report))
    return 0


def _probe_main(argv: list[str]) -> int:
    """Entry point of the subprocesses: ``python -m bot.bench --probe-startup|--probe-serve``."""
    parser = argparse.ArgumentParser(prog="bot.bench")
    parser.add_argument("--probe-startup", action="store_true")
    parser.add_argument("--probe-serve", action="store_true")
    parser.add_argument("--docs")
    parser.add_argument("--index")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--api-url", default="")
    parser.add_argument("--database-url", default="sqlite://")
    args = parser.parse_args(argv)
    if args.probe_startup:
        _startup_probe(args.docs, args.index)
    elif args.probe_serve:
        import logging

        logging.basicConfig(level=logging.WARNING)
        _serve_probe(args.docs, args.index, args.port, args.api_url, args.database_url)
    else:
        parser.error("use `istio-events-bot bench`")
    return 0


if __name__ == "__main__":
    sys.exit(_probe_main(sys.argv[1:]))
