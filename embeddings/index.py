"""The passage index: FAISS vectors with the passage metadata beside them, in one directory.

Layout of an index directory::

    CURRENT              name of the live build (replaced atomically)
    build-<stamp>/       manifest.json (with a sha256 and size per file), passages.jsonl, vectors.faiss, …
    .build.lock          held (flock, exclusive) by the one process building and swapping
    .read.lock           held shared by readers while they load; old builds are deleted only under an
                         exclusive hold of it, i.e. when no one is loading them

A new build is written to its own directory and only then named in ``CURRENT``, so a crash mid-write
leaves the previous index loadable; the previous build is kept beside the live one. Concurrent builds
of one directory take turns. Loading checks every file against the manifest's checksums, so a damaged
build is refused (and rebuilt by :func:`ensure_index`), never served. Passage embeddings are cached
(:mod:`embeddings.embedding_cache`, keyed by model and text hash), so re-indexing after editing one
post only embeds that post's changed passages, and rebuilding a damaged index embeds nothing.

Whether an index is current is decided by the manifest: a stat fingerprint (paths, sizes, mtimes,
settings, code) answers without reading a source file; when it differs the sources are hashed.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embeddings.bilingual_lexicon import Lexicon
from embeddings.config import Settings
from embeddings.docs_journal import finish_interrupted
from embeddings.documents import load_corpus, source_hashes, source_stats
from embeddings.embedding_cache import EmbeddingCache
from embeddings.encoder import PassageEncoder, embedding_dim, load_passage_encoder, model_id
from embeddings.events import Event
from embeddings.passages import Passage
from embeddings.posts import Problem
from embeddings.translations import translation_pairs

if TYPE_CHECKING:
    import faiss
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

FORMAT_VERSION = 5
"""4: the manifest records a sha256 and size per file, the settings and a stat fingerprint; 5: the mined
lexicon is keyed by (language, word)."""
EXACT_INDEX_MAX = 200_000
"""Up to this many passages the index is exact (flat inner product, a full scan: ~20 ms at 200k on one
core); above it, IVF (approximate, ~1 ms at 1M; see BENCHMARKS.md)."""
IVF_RECALL = 0.95
"""recall@10 against exact search that the IVF index is tuned to reach when it is built."""
BATCH_SIZE = 64
BUILD_LOCK = ".build.lock"
READ_LOCK = ".read.lock"
COLLECT_WAIT_S = 2.0
"""How long a finished build waits for readers to let go before it leaves old builds for the next one."""
RACY_NS = 2_000_000_000
"""A source modified this recently is not trusted to its stat (its mtime could repeat after an edit)."""
_BUILD_NAME = re.compile(r"^build-[A-Za-z0-9._-]+$")


class IndexUnavailable(Exception):
    """The index cannot be used as it is (missing, corrupt, other model, outdated); the message says why."""


class NothingIndexed(Exception):
    """No post in the docs directory could be read."""


class NotWritable(Exception):
    """A build is needed but the index directory or the embedding cache cannot be written; says which."""


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
    """Every document left out (unreadable, unparsable, over ``MAX_DOCUMENT_BYTES``) and why."""

    @property
    def skipped(self) -> list[Path]:
        """The files of the documents left out of the index."""
        return [problem.path for problem in self.problems]


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


def embed_passages(
    passages: list[Passage],
    get_model: Callable[[], PassageEncoder | SentenceTransformer],
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


@functools.cache
def ingest_fingerprint() -> str:
    """Hash of the code that turns documents into passages and translations: changing it must rebuild
    indexes (cheaply, from the embedding cache). Computed once per process."""
    from embeddings import (
        banners,
        bilingual_lexicon,
        documents,
        event_words,
        events,
        markdown,
        passages,
        posts,
        program_pages,
        sessions,
        speakers,
        text_patterns,
        translations,
    )

    digest = hashlib.sha256()
    for module in (markdown, text_patterns, posts, sessions, speakers, banners, program_pages, event_words, events,
                   passages, documents, translations, bilingual_lexicon):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _settings_key(settings: Settings) -> dict[str, Any]:
    """The settings that change what is stored: URLs are resolved against ``SITE_BASE_URL`` at build time
    and ``MAX_DOCUMENT_BYTES`` decides which documents are in."""
    return {"base_url": settings.base_url, "max_document_bytes": settings.max_document_bytes}


def stat_fingerprint(settings: Settings, stats: list[tuple[str, int, int]]) -> str:
    """One hash of the sources' stats, the settings, the model and the code: equal means current."""
    key = [FORMAT_VERSION, model_id(settings.model_name), ingest_fingerprint(), _settings_key(settings), stats]
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _trusted_stats(stats: list[tuple[str, int, int]]) -> bool:
    """Stats can stand for contents only when no file was modified just before they were taken."""
    now = time.time_ns()
    return all(mtime < now - RACY_NS for _, _, mtime in stats)


@contextlib.contextmanager
def _flock(path: Path, flags: int, mode: int) -> Iterator[int]:
    fd = os.open(path, flags, 0o644)
    try:
        fcntl.flock(fd, mode)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


@contextlib.contextmanager
def _reading(index_dir: Path) -> Iterator[None]:
    """Shared hold of the read lock while loading, so no build is deleted under a reader. An index
    directory that is read-only and has no lock file (a shipped artefact) is read without one."""
    try:
        fd: int | None = os.open(index_dir / READ_LOCK, os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        fd = None
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        if fd is not None:
            os.close(fd)


def _not_writable(settings: Settings, path: Path, exc: OSError) -> NotWritable:
    reason = exc.strerror or str(exc)
    cache = settings.cache_dir
    if path == cache or cache in path.parents:
        return NotWritable(f"CACHE_DIR {cache} is not writable: {reason} ({path})")
    return NotWritable(f"INDEX_DIR {settings.index_dir} is not writable: {reason} ({path})")


def _check_writable(settings: Settings) -> None:
    """Fail with one clear line, before any work, when a build could not be stored."""
    for folder in (settings.index_dir, settings.embedding_cache.parent):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as exc:
            raise _not_writable(settings, folder, exc) from None


def _pointer(index_dir: Path) -> bytes | None:
    try:
        return (index_dir / "CURRENT").read_bytes()
    except OSError:
        return None


def current_build_name(index_dir: Path) -> str | None:
    """The name of the live build (what ``CURRENT`` says), or None: a cheap read, for a server that swaps to a
    new build when this changes (``bot.slack.reload``)."""
    pointer = _pointer(index_dir)
    return pointer.decode("ascii", "replace").strip() if pointer else None


def current_manifest(index_dir: Path) -> dict[str, Any] | None:
    """The live build's manifest (its ``built_at``, model, counts), or None: read without loading the build."""
    try:
        manifest = json.loads((_current_build(index_dir) / "manifest.json").read_text())
    except (IndexUnavailable, OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def current_events(index_dir: Path) -> list[Event]:
    """The live build's event catalogue (``events.json``), read without loading the build; empty when there is
    none (what a scheduled sync compares before and after, to announce what is new)."""
    try:
        data = json.loads((_current_build(index_dir) / "events.json").read_text(encoding="utf-8"))
        return [Event.from_dict(item) for item in data]
    except (IndexUnavailable, OSError, ValueError, KeyError, TypeError):
        return []


def has_build(index_dir: Path) -> bool:
    """Whether an index was ever built here (``CURRENT`` exists): a cheap check, reading no build, so a
    server can say at once that its first load will have to build (no release step ran)."""
    return (index_dir / "CURRENT").is_file()


def _current_build(index_dir: Path) -> Path:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        raise IndexUnavailable(f"no index at {index_dir}")
    try:
        name = pointer.read_bytes().decode("ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise IndexUnavailable(f"index at {index_dir} is corrupt (CURRENT unreadable: {exc})") from None
    if not _BUILD_NAME.match(name):
        raise IndexUnavailable(f"index at {index_dir} is corrupt (CURRENT names no build: {name[:40]!r})")
    build = index_dir / name
    if not build.is_dir():
        raise IndexUnavailable(f"index build {build.name} named in CURRENT is missing")
    return build


def _file_sums(build: Path) -> dict[str, dict[str, Any]]:
    """sha256 and size of every file of a build but the manifest (which holds them)."""
    sums = {}
    for path in sorted(build.iterdir()):
        if path.name != "manifest.json" and path.is_file():
            with path.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            sums[path.name] = {"sha256": digest, "bytes": path.stat().st_size}
    return sums


def _verify(build: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest lists has its recorded size and sha256; raise :class:`IndexUnavailable` if not."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        raise IndexUnavailable(f"index at {build.parent} is corrupt (manifest lists no checksums)")
    for name, expected in files.items():
        path = build / name
        try:
            size = path.stat().st_size
            if size != expected["bytes"]:
                raise IndexUnavailable(
                    f"index at {build.parent} is corrupt ({name} is {size} bytes, expected {expected['bytes']})"
                )
            with path.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
        except OSError as exc:
            raise IndexUnavailable(f"index at {build.parent} is corrupt ({name}: {exc.strerror or exc})") from None
        if digest != expected["sha256"]:
            raise IndexUnavailable(f"index at {build.parent} is corrupt ({name} fails its sha256 check)")


def _lexicon_and_twins(translations: dict[str, Any]) -> tuple[list[set[int]], Lexicon]:
    twins = [set(rows) for rows in translations["twins"]]
    lexicon = Lexicon({lang: {word: [(str(other), float(dice)) for other, dice in pairs]
                              for word, pairs in words.items()}
                       for lang, words in translations["lexicon"].items()})
    return twins, lexicon


def load_index(index_dir: Path, expected_model: str | None = None) -> Index:
    """Load the live index, its files checked against the manifest's checksums; raise
    :class:`IndexUnavailable` saying why it cannot be used (missing, corrupt, other model, outdated)."""
    import faiss

    with _reading(index_dir):
        build = _current_build(index_dir)
        try:
            manifest = json.loads((build / "manifest.json").read_text())
            if not isinstance(manifest, dict):
                raise ValueError("manifest is not a JSON object")
            if manifest.get("format") != FORMAT_VERSION:
                raise IndexUnavailable(f"index format {manifest.get('format')} is not {FORMAT_VERSION}")
            if expected_model is not None and manifest.get("model") != expected_model:
                raise IndexUnavailable(f"index was built with {manifest.get('model')}, not {expected_model}")
            _verify(build, manifest)
            with (build / "passages.jsonl").open(encoding="utf-8") as fh:
                passages = [Passage.from_dict(json.loads(line)) for line in fh]
            vectors = faiss.read_index(str(build / "vectors.faiss"))
            with np.load(build / "centroids.npz") as data:
                centroids = {lang: data[lang] for lang in data.files}
            events = [Event.from_dict(item) for item in json.loads((build / "events.json").read_text(encoding="utf-8"))]
            twins, lexicon = _lexicon_and_twins(json.loads((build / "translations.json").read_text(encoding="utf-8")))
        except IndexUnavailable:
            raise
        except Exception as exc:  # any unreadable part means the index is corrupt
            raise IndexUnavailable(f"index at {index_dir} is corrupt ({type(exc).__name__}: {exc})") from None
    consistent = vectors.ntotal == len(passages) == len(twins) and vectors.d == manifest.get("dim")
    if not consistent or not passages:
        raise IndexUnavailable(f"index at {index_dir} is corrupt ({vectors.ntotal} vectors, {len(passages)} passages)")
    return Index(passages, vectors, centroids, manifest, events, twins, lexicon)


def _collect(index_dir: Path, keep: set[str]) -> None:
    """Delete builds other than ``keep``, but only while no reader holds the read lock (a reader that
    starts later reads the new ``CURRENT``); if readers stay, the next build collects them."""
    deadline = time.monotonic() + COLLECT_WAIT_S
    fd = os.open(index_dir / READ_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    logger.info("index %s is being read; old builds are left for the next build", index_dir)
                    return
                time.sleep(0.05)
        for old in index_dir.iterdir():
            if old.name.startswith("build-") and old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
    finally:
        os.close(fd)


def _write(
    index_dir: Path, passages: list[Passage], vectors: np.ndarray, manifest: dict[str, Any], events: list[Event]
) -> Index:
    """Write a new build beside the old one, switch ``CURRENT`` to it in one atomic rename, collect builds
    older than the previous one; return the new index as loaded. The caller holds the build lock."""
    import faiss

    index_dir.mkdir(parents=True, exist_ok=True)
    for stale in index_dir.glob(".*.tmp"):  # left by a writer that crashed (writers take turns)
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
    token = uuid.uuid4().hex[:12]
    name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{token}"
    tmp = index_dir / f".{name}.tmp"
    tmp.mkdir()
    with (tmp / "passages.jsonl").open("w", encoding="utf-8") as fh:
        for passage in passages:
            fh.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
    faiss_index = make_faiss_index(vectors)
    faiss.write_index(faiss_index, str(tmp / "vectors.faiss"))
    centroids = language_centroids(passages, vectors)
    np.savez(tmp / "centroids.npz", **centroids)  # type: ignore[arg-type]  # numpy's stub types **kwds too narrowly
    # Which passages translate which, and the word translations mined from them: computed once per build.
    twins = translation_pairs(passages, vectors)
    translations = json.dumps(
        {"twins": [sorted(rows) for rows in twins], "lexicon": Lexicon.mine(passages, twins).to_dict()},
        ensure_ascii=False,
    )
    (tmp / "translations.json").write_text(translations, encoding="utf-8")
    (tmp / "events.json").write_text(
        json.dumps([event.to_dict() for event in events], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    manifest = {**manifest, "files": _file_sums(tmp)}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    for path in tmp.iterdir():
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
    tmp.rename(index_dir / name)
    previous = _pointer(index_dir)
    pointer = index_dir / f".CURRENT.{os.getpid()}.{token}.tmp"
    pointer.write_text(name)
    os.replace(pointer, index_dir / "CURRENT")
    keep = {name}
    if previous is not None:
        keep.add(previous.decode("ascii", "replace").strip())
    _collect(index_dir, keep)
    twin_sets, lexicon = _lexicon_and_twins(json.loads(translations))
    return Index(passages, faiss_index, centroids, manifest, events, twin_sets, lexicon)


def _staleness(settings: Settings, index: Index, stats: list[tuple[str, int, int]]) -> tuple[str | None, str | None]:
    """Why ``index`` is out of date (None when current), and the stat fingerprint to record when it is
    current but was decided by hashing (None when nothing should be recorded)."""
    manifest = index.manifest
    fingerprint = stat_fingerprint(settings, stats)
    if manifest.get("stat") == fingerprint:
        return None, None
    if manifest.get("sources") != source_hashes(settings.docs_dir):
        return "documents changed", None
    if manifest.get("ingest") != ingest_fingerprint():
        return "passage splitting changed", None
    stored = manifest.get("settings") or {}
    changed = [name for name, value in _settings_key(settings).items() if stored.get(name) != value]
    if changed:
        env = {"base_url": "SITE_BASE_URL", "max_document_bytes": "MAX_DOCUMENT_BYTES"}
        return f"{', '.join(env[name] for name in changed)} changed", None
    return None, fingerprint if _trusted_stats(stats) else None


def _record_stat(settings: Settings, index: Index, fingerprint: str) -> None:
    """Best effort: store the stat fingerprint of a current index decided by hashing (sources copied or
    touched), so the next check needs no hashing. Skipped when a build runs or the index is read-only."""
    index_dir = settings.index_dir
    try:
        with _flock(index_dir / BUILD_LOCK, os.O_RDWR | os.O_CREAT, fcntl.LOCK_EX | fcntl.LOCK_NB):
            build = _current_build(index_dir)
            path = build / "manifest.json"
            manifest = json.loads(path.read_text())
            if manifest.get("files") != index.manifest.get("files"):
                return  # another build went live meanwhile
            manifest["stat"] = fingerprint
            tmp = build / f".manifest.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
            tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            os.replace(tmp, path)
            index.manifest["stat"] = fingerprint
    except (OSError, IndexUnavailable, ValueError) as exc:
        logger.debug("stat fingerprint of %s not recorded: %s", index_dir, exc)


def _up_to_date(index: Index, started: float) -> BuildReport:
    manifest = index.manifest
    return BuildReport(
        posts=len(manifest.get("post_meta", {})),
        sessions=sum(p.kind == "session" for p in index.passages),
        events=len(index.events),
        passages=len(index.passages),
        reused=len(index.passages),
        rebuilt=False,
        reason="up to date",
        problems=[Problem(Path(item["path"]), item["reason"]) for item in manifest.get("skipped", [])],
        seconds=time.perf_counter() - started,
    )


def _current(settings: Settings, name: str) -> tuple[Index | None, str]:
    """The live index when it is current, else None and why not."""
    try:
        stats = source_stats(settings.docs_dir)
        index = load_index(settings.index_dir, expected_model=name)
    except IndexUnavailable as exc:
        return None, str(exc)
    reason, fingerprint = _staleness(settings, index, stats)
    if reason is not None:
        return None, reason
    if fingerprint is not None:
        _record_stat(settings, index, fingerprint)
    return index, "up to date"


def build_index(
    settings: Settings,
    model: PassageEncoder | SentenceTransformer | None = None,
    progress: bool = True,
    force: bool = False,
) -> BuildReport:
    """(Re)build the index for ``settings.docs_dir`` if its documents, the settings, the code or the model
    changed (always with ``force``).

    Without ``model`` the encoder is loaded only if some passage is not in the embedding cache, so
    checking an up-to-date index costs no model import (seconds).
    """
    return _update(settings, model, progress, force)[0]


def _update(
    settings: Settings, model: PassageEncoder | SentenceTransformer | None, progress: bool, force: bool
) -> tuple[BuildReport, Index]:
    """The report and the live index, building it first when needed (one load when it is current)."""
    started = time.perf_counter()
    _finish_docs_update(settings.docs_dir)
    name = model_id(settings.model_name)
    index_dir = settings.index_dir
    seen = _pointer(index_dir)
    if force:
        reason = "forced"
    else:
        current, reason = _current(settings, name)
        if current is not None:
            return _up_to_date(current, started), current
    _check_writable(settings)
    try:
        fd = os.open(index_dir / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise _not_writable(settings, index_dir / BUILD_LOCK, exc) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # builds of one directory take turns (build, swap, collect)
        if not force and _pointer(index_dir) != seen:  # another process built it while this one waited
            current, reason = _current(settings, name)
            if current is not None:
                return _up_to_date(current, started), current
        return _build(settings, model, progress, reason, started)
    finally:
        os.close(fd)


def _finish_docs_update(docs: Path) -> None:
    """Finish a ``sync`` that was interrupted while moving its files into docs/ (one ``stat`` when none was),
    so that no index is built from half an update (:mod:`embeddings.docs_journal`)."""
    try:
        finish_interrupted(docs)
    except OSError as exc:  # a read-only docs/ never has a journal of its own; say so and read what is there
        logger.warning("cannot finish the interrupted docs update in %s: %s", docs, exc)


def _build(
    settings: Settings, model: PassageEncoder | SentenceTransformer | None, progress: bool, reason: str, started: float
) -> tuple[BuildReport, Index]:
    """Documents → passages → vectors → a new live build. The caller holds the build lock."""
    report = BuildReport(reason=reason)
    stats = source_stats(settings.docs_dir)
    hashes = source_hashes(settings.docs_dir)
    name = model_id(settings.model_name)
    corpus = load_corpus(settings.docs_dir, settings.base_url, settings.max_document_bytes)
    report.posts, report.sessions, report.events = len(corpus.posts), len(corpus.sessions), len(corpus.events)
    report.problems = corpus.problems
    if not corpus.posts and not corpus.sessions:
        raise NothingIndexed(f"no document could be indexed under {settings.docs_dir}")
    logger.info("building index at %s: %s", settings.index_dir, report.reason)
    passages = corpus.passages()
    loaded: list[PassageEncoder | SentenceTransformer] = [model] if model is not None else []

    def encoder() -> PassageEncoder | SentenceTransformer:
        if not loaded:
            # Nothing else runs while an index is built from the command line: use every core. The bundled
            # model is called directly: importing sentence-transformers would cost more than a few passages.
            loaded.append(load_passage_encoder(settings.model_name, threads=os.cpu_count() or 1))
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
        "settings": _settings_key(settings),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sources": hashes,
        "stat": stat_fingerprint(settings, stats) if _trusted_stats(stats) else None,
        "ingest": ingest_fingerprint(),
        "post_meta": {post.id: {"title": post.title, "date": post.date, "url": post.url,
                                 "description": post.description, "lang": post.lang} for post in corpus.posts},
        "problems": [str(problem) for problem in corpus.problems],
        "skipped": [{"path": str(problem.path), "reason": problem.reason} for problem in corpus.problems],
    }
    index = _write(settings.index_dir, passages, vectors, manifest, corpus.events)
    report.passages = len(passages)
    report.reused = len(passages) - report.embedded
    report.seconds = time.perf_counter() - started
    return report, index


def ensure_index(
    settings: Settings, model: PassageEncoder | SentenceTransformer | None = None, progress: bool = False
) -> Index:
    """Load the index, building or rebuilding it first when it is missing, corrupt, stale or for another model.

    Without ``model`` the encoder is loaded only if something must be embedded. A current index is
    loaded once (and its sources only stat'ed); a new build is returned as built, not read back."""
    report, index = _update(settings, model, progress, force=False)
    if report.rebuilt:
        logger.info("index rebuilt (%s): %d passages, %d embedded", report.reason, report.passages, report.embedded)
    return index
