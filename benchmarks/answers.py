"""Answer composition inside one warm process: retrieval alone, and the whole reply (answer and Slack
blocks), with no HTTP or Slack in the way (``slack_path`` measures the served path end to end)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from benchmarks.stats import summarize


def bench_answers(answerer: Any, questions: list[tuple[str, str]], repeats: int) -> dict[str, Any]:
    """Warm latency of retrieval alone and of composing the full reply."""
    from bot.core.answerer import RANKED
    from bot.core.language import detect_language

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
            "compose_reply": summarize(full), "blocks": build_blocks.__doc__}


def _blocks_builder() -> Callable[[Any], Any]:
    from bot.slack.blocks import reply_message

    def as_blocks(reply: Any) -> Any:
        """bot.slack.blocks.reply_message(...).post_kwargs(), serialised to JSON"""
        return json.dumps(reply_message(reply).post_kwargs(), ensure_ascii=False)

    return as_blocks
