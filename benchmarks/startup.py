"""Start-up: how long after ``istio-events-bot serve`` is started a user can be answered.

*ready* is process start (``Popen``) until ``GET /healthz`` answers 200 (HTTP server and Bolt app accept
events); *index ready* until /healthz says the index is loaded; *first reply* until the mock Web API
receives the ``chat.postMessage`` answering a signed ``app_mention`` sent the moment /healthz said 200.
The load stages (interpreter, imports, model, index, first answer) are timed separately in a bare
process that does not serve, to show where the time goes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import child_env
from benchmarks.memory import memory_mib
from benchmarks.serving import EventClient, Sent, ServeProcess, is_reply
from benchmarks.stats import median
from slack_testkit.mock_slack import MockSlack

FIRST_QUESTION = "Who talked about ambient mesh at KubeCon EU 2023?"
RETRY_EVERY_S = 1.0
"""Slack redelivers an event that was not acked; this bench redelivers a refused one sooner."""


def _deliver_until_acked(client: EventClient, number: int, deadline: float) -> list[Sent]:
    """Send the event, and again (as Slack's retry) while the bot refuses it (e.g. 503 while loading)."""
    sent = [client.send(number, FIRST_QUESTION)]
    while sent[-1].status != 200 and time.monotonic() < deadline:
        time.sleep(RETRY_EVERY_S)
        sent.append(client.send(number, FIRST_QUESTION, retry=len(sent)))
    return sent


def ready_once(docs: str | None, index: str | None, timeout: float = 180.0) -> dict[str, Any]:
    """One fresh ``serve`` process: ready, index ready and first reply, in seconds from process start."""
    mock = MockSlack().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-ready-") as tmp, \
                ServeProcess(mock, Path(tmp), docs, index) as srv:
            ready_s = srv.wait("up", timeout)
            client = EventClient(srv.port)
            deliveries: list[Sent] = []
            sender = threading.Thread(target=lambda: deliveries.extend(
                _deliver_until_acked(client, 1, time.monotonic() + timeout)), daemon=True)
            sender.start()
            index_ready_s = srv.wait("index", timeout)
            [reply, *_] = mock.wait_until(is_reply(client.ts(1)), timeout=timeout)
            sender.join(timeout=timeout)
            return {
                "ready_s": round(ready_s, 3),
                "index_ready_s": round(index_ready_s, 3),
                "first_reply_s": round(reply.at - srv.started, 3),
                "first_event_deliveries": len(deliveries),
                "first_event_ack_status": [d.status for d in deliveries],
                "memory_after_first_reply": memory_mib(srv.pid),
            }
    finally:
        mock.stop()


def bench_ready(docs: str | None, index: str | None, runs: int) -> dict[str, Any]:
    """Median over ``runs`` fresh ``serve`` processes."""
    samples = [ready_once(docs, index) for _ in range(runs)]
    result: dict[str, Any] = {key: round(median([s[key] for s in samples]), 3)
                              for key in ("ready_s", "index_ready_s", "first_reply_s")}
    result.update(runs=runs, first_event_ack_status=samples[-1]["first_event_ack_status"],
                  memory_after_first_reply=samples[-1]["memory_after_first_reply"])
    return result


# -- where the time goes: the load stages in a bare process ----------------------------------------


def _stages_probe(docs: str | None, index: str | None) -> None:
    """Runs in a fresh interpreter (``python -m benchmarks.startup``): time each stage of what ``serve``
    loads (the query encoder, not sentence-transformers), print JSON."""
    marks = {"interpreter": time.time()}
    import bm25s  # noqa: F401
    import faiss  # noqa: F401
    import lingua  # noqa: F401

    from bot.core.answerer import Answerer
    from bot.core.language import detect_language
    from embeddings.config import Settings
    from embeddings.encoder import load_query_encoder
    from embeddings.index import ensure_index
    from embeddings.search import HybridRetriever

    marks["imports"] = time.time()
    settings = Settings.from_env(docs_dir=docs, index_dir=index)
    model = load_query_encoder(settings.model_name)
    marks["model"] = time.time()
    loaded = ensure_index(settings)
    marks["index_files"] = time.time()
    answerer = Answerer(HybridRetriever(loaded, model))
    marks["retriever"] = time.time()
    answerer.ask(FIRST_QUESTION, lang=detect_language(FIRST_QUESTION))
    marks["first_answer"] = time.time()
    print(json.dumps({"marks": marks, "memory": memory_mib()}))


def bench_stages(docs: str | None, index: str | None, runs: int) -> dict[str, Any]:
    """Median over ``runs`` fresh processes of each load stage, from just before the process is started."""
    command = [sys.executable, "-m", "benchmarks.startup", *([f"--docs={docs}"] if docs else []),
               *([f"--index={index}"] if index else [])]
    samples: list[dict[str, float]] = []
    memory: dict[str, float] = {}
    for _ in range(runs):
        started = time.time()
        done = subprocess.run(command, capture_output=True, text=True, check=True, env=child_env())
        report = json.loads(done.stdout.strip().splitlines()[-1])
        m = report["marks"]
        samples.append({
            "interpreter_s": m["interpreter"] - started,
            "imports_s": m["imports"] - m["interpreter"],
            "model_load_s": m["model"] - m["imports"],
            "index_files_load_s": m["index_files"] - m["model"],
            "retriever_build_s": m["retriever"] - m["index_files"],
            "first_answer_s": m["first_answer"] - m["retriever"],
            "total_s": m["first_answer"] - started,
        })
        memory = report["memory"]
    result: dict[str, Any] = {key: round(median([s[key] for s in samples]), 3) for key in samples[0]}
    result.update(runs=runs, memory_after_first_answer=memory)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="benchmarks.startup", description="the load-stages probe")
    parser.add_argument("--docs")
    parser.add_argument("--index")
    parsed = parser.parse_args()
    _stages_probe(parsed.docs, parsed.index)
