"""Helpers shared by the tests: paths to the real posts, tmp docs trees, the CLI in a subprocess.

Kept out of conftest.py so test modules import them by a name no other conftest shadows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from embeddings.config import DEFAULT_BASE_URL, Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
BASE_URL = DEFAULT_BASE_URL
SLACK_ACK_DEADLINE = 3.0
"""Seconds Slack waits for an ack (an HTTP 200 to an event or command, or the envelope's ack over Socket
Mode) before it retries or tells the user the app did not respond: the only time bound a test of an ack
asserts (https://api.slack.com/apis/events-api#responding, https://api.slack.com/interactivity/slash-commands)."""

# The three language versions of one post, and the post that exists only in Spanish.
EU_2023 = ("2023", "istio-at-kubecon-eu")
EU_2025_ES = "es/2025/istio-at-kubecon-eu"


def corpus_file(lang: str, year: str, slug: str) -> Path:
    """A post from ../shared/corpus (stored there as ``<lang>/<year>-<slug>.md``)."""
    path = CORPUS / lang / f"{year}-{slug}.md"
    if not path.is_file():
        pytest.skip(f"shared corpus file {path} is not available")
    return path


def make_docs(root: Path, files: dict[str, Path | str | bytes]) -> Path:
    """Create a docs tree under ``root``: relative path -> source file, text or raw bytes."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, source in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, Path):
            shutil.copyfile(source, target)
        elif isinstance(source, bytes):
            target.write_bytes(source)
        else:
            target.write_text(source, encoding="utf-8")
    return root


def copy_docs(dest: Path, exclude: tuple[str, ...] = ()) -> Path:
    """A copy of the project's docs/ (minus ``exclude``, relative paths) at ``dest``."""
    shutil.copytree(DOCS, dest)
    for rel in exclude:
        (dest / rel).unlink()
    return dest


def settings_for(docs_dir: Path, index_dir: Path) -> Settings:
    """Settings for a docs dir and an explicit index dir (cache from the session's CACHE_DIR)."""
    return Settings.from_env(docs_dir=docs_dir, index_dir=index_dir)


def cli_env() -> dict[str, str]:
    """Environment for a CLI subprocess: the session's CACHE_DIR and no network."""
    env = dict(os.environ)
    env["HF_HUB_OFFLINE"] = "1"
    env["TOKENIZERS_PARALLELISM"] = "false"
    env["PYTHONPATH"] = str(ROOT)
    return env


def run_cli(*args: str | Path, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    """Run ``istio-events-bot`` (as ``python -m bot.cli``) in a subprocess and capture its output."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *map(str, args)],
        cwd=ROOT,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
