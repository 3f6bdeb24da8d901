"""What an operator graphs: Prometheus metrics for ``GET /metrics`` (HTTP mode).

One :class:`Metrics` per serving process, on its own registry (so tests and benchmarks that build many
apps in one process count separately). Labels are surfaces, outcomes and stages, never users or
channels: the label sets stay small and nothing personal is exported.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

if TYPE_CHECKING:
    from embeddings.index import Index

PREFIX = "istio_events_bot"
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """The counters, histograms and gauges the bot keeps while it serves."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.events = Counter(f"{PREFIX}_events", "Messages, commands and actions taken to answer, by surface",
                              ["surface"], registry=r)
        self.replies = Counter(f"{PREFIX}_replies", "Replies, by surface and outcome (posted, failed, duplicate)",
                               ["surface", "outcome"], registry=r)
        self.answers = Counter(f"{PREFIX}_answers", "Questions answered, by surface and whether the bot declined",
                               ["surface", "declined"], registry=r)
        self.votes = Counter(f"{PREFIX}_votes", "Feedback votes cast, by value (up, down) and via (button, reaction)",
                             ["vote", "via"], registry=r)
        self.errors = Counter(f"{PREFIX}_errors", "Failures, by stage (answer, post, store, dropped)", ["stage"],
                              registry=r)
        self.answer_seconds = Histogram(f"{PREFIX}_answer_seconds", "Answering one question: retrieval and "
                                        "composition", buckets=LATENCY_BUCKETS, registry=r)
        self.reply_seconds = Histogram(f"{PREFIX}_reply_seconds", "From the event reaching the bot to the reply "
                                       "posted (queue wait included)", ["surface"], buckets=LATENCY_BUCKETS,
                                       registry=r)
        self.wait_seconds = Histogram(f"{PREFIX}_queue_wait_seconds", "Time an answer waited for a free turn",
                                      buckets=LATENCY_BUCKETS, registry=r)
        self.reload_failures = Counter(f"{PREFIX}_index_reload_failures", "New index builds that failed to load or "
                                       "to answer (the old build kept serving)", registry=r)
        self.sync_last = Gauge(f"{PREFIX}_sync_last_timestamp_seconds", "When the last sync ran (Unix time)",
                               registry=r)
        self.sync_ok = Gauge(f"{PREFIX}_sync_last_success", "1 when the last sync succeeded, 0 when it failed",
                             registry=r)
        self.index_ready = Gauge(f"{PREFIX}_index_ready", "1 once the index is loaded and questions are answered",
                                 registry=r)
        self.index_passages = Gauge(f"{PREFIX}_index_passages", "Passages in the loaded index", registry=r)
        self.index_vector_bytes = Gauge(f"{PREFIX}_index_vector_bytes", "Bytes of the loaded index's vectors",
                                        registry=r)
        self.index_built = Gauge(f"{PREFIX}_index_built_timestamp_seconds", "When the loaded index was built "
                                 "(Unix time; its age is time() minus this)", registry=r)

    def observe_index(self, index: Index) -> None:
        """Record the loaded index's size and build time, and that questions are now answered."""
        self.index_passages.set(len(index.passages))
        self.index_vector_bytes.set(int(index.vectors.ntotal) * int(index.vectors.d) * 4)
        built = index.manifest.get("built_at")
        if isinstance(built, str):
            with contextlib.suppress(ValueError):  # an index from before built_at was recorded: no age
                self.index_built.set(calendar.timegm(time.strptime(built, "%Y-%m-%dT%H:%M:%SZ")))
        self.index_ready.set(1)

    def observe_disk(self, cache_dir: Path, index_dir: Path) -> None:
        """The last sync's time and outcome (``sync-status.json``) and the live build's age (its manifest):
        read at each scrape, because the sync and the answer processes that load builds are other processes."""
        from embeddings.index import current_manifest
        from embeddings.sources import read_status

        status = read_status(cache_dir)
        if status is not None and isinstance(status.get("time"), str):
            with contextlib.suppress(ValueError):
                self.sync_last.set(dt.datetime.fromisoformat(status["time"]).timestamp())
                self.sync_ok.set(1 if status.get("ok") else 0)
        manifest = current_manifest(index_dir)
        built = manifest.get("built_at") if manifest else None
        if isinstance(built, str):
            with contextlib.suppress(ValueError):
                self.index_built.set(calendar.timegm(time.strptime(built, "%Y-%m-%dT%H:%M:%SZ")))

    def exposition(self) -> tuple[bytes, str]:
        """The body and content type of ``GET /metrics``."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
