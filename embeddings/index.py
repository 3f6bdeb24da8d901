"""The passage index: FAISS vectors with the passage metadata beside them, in one directory.

Layout of an index directory::

    CURRENT              name of the live build (replaced atomically)
    build-<stamp>/       manifest.json, passages.jsonl, vectors.faiss, centroids.npz

A new build is written to its own directory and only then named in ``CURRENT``, so a crash mid-write
leaves the previous index loadable. Passage embeddings are cached (SQLite, keyed by model and text
hash), so re-indexing after editing one post only embeds that post's changed passages.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embeddings.config import Settings
from embeddings.documents import load_corpus, source_hashes
from embeddings.encoder import embedding_dim, load_model, model_id
from embeddings.events import Event
from embeddings.lexicon import Lexicon
from embeddings.passages import Passage
from embeddings.posts import Problem
from embeddings.translations import translation_pairs

if TYPE_CHECKING:
    import faiss
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

FORMAT_VERSION = 3
EXACT_INDEX_MAX = 200_000
"""Up to this many passages the index is exact (flat inner product, a full scan: ~20 ms at 200k on one
core); above it, IVF (approximate, ~1 ms at 1M; see BENCHMARKS.md)."""
IVF_RECALL = 0.95
"""recall@10 against exact search that the IVF index is tuned to reach when it is built."""
BATCH_SIZE = 64


class IndexUnavailable(Exception):
    """The index cannot be used as it is (missing, corrupt, other model, outdated); the message says why."""


class NothingIndexed(Exception):
    """No post in the docs directory could be read."""


@dataclass
class Index:
    """Passages, their vectors, per-language mean vectors (for centring dense scores) and the event catalogue."""

    passages: list[Passage]
    vectors: faiss.Index
    centroids: dict[str, np.ndarray]
    manifest: dict[str, Any]
    events: list[Event] = field(default_factory=list)
    twins: list[set[int]] = field(default_factory=list)
    """For each passage, the rows of the passages that translate (part of) it."""
    lexicon: Lexicon = field(default_factory=lambda: Lexicon({}))
    """Word translations mined from those twins (for cross-lingual BM25)."""

    def __post_init__(self) -> None:
        if len(self.twins) != len(self.passages):  # an index assembled in code, without translations
            self.twins = [set() for _ in self.passages]

    @property
    def model(self) -> str:
        return str(self.manifest["model"])

    @property
    def dim(self) -> int:
        return int(self.manifest["dim"])


@dataclass
class BuildReport:
    """What an ``index`` run did."""

    posts: int = 0
    sessions: int = 0
    events: int = 0
    passages: int = 0
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    rebuilt: bool = True
    reason: str = ""
    problems: list[Problem] = field(default_factory=list)


def normalize(vectors: np.ndarray) -> np.ndarray:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def recall_at_k(found: np.ndarray, exact: np.ndarray, k: int = 10) -> float:
    """Mean share of each query's exact top-k that the approximate top-k also holds."""
    hits = sum(len(set(f[:k].tolist()) & set(e[:k].tolist())) for f, e in zip(found, exact, strict=True))
    return hits / (k * len(exact)) if len(exact) else float("nan")


def make_faiss_index(vectors: np.ndarray, exact_max: int = EXACT_INDEX_MAX) -> faiss.Index:
    """Exact inner product up to ``exact_max`` passages, a tuned IVF index beyond."""
    import faiss

    if len(vectors) <= exact_max:
        index = faiss.IndexFlatIP(vectors.shape[1])
        index.add(vectors)
        return index
    return build_ivf(vectors)


def build_ivf(vectors: np.ndarray, recall: float = IVF_RECALL, k: int = 10, probes: int = 200) -> faiss.Index:
    """IVF with ~sqrt(n) lists, its ``nprobe`` set to the smallest that reaches ``recall``@k.

    The tuning queries are passages themselves, nudged off their own vector, checked against an exact
    scan: no question log is needed, and the index ships already tuned.
    """
    import faiss

    n, dim = vectors.shape
    nlist = max(16, int(np.sqrt(n)))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = 10
    index.train(vectors[:: max(1, n // (39 * nlist))][: 39 * nlist])
    index.add(vectors)
    rng = np.random.default_rng(0)
    queries = vectors[rng.choice(n, size=min(probes, n), replace=False)]
    queries = normalize(queries + rng.normal(scale=0.02, size=queries.shape).astype(np.float32))
    exact = faiss.IndexFlatIP(dim)
    exact.add(vectors)
    _, truth = exact.search(queries, k)
    del exact
    index.nprobe = nlist
    for nprobe in (1, 2, 4, 8, 16, 32, 64, 128, 256):
        index.nprobe = min(nprobe, nlist)
        _, found = index.search(queries, k)
        if recall_at_k(found, truth, k) >= recall or nprobe >= nlist:
            break
    return index


def language_centroids(passages: list[Passage], vectors: np.ndarray) -> dict[str, np.ndarray]:
    """Mean passage vector per language: ``q · mean`` is the mean similarity of ``q`` to that language."""
    langs = np.array([p.lang for p in passages])
    return {lang: vectors[langs == lang].mean(axis=0) for lang in sorted(set(langs.tolist()))}


class EmbeddingCache:
    """Passage vectors keyed by (model, text hash), shared by every index on this machine."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = self._open(path)
        except sqlite3.DatabaseError as exc:
            logger.warning("embedding cache %s unreadable (%s); starting a new one", path, exc)
            path.unlink(missing_ok=True)
            self._db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return db

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM embeddings WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((key, np.frombuffer(blob, dtype=np.float32)) for key, blob in rows)
        return found

    def put_many(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                ((key, np.asarray(vec, dtype=np.float32).tobytes()) for key, vec in items),
            )

    def close(self) -> None:
        self._db.close()


def embed_passages(
    passages: list[Passage],
    get_model: Callable[[], SentenceTransformer],
    name: str,
    cache: EmbeddingCache,
    progress: bool = True,
) -> tuple[np.ndarray, int]:
    """Vectors for ``passages`` (normalised), embedding only texts the cache lacks; also the count embedded.

    ``name`` identifies the model in the cache keys; ``get_model`` is called only if something is missing.
    """
    from tqdm import tqdm

    keys = [EmbeddingCache.key(name, p.dense_text) for p in passages]
    cached = cache.get_many(keys)
    # One text is embedded once, however many passages share it (pt-br posts are English copies).
    first = {key: i for i, key in reversed(list(enumerate(keys)))}
    # Batches of similar length keep both engine threads busy to the end of each batch.
    missing = sorted((i for key, i in first.items() if key not in cached), key=lambda i: len(passages[i].dense_text))
    bar = tqdm(total=len(missing), desc="embedding passages", unit="passage", disable=not progress or not missing)
    with bar:
        for start in range(0, len(missing), BATCH_SIZE):
            batch = missing[start : start + BATCH_SIZE]
            vectors = get_model().encode_document(
                [passages[i].dense_text for i in batch], convert_to_numpy=True, show_progress_bar=False
            )
            new = {keys[i]: vec for i, vec in zip(batch, normalize(vectors), strict=True)}
            cache.put_many(new.items())
            cached.update(new)
            bar.update(len(batch))
    return normalize(np.stack([cached[key] for key in keys])), len(missing)


def ingest_fingerprint() -> str:
    """Hash of the code that turns documents into passages and translations: changing it must rebuild
    indexes (cheaply, from the embedding cache)."""
    from embeddings import banners, documents, events, lexicon, markdown, passages, posts, sessions, translations

    digest = hashlib.sha256()
    for module in (markdown, posts, sessions, banners, events, passages, documents, translations, lexicon):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _current_build(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        raise IndexUnavailable(f"no index at {index_dir}")
    build = index_dir / pointer.read_text().strip()
    if not build.is_dir():
        raise IndexUnavailable(f"index build {build.name} named in CURRENT is missing")
    return build


def load_index(index_dir: Path, expected_model: str | None = None) -> Index:
    """Load the live index; raise :class:`IndexUnavailable` saying why it cannot be used."""
    import faiss

    build = _current_build(index_dir)
    try:
        manifest = json.loads((build / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexUnavailable(f"index format {manifest.get('format')} is not {FORMAT_VERSION}")
        if expected_model is not None and manifest.get("model") != expected_model:
            raise IndexUnavailable(f"index was built with {manifest.get('model')}, not {expected_model}")
        with (build / "passages.jsonl").open(encoding="utf-8") as fh:
            passages = [Passage.from_dict(json.loads(line)) for line in fh]
        vectors = faiss.read_index(str(build / "vectors.faiss"))
        with np.load(build / "centroids.npz") as data:
            centroids = {lang: data[lang] for lang in data.files}
        events = [Event.from_dict(item) for item in json.loads((build / "events.json").read_text(encoding="utf-8"))]
        translations = json.loads((build / "translations.json").read_text(encoding="utf-8"))
        twins = [set(rows) for rows in translations["twins"]]
        lexicon = Lexicon({word: [tuple(pair) for pair in pairs] for word, pairs in translations["lexicon"].items()})
    except IndexUnavailable:
        raise
    except Exception as exc:  # any unreadable part means the index is corrupt
        raise IndexUnavailable(f"index at {index_dir} is corrupt ({type(exc).__name__}: {exc})") from None
    consistent = vectors.ntotal == len(passages) == len(twins) and vectors.d == manifest.get("dim")
    if not consistent or not passages:
        raise IndexUnavailable(f"index at {index_dir} is corrupt ({vectors.ntotal} vectors, {len(passages)} passages)")
    return Index(passages, vectors, centroids, manifest, events, twins, lexicon)


def _write(
    index_dir: Path, passages: list[Passage], vectors: np.ndarray, manifest: dict[str, Any], events: list[Event]
) -> None:
    """Write a new build beside the old one, then switch ``CURRENT`` to it in one atomic rename."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = index_dir / f".{name}.tmp"
    tmp.mkdir()
    with (tmp / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for passage in passages:
            fh.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
    faiss.write_index(make_faiss_index(vectors), str(tmp / "vectors.faiss"))
    np.savez(tmp / "centroids.npz", **language_centroids(passages, vectors))
    # Which passages translate which, and the word translations mined from them: computed once per build.
    twins = translation_pairs(passages, vectors)
    lexicon = Lexicon.mine(passages, twins)
    (tmp / "translations.json").write_text(
        json.dumps({"twins": [sorted(rows) for rows in twins], "lexicon": lexicon.to_dict()}, ensure_ascii=False),
        encoding="utf-8",
    )
    (tmp / "events.json").write_text(
        json.dumps([event.to_dict() for event in events], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    for path in tmp.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
    tmp.rename(index_dir / name)
    pointer = index_dir / ".CURRENT.tmp"
    pointer.write_text(name)
    os.replace(pointer, index_dir / "CURRENT")
    for old in index_dir.iterdir():
        if old.name not in {name, "CURRENT"} and (old.name.startswith("build-") or old.name.endswith(".tmp")):
            shutil.rmtree(old, ignore_errors=True)


def build_index(
    settings: Settings, model: SentenceTransformer | None = None, progress: bool = True, force: bool = False
) -> BuildReport:
    """(Re)build the index for ``settings.docs_dir`` if its posts or the model changed.

    Without ``model`` the encoder is loaded only if some passage is not in the embedding cache, so
    checking an up-to-date index costs no model import (seconds).
    """
    started = time.perf_counter()
    report = BuildReport()
    hashes = source_hashes(settings.docs_dir)
    name = model_id(settings.model_name)
    try:
        current = load_index(settings.index_dir, expected_model=name)
        fingerprint = ingest_fingerprint()
        stored = current.manifest.get("sources")
        if not force and stored == hashes and current.manifest.get("ingest") == fingerprint:
            report.posts = len(current.manifest.get("post_meta", {}))
            report.sessions = sum(p.kind == "session" for p in current.passages)
            report.events = len(current.events)
            report.passages, report.reused, report.rebuilt = len(current.passages), len(current.passages), False
            report.reason = "up to date"
            report.problems = [Problem(Path(text.split(": ", 1)[0]), text.split(": ", 1)[-1])
                               for text in current.manifest.get("problems", [])]
            report.seconds = time.perf_counter() - started
            return report
        report.reason = "forced" if force else (
            "documents changed" if stored != hashes else "passage splitting changed"
        )
    except IndexUnavailable as exc:
        report.reason = str(exc)
    corpus = load_corpus(settings.docs_dir, settings.base_url)
    report.posts, report.sessions, report.events = len(corpus.posts), len(corpus.sessions), len(corpus.events)
    report.problems = corpus.problems
    if not corpus.posts and not corpus.sessions:
        raise NothingIndexed(f"no document could be indexed under {settings.docs_dir}")
    logger.info("building index at %s: %s", settings.index_dir, report.reason)
    passages = corpus.passages()
    loaded: list[SentenceTransformer] = [model] if model is not None else []

    def encoder() -> SentenceTransformer:
        if not loaded:
            # Nothing else runs while an index is built from the command line: use every core.
            loaded.append(load_model(settings.model_name, threads=os.cpu_count() or 1))
        return loaded[0]

    cache = EmbeddingCache(settings.embedding_cache)
    try:
        vectors, report.embedded = embed_passages(passages, encoder, name, cache, progress)
    finally:
        cache.close()
    manifest = {
        "format": FORMAT_VERSION,
        "model": name,
        "dim": int(vectors.shape[1]) if len(vectors) else embedding_dim(encoder()),
        "docs_dir": str(settings.docs_dir.resolve()),
        "base_url": settings.base_url,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sources": hashes,
        "ingest": ingest_fingerprint(),
        "post_meta": {post.id: {"title": post.title, "date": post.date, "url": post.url,
                                 "description": post.description, "lang": post.lang} for post in corpus.posts},
        "problems": [str(problem) for problem in corpus.problems],
    }
    _write(settings.index_dir, passages, vectors, manifest, corpus.events)
    report.passages = len(passages)
    report.reused = len(passages) - report.embedded
    report.seconds = time.perf_counter() - started
    return report


def ensure_index(settings: Settings, model: SentenceTransformer | None = None, progress: bool = False) -> Index:
    """Load the index, building or rebuilding it first when it is missing, corrupt, stale or for another model.

    Without ``model`` the encoder is loaded only if something must be embedded."""
    report = build_index(settings, model, progress=progress)
    if report.rebuilt:
        logger.info("index rebuilt (%s): %d passages, %d embedded", report.reason, report.passages, report.embedded)
    return load_index(settings.index_dir, expected_model=model_id(settings.model_name))
