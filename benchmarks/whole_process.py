"""Whole-process figures: a command as a user types it, timed from outside over several runs.

Each run is a fresh process; the kernel's own accounting of it (``wait4``) gives its CPU time and peak
resident set, the wall clock its duration. One warm-up run is not counted (file caches); the median is
the figure, min and max show how noisy the machine was. Standalone: ``python -m benchmarks.whole_process``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from benchmarks.harness import child_env, cli_command
from benchmarks.memory import run_accounted
from benchmarks.stats import median

COMMANDS: dict[str, list[str]] = {
    "ask": ["ask", "Who talked about ambient mesh at KubeCon EU 2023?"],
    "events": ["events"],
}
"""``index`` is not here: its nothing-changed figure is :func:`benchmarks.indexing.bench_index`'s, timed the
same way, so the report gives it once."""


def time_process(command: list[str], runs: int, warmup: int = 1,
                 env: dict[str, str] | None = None) -> dict[str, Any]:
    """Median (and min, max) wall seconds, median CPU seconds and peak RSS of ``runs`` fresh processes
    (environment: ``env``, else :func:`benchmarks.harness.child_env`)."""
    counted = [run_accounted(command, env or child_env()) for _ in range(warmup + runs)][warmup:]
    walls = [r["wall_s"] for r in counted]
    return {"runs": runs, "wall_s": {"min": round(min(walls), 3), "median": round(median(walls), 3),
                                      "max": round(max(walls), 3)},
            "cpu_s": round(median([r["cpu_s"] for r in counted]), 3),
            "peak_rss_mib": round(median([r["peak_rss_mib"] for r in counted]), 1),
            "exit_codes": sorted({int(r["exit_code"]) for r in counted})}


def bench_processes(docs: str | None, index: str | None, runs: int) -> dict[str, Any]:
    location = [*([f"--docs={docs}"] if docs else []), *([f"--index={index}"] if index else [])]
    return {label: {"command": " ".join(["istio-events-bot", *args]),
                    **time_process(cli_command(*args, *location), runs)}
            for label, args in COMMANDS.items()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="benchmarks.whole_process", description=__doc__)
    parser.add_argument("--docs")
    parser.add_argument("--index")
    parser.add_argument("--runs", type=int, default=5)
    parsed = parser.parse_args()
    print(json.dumps(bench_processes(parsed.docs, parsed.index, parsed.runs), indent=2))
