"""The Slack path end to end: a signed event in (``POST /slack/events``) to the answer out
(``chat.postMessage`` received by the mock Web API), through the real ``istio-events-bot serve``.

*reply* latency is measured one event at a time (a quiet workspace), then under load: ``load`` new
events with every 10th delivered again as Slack's retry, ``concurrency`` at a time. *ack* latency is
the HTTP round trip of each delivery; Slack wants it within 3 s and redelivers otherwise.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.harness import log
from benchmarks.memory import tree_memory_mib
from benchmarks.serving import EventClient, Sent, ServeProcess, is_reply
from benchmarks.stats import duplicate_replies, summarize
from slack_testkit.mock_slack import MockSlack

ACK_DEADLINE_S = 3.0
RETRY_EVERY = 10
"""Every 10th event of the load run is delivered twice (the second as Slack's retry)."""


def reply_latencies(sent: list[Sent], mock: MockSlack) -> list[float]:
    """For each event, its first delivery until the first ``chat.postMessage`` in its thread arrived."""
    first_sent: dict[str, float] = {}
    for s in sent:
        first_sent[s.ts] = min(s.at, first_sent.get(s.ts, s.at))
    first_reply: dict[str, float] = {}
    for call in mock.of("chat.postMessage"):
        ts = str(call.body.get("thread_ts") or "")
        if ts in first_sent and ts not in first_reply:
            first_reply[ts] = call.at
    return [first_reply[ts] - at for ts, at in first_sent.items() if ts in first_reply]


def bench_slack(docs: str | None, index: str | None, questions: list[tuple[str, str]], sequential: int,
                load: int, concurrency: int) -> dict[str, Any]:
    """Sequential replies, then the load run, against one fresh ``serve`` process."""
    mock = MockSlack().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-slack-") as tmp, \
                ServeProcess(mock, Path(tmp), docs, index) as srv:
            srv.wait("index")
            client = EventClient(srv.port)
            memory_loaded = tree_memory_mib(srv.pid)

            sequential_sent: list[Sent] = []
            for n in range(sequential):
                sent = client.send(n, questions[n % len(questions)][0])
                sequential_sent.append(sent)
                mock.wait_until(is_reply(sent.ts), timeout=30)  # one user at a time: wait for the answer
            sequential_replies = reply_latencies(sequential_sent, mock)

            jobs = [(sequential + i, questions[i % len(questions)][0], 0) for i in range(load)]
            jobs += [(sequential + i, questions[i % len(questions)][0], 1) for i in range(0, load, RETRY_EVERY)]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                load_sent = list(pool.map(lambda job: client.send(*job), jobs))
            sent_for = time.perf_counter() - started
            expected = sequential + load
            try:
                mock.wait_for("chat.postMessage", expected, timeout=max(60.0, load * 0.5))
            except AssertionError:
                log(f"not every event of the load run was answered: {len(mock.of('chat.postMessage'))}/{expected}")
            drained_for = time.perf_counter() - started
            mock.settle(quiet=0.5)  # late duplicates would land now
            memory_served = tree_memory_mib(srv.pid)
            posts = mock.of("chat.postMessage")
            threads = [(str(call.body.get("channel")), str(call.body.get("thread_ts") or "")) for call in posts]
            load_replies = reply_latencies(load_sent, mock)
            calls = dict(Counter(call.method for call in mock.calls))
        return {
            "sequential": {"events": sequential, "reply": summarize(sequential_replies),
                           "ack": summarize([s.ack_s for s in sequential_sent])},
            "load": {
                "events": load, "retried_deliveries": len(jobs) - load, "concurrency": concurrency,
                "acked_within_3s": sum(1 for s in load_sent if s.status == 200 and s.ack_s <= ACK_DEADLINE_S),
                "errors": sum(1 for s in load_sent if s.status != 200),
                "ack": summarize([s.ack_s for s in load_sent]),
                "reply": summarize(load_replies),
                "send_seconds": round(sent_for, 2),
                "replies_expected": expected, "replies_posted": len(posts),
                "duplicate_replies": duplicate_replies(threads),
                "all_replied_after_s": round(drained_for, 2),
            },
            "web_api_calls": calls,
            "server_memory_loaded": memory_loaded,
            "server_memory_after_load": memory_served,
        }
    finally:
        mock.stop()
