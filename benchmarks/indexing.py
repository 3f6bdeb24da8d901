"""Index builds as a user or a release step runs them: whole ``istio-events-bot index`` processes on a
temporary copy of ``docs/`` with an empty embedding cache (the developer's index is never touched).

From nothing and one post changed change the state they measure, so each is one run. Nothing changed is
timed like the whole-process figures (:func:`benchmarks.whole_process.time_process`: ``runs`` fresh
processes after the first, which also gives the passage counts, median wall, CPU and peak RSS); it is the
only nothing-changed ``index`` figure in the report."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import child_env, cli_command
from benchmarks.memory import dir_size
from benchmarks.whole_process import time_process


def _index_env(cache: Path) -> dict[str, str]:
    env = child_env(CACHE_DIR=str(cache))
    env.pop("OMP_NUM_THREADS", None)
    return env


def _index_command(docs: Path, index: Path) -> list[str]:
    return cli_command("index", "--docs", str(docs), "--index", str(index))


def _index_process(docs: Path, index: Path, cache: Path) -> tuple[float, str]:
    """Wall time of one whole ``index`` process (interpreter, imports, the model when something must be
    embedded, the build), and its summary line."""
    started = time.perf_counter()
    done = subprocess.run(_index_command(docs, index), capture_output=True, text=True, check=True,
                          env=_index_env(cache))
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def bench_index(docs_dir: Path, runs: int = 5) -> dict[str, Any]:
    """From nothing (empty cache; one run), nothing changed (``runs`` timed runs after one that gives the
    counts), one post changed (one run)."""
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        docs, index, cache = Path(tmp) / "docs", Path(tmp) / "index", Path(tmp) / "cache"
        shutil.copytree(docs_dir, docs)
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
            if label == "unchanged":  # the run above was its warm-up; the figure is the median of these
                timed = time_process(_index_command(docs, index), runs, warmup=0, env=_index_env(cache))
                result[label].update(timed, seconds=timed["wall_s"]["median"])
        result["index_bytes"] = dir_size(index)
    return result
