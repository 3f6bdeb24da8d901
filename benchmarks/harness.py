"""Process plumbing the figures share: the child environment, memory from /proc, ports, progress lines."""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

FALLBACK_QUESTIONS = ("tests/data/questions.jsonl", "tests/questions_extra.jsonl")


def child_env(**extra: str) -> dict[str, str]:
    """This environment, offline and quiet, plus ``extra``: what every measured subprocess runs with."""
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    env["SYNC_INTERVAL"] = "0"  # a measured `serve` must not start a sync of its own (git, embedding) mid-run
    env.update(extra)
    return env


def cli_command(*args: str) -> list[str]:
    """``istio-events-bot ARGS`` as a user runs it: the installed script beside this interpreter."""
    script = Path(sys.executable).parent / "istio-events-bot"
    return [str(script), *args] if script.is_file() else [sys.executable, "-m", "bot.cli", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "unknown")
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cores": os.cpu_count(), "cpu": cpu, "ram_gib": round(mem, 1), "python": sys.version.split()[0]}


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
