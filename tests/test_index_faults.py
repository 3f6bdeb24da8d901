"""Index and data faults (issue 11): each one injected, in-process or in subprocesses, and survived.

Concurrent builds, a damaged ``CURRENT``, damaged build files, a damaged embedding cache, broken and
oversized documents, an unwritable ``CACHE_DIR``, a changed ``SITE_BASE_URL``, and the work a
start-up does when the index is current. Every index here is built from a few posts of docs/ whose
vectors the session's embedding cache already holds after the first build, so most builds embed
nothing.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sentence_transformers import SentenceTransformer
from support import CORPUS, DOCS, ROOT, cli_env, make_docs, run_cli, settings_for

import embeddings.index as index_module
from embeddings.config import DEFAULT_MAX_DOCUMENT_BYTES, Settings
from embeddings.embedding_cache import EmbeddingCache, is_corruption
from embeddings.index import (
    IndexUnavailable,
    NotWritable,
    build_index,
    ensure_index,
    load_index,
)

SMALL = {
    "en/2023/istio-at-kubecon-eu.md": DOCS / "en/2023/istio-at-kubecon-eu.md",
    "es/2023/istio-at-kubecon-eu.md": DOCS / "es/2023/istio-at-kubecon-eu.md",
}
AN_HOUR_AGO = time.time() - 3600


def _small_docs(root: Path, extra: dict[str, Path | str | bytes] | None = None) -> Path:
    """A few real posts (and ``extra`` files), their mtimes an hour old so their stats can be trusted."""
    docs = make_docs(root, {**SMALL, **(extra or {})})
    for path in docs.rglob("*.md"):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return docs


@pytest.fixture(scope="module")
def small_docs(tmp_path_factory: pytest.TempPathFactory, model: SentenceTransformer) -> Path:
    """The small docs tree, built once so the session's embedding cache holds all its passages."""
    docs = _small_docs(tmp_path_factory.mktemp("small") / "docs")
    report = build_index(settings_for(docs, tmp_path_factory.mktemp("small-index") / "index"), model, progress=False)
    assert report.rebuilt and report.passages > 10
    return docs


@pytest.fixture
def small(small_docs: Path, tmp_path: Path, model: SentenceTransformer) -> Settings:
    """Settings for a fresh, current index of the small docs tree in this test's tmp dir."""
    settings = settings_for(small_docs, tmp_path / "index")
    assert build_index(settings, model, progress=False).embedded == 0
    return settings


def _live_build(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def _builds(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.iterdir() if p.name.startswith("build-"))


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.exc_info], "expected faults log one line, not a traceback"


# 1. Concurrent builds of one index directory.


def test_concurrent_forced_builds_all_succeed_and_the_index_always_loads(small: Settings) -> None:
    """Four ``index --force`` processes at once, three rounds, while this process keeps loading the
    index: every run exits 0, no load ever fails, and the index loads after each round."""
    expected = len(load_index(small.index_dir).passages)
    failures: list[str] = []
    loads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal loads
        while not stop.is_set():
            try:
                assert len(load_index(small.index_dir).passages) == expected
                loads += 1
            except Exception as exc:  # any failure to load a live index is the bug
                failures.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.02)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    try:
        for _ in range(3):
            runs = [
                subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "index", "--force", "--docs", str(small.docs_dir),
                     "--index", str(small.index_dir)],
                    cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                )
                for _ in range(4)
            ]
            for run in runs:
                try:
                    out, err = run.communicate(timeout=300)
                except subprocess.TimeoutExpired:
                    run.kill()
                    raise
                assert run.returncode == 0, err
                assert "Traceback" not in err and "index rebuilt" in out
            assert len(load_index(small.index_dir).passages) == expected
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not failures, failures[:3]
    assert loads > 0
    assert not [p for p in small.index_dir.iterdir() if p.name.endswith(".tmp")]
    # With no reader in the way, a build collects all but the live build and the previous one.
    build_index(small, progress=False, force=True)
    assert len(_builds(small.index_dir)) == 2
    assert _live_build(small.index_dir).name in _builds(small.index_dir)


def test_a_build_keeps_builds_a_reader_is_loading(small: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """While a reader holds the read lock, a finished build swaps ``CURRENT`` but deletes nothing; the
    next build, with no reader, collects what is older than the previous build."""
    monkeypatch.setattr(index_module, "COLLECT_WAIT_S", 0.2)
    build_index(small, progress=False, force=True)
    first = _builds(small.index_dir)
    assert len(first) == 2
    with index_module._reading(small.index_dir):  # a reader in the middle of a load
        # flock is per open file: another open of the lock file in this process conflicts like a process would
        build_index(small, progress=False, force=True)
        held = _builds(small.index_dir)
    assert set(first) < set(held) and len(held) == 3
    build_index(small, progress=False, force=True)
    assert len(_builds(small.index_dir)) == 2
    assert load_index(small.index_dir).passages


# 2. Garbage in CURRENT.


@pytest.mark.parametrize(
    "garbage",
    [b"\xff\xfe\x00\x9c garbage \x00", b"../../../etc", b"build-x/../../../tmp", b"", b"build-\xc3\xa9"],
    ids=["binary", "parent-path", "escaping-path", "empty", "non-ascii"],
)
def test_garbage_in_current_is_unavailable_and_rebuilt(
    garbage: bytes, small: Settings, model: SentenceTransformer, caplog: pytest.LogCaptureFixture
) -> None:
    (small.index_dir / "CURRENT").write_bytes(garbage)
    with pytest.raises(IndexUnavailable, match="CURRENT"):
        load_index(small.index_dir)
    with caplog.at_level(logging.INFO, logger="embeddings.index"):
        index = ensure_index(small, model)
    assert index.passages and load_index(small.index_dir).passages == index.passages
    assert any("rebuilt" in r.getMessage() and "CURRENT" in r.getMessage() for r in caplog.records)


def test_ask_with_garbage_in_current_answers(
    small: Settings, model: SentenceTransformer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The operator's crash: ``ask`` over an index whose ``CURRENT`` holds garbage rebuilds and answers."""
    import embeddings.encoder
    from bot.cli import main

    (small.index_dir / "CURRENT").write_bytes(b"\x00\x01\xfe\xff")
    monkeypatch.setattr(embeddings.encoder, "load_model", lambda *args, **kwargs: model)
    code = main(["ask", "Where was KubeCon Europe 2023?", "--docs", str(small.docs_dir),
                 "--index", str(small.index_dir)])
    assert code == 0 and capsys.readouterr().out.strip()
    assert load_index(small.index_dir).passages


# 3. Damaged build files: checksums in the manifest.


@pytest.mark.parametrize(
    "name", ["vectors.faiss", "passages.jsonl", "centroids.npz", "events.json", "translations.json"]
)
def test_same_size_garbage_in_a_build_file_is_refused_and_rebuilt_from_the_cache(
    name: str, small: Settings, model: SentenceTransformer
) -> None:
    """Bytes flipped in the middle of a file (its size unchanged, so it may still parse) fail its
    sha256 check; the rebuild embeds nothing."""
    path = _live_build(small.index_dir) / name
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 16] = bytes(16 - i for i in range(16))
    path.write_bytes(bytes(data))
    with pytest.raises(IndexUnavailable, match=f"corrupt \\({name} fails its sha256 check"):
        load_index(small.index_dir)
    report = build_index(small, model, progress=False)
    assert report.rebuilt and "sha256" in report.reason and report.embedded == 0
    assert load_index(small.index_dir).vectors.ntotal == report.passages


def test_manifest_records_every_file(small: Settings) -> None:
    build = _live_build(small.index_dir)
    manifest = load_index(small.index_dir).manifest
    assert set(manifest["files"]) == {p.name for p in build.iterdir()} - {"manifest.json"}
    for name, entry in manifest["files"].items():
        assert entry["bytes"] == (build / name).stat().st_size and len(entry["sha256"]) == 64


# 4. A damaged embedding cache.


def _corrupt_header(path: Path) -> None:
    with path.open("r+b") as fh:
        fh.write(b"this is not an sqlite file at all" * 3)


def _corrupt_pages(path: Path) -> None:
    """Garbage over every page after the first (the schema survives, the table's b-tree does not)."""
    size = path.stat().st_size
    page = 4096
    assert size > 2 * page
    with path.open("r+b") as fh:
        fh.seek(page)
        fh.write(bytes((i * 37 + 11) % 251 for i in range(size - page)))


@pytest.mark.parametrize("damage", [_corrupt_header, _corrupt_pages], ids=["header", "pages"])
def test_corrupt_embedding_cache_is_set_aside_and_rebuilt(
    damage: object, small_docs: Path, tmp_path: Path, model: SentenceTransformer, caplog: pytest.LogCaptureFixture
) -> None:
    """``index --force`` over a damaged cache: one warning naming the file, the file moved aside, the
    passages embedded again into a new cache, the index built."""
    settings = Settings(docs_dir=small_docs, cache_dir=tmp_path / "cache", index_dir_override=tmp_path / "index")
    first = build_index(settings, model, progress=False)
    assert first.embedded > 0
    damage(settings.embedding_cache)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, logger="embeddings.index"):
        report = build_index(settings, model, progress=False, force=True)
    assert report.rebuilt and report.embedded == first.embedded
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(settings.embedding_cache) in warnings[0] and "corrupt" in warnings[0]
    _no_tracebacks(caplog)
    assert len(list(settings.cache_dir.glob("embeddings.sqlite.corrupt-*"))) == 1
    assert load_index(settings.index_dir).vectors.ntotal == report.passages
    assert build_index(settings, model, progress=False, force=True).embedded == 0  # the new cache works


def test_cache_damage_found_mid_read_is_recovered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Damage that ``quick_check`` missed but a read hits: the read returns nothing, the file is set aside."""
    import numpy as np

    cache = EmbeddingCache(tmp_path / "embeddings.sqlite")
    cache.put_many([("a", np.ones(4, dtype=np.float32))])
    assert set(cache.get_many(["a"])) == {"a"}

    def malformed(keys: list[str]) -> dict[str, object]:
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(cache, "_get_many", malformed)
    assert cache.get_many(["a"]) == {}
    monkeypatch.undo()
    assert cache.get_many(["a"]) == {}  # a new, empty cache
    cache.put_many([("b", np.zeros(4, dtype=np.float32))])
    assert set(cache.get_many(["a", "b"])) == {"b"}
    cache.close()
    assert len(list(tmp_path.glob("embeddings.sqlite.corrupt-*"))) == 1


def test_a_locked_cache_is_not_mistaken_for_a_corrupt_one() -> None:
    """Only damage sets a cache aside: a busy or unreachable database is an error, the file stays."""
    error = sqlite3.OperationalError("database is locked")
    assert not is_corruption(error)
    assert is_corruption(sqlite3.DatabaseError("file is not a database"))


# 5. One broken document among good ones.


BROKEN = {
    "en/2023/bad-date.md": "---\ntitle: Bad date\ndate: 2023-02-30\n---\n\nA post with an impossible date.\n",
    "en/2024/fine.md": "---\ntitle: Fine\n---\n\nA fine post about Istio Day.\n",
    "banners/en/overflow.md": "---\ntitle: Istio Day\nperiod_start: 2024-01-01\nperiod_duration: 99999999999\n---\nx\n",
}


def test_any_per_document_failure_skips_only_that_document(
    tmp_path: Path, model: SentenceTransformer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An impossible date, a banner whose period overflows the calendar, a malformed link (kept as plain
    text), and a bug tripped by one post while splitting it: each bad document is named once in the log
    and in ``BuildReport.skipped``, and the rest is indexed."""
    import embeddings.documents

    extra: dict[str, Path | str | bytes] = {
        **BROKEN, "en/2023/bad-link.md": "---\ntitle: Bad link\n---\n\nSee [x](http://[bad).\n",
        "en/2023/trips-a-bug.md": "---\ntitle: Trips a bug\n---\n\nSplitting this post fails.\n",
    }
    docs = _small_docs(tmp_path / "docs", extra)
    real_split = embeddings.documents.split_post

    def split(post):  # type: ignore[no-untyped-def]
        if post.slug == "trips-a-bug":
            raise RuntimeError("unexpected input")
        return real_split(post)

    monkeypatch.setattr(embeddings.documents, "split_post", split)
    with caplog.at_level(logging.WARNING):
        report = build_index(settings_for(docs, tmp_path / "index"), model, progress=False)
    assert sorted(path.name for path in report.skipped) == ["bad-date.md", "overflow.md", "trips-a-bug.md"]
    reasons = {problem.path.name: problem.reason for problem in report.problems}
    assert "day is out of range" in reasons["bad-date.md"]
    assert reasons["trips-a-bug.md"] == "RuntimeError: unexpected input"
    for name in reasons:
        assert sum(name in r.getMessage() for r in caplog.records) == 1, name
    _no_tracebacks(caplog)
    index = load_index(tmp_path / "index")
    assert {p.doc_id for p in index.passages if p.kind == "post"} == {
        "en/2023/istio-at-kubecon-eu", "es/2023/istio-at-kubecon-eu", "en/2023/bad-link", "en/2024/fine"
    }
    again = build_index(settings_for(docs, tmp_path / "index"), model, progress=False)
    assert not again.rebuilt and sorted(path.name for path in again.skipped) == sorted(reasons)


# 6. A size limit per document.


def test_real_documents_are_far_below_the_size_limit() -> None:
    """The default limit is chosen well above the largest real document (docs/ and the shared corpus)."""
    sizes = [p.stat().st_size for p in DOCS.rglob("*.md")]
    if CORPUS.is_dir():
        sizes += [p.stat().st_size for p in CORPUS.rglob("*.md")]
    assert 0 < max(sizes) * 20 < DEFAULT_MAX_DOCUMENT_BYTES


def test_an_oversized_document_is_skipped_by_name(
    tmp_path: Path, model: SentenceTransformer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 1.2 MB post (default limit 1 MB) is skipped before it is read, with one log line; the limit
    comes from ``MAX_DOCUMENT_BYTES``, and changing it is a settings change that rebuilds."""
    paragraph = "Istio Day was a day of talks about ambient mesh, given by many speakers. " * 20 + "\n\n"
    huge = "---\ntitle: Huge\n---\n\n" + paragraph * (1_200_000 // len(paragraph))
    docs = _small_docs(tmp_path / "docs", {"en/2024/huge.md": huge})
    settings = settings_for(docs, tmp_path / "index")
    with caplog.at_level(logging.WARNING):
        report = build_index(settings, model, progress=False)
    assert [path.name for path in report.skipped] == ["huge.md"]
    assert "over the MAX_DOCUMENT_BYTES limit of 1,000,000" in report.problems[0].reason
    assert [r.getMessage() for r in caplog.records if "huge.md" in r.getMessage()] == [
        f"skipped post {report.problems[0]}"
    ]
    assert report.embedded == 0 and "en/2024/huge" not in {p.doc_id for p in load_index(settings.index_dir).passages}

    larger, smaller = sorted(SMALL, key=lambda rel: (docs / rel).stat().st_size, reverse=True)
    limit = (docs / larger).stat().st_size - 1
    monkeypatch.setenv("MAX_DOCUMENT_BYTES", str(limit))
    lowered = Settings.from_env(docs_dir=docs, index_dir=tmp_path / "index")
    assert lowered.max_document_bytes == limit
    again = build_index(lowered, model, progress=False)
    assert again.rebuilt and again.reason == "MAX_DOCUMENT_BYTES changed"
    assert sorted(path.relative_to(docs).as_posix() for path in again.skipped) == sorted(["en/2024/huge.md", larger])
    post_ids = {p.doc_id for p in load_index(settings.index_dir).passages if p.kind == "post"}
    assert post_ids == {smaller.removesuffix(".md")}
    monkeypatch.setenv("MAX_DOCUMENT_BYTES", "lots")
    assert Settings.from_env(docs_dir=docs).max_document_bytes == DEFAULT_MAX_DOCUMENT_BYTES


# 7. An unwritable CACHE_DIR.


def _unprivileged() -> list[str] | None:
    """A command prefix that runs as an unprivileged user (root ignores directory permissions)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


@pytest.fixture
def world_readable_tmp() -> Iterator[Path]:
    """A tmp dir another user can enter (pytest's are private to their owner)."""
    path = Path(tempfile.mkdtemp(prefix="ieb-faults-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        for sub in path.rglob("*"):
            if sub.is_dir():
                sub.chmod(0o755)
        shutil.rmtree(path)


def test_cache_dir_under_a_regular_file_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    env_cache = tmp_path / "file" / "cache"
    result = _index_with_cache(env_cache, [])
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: CACHE_DIR {env_cache} is not writable: Not a directory")


def _readable_source(root: Path, prefix: list[str]) -> Path:
    """The project's packages copied where the unprivileged user can read them, as its PYTHONPATH.

    A clone may lie under a folder only its owner may enter (``mktemp -d`` is mode 700), where ``nobody``
    cannot import the tree itself. Skips, saying why, when that user cannot run this Python at all.
    """
    source = root / "src"
    for package in ("bot", "embeddings"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [root, source, *source.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", "import bot.cli, embeddings.index"],
        cwd=root, env={**cli_env(), "PYTHONPATH": str(source), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True, text=True, timeout=120,
    )
    if probe.returncode != 0 and ("Permission denied" in probe.stderr or "PermissionError" in probe.stderr):
        pytest.skip(f"the unprivileged user cannot run {sys.executable} or read its packages "
                    f"(a folder above them is private): {probe.stderr.strip().splitlines()[-1]}")
    assert probe.returncode == 0, probe.stderr
    return source


def test_read_only_empty_cache_dir_is_one_clear_line(world_readable_tmp: Path) -> None:
    """An empty CACHE_DIR the user may not write (run as ``nobody`` when the tests run as root)."""
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("running as root without setpriv: no honest way to make a directory unwritable")
    source = _readable_source(world_readable_tmp, prefix) if prefix else None
    docs = make_docs(world_readable_tmp / "docs", SMALL)
    for path in [docs, *docs.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    cache = world_readable_tmp / "cache"
    cache.mkdir(mode=0o555)
    cache.chmod(0o555)
    result = _index_with_cache(cache, prefix, docs, source)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: CACHE_DIR {cache} is not writable: Permission denied")
    assert list(cache.iterdir()) == []


def _index_with_cache(
    cache: Path, prefix: list[str], docs: Path | None = None, source: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``index`` with ``CACHE_DIR=cache``, importing the project from ``source`` (a readable copy) if given."""
    env = {**cli_env(), "CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(cache.parent)}
    env.pop("INDEX_DIR", None)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot.cli", "index", "--docs", str(docs or DOCS)],
        cwd=cache.parent if source is not None else ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


def test_ask_with_an_unwritable_cache_dir_is_one_clear_line(
    tmp_path: Path, model: SentenceTransformer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import embeddings.encoder
    from bot.cli import main

    (tmp_path / "file").write_text("not a directory")
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "file" / "cache"))
    monkeypatch.setattr(embeddings.encoder, "load_model", lambda *args, **kwargs: model)
    assert main(["ask", "When is the next IstioCon?", "--docs", str(DOCS)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: CACHE_DIR {tmp_path / 'file' / 'cache'} is not writable: Not a directory")
    with pytest.raises(NotWritable):
        build_index(Settings.from_env(docs_dir=DOCS), model, progress=False)


# 8. SITE_BASE_URL decides what is stored.


def test_changing_site_base_url_rebuilds_the_stored_urls(small: Settings, model: SentenceTransformer) -> None:
    moved = dataclasses.replace(small, base_url="https://preview.istio.io/v1.99")
    report = build_index(moved, model, progress=False)
    assert report.rebuilt and report.reason == "SITE_BASE_URL changed" and report.embedded == 0
    index = load_index(moved.index_dir)
    urls = {meta["url"] for meta in index.manifest["post_meta"].values()}
    assert urls and all(url.startswith("https://preview.istio.io/v1.99/") for url in urls)
    assert not build_index(moved, model, progress=False).rebuilt
    assert build_index(small, model, progress=False).reason == "SITE_BASE_URL changed"


# 9. Start-up: one load, and no reading of sources when their stats are unchanged.


class _Counts:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {}
        for name in ("load_index", "source_hashes", "load_corpus"):
            self._count(monkeypatch, name)

    def _count(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        real = getattr(index_module, name)

        def counted(*args: object, **kwargs: object) -> object:
            self.calls[name] = self.calls.get(name, 0) + 1
            return real(*args, **kwargs)

        monkeypatch.setattr(index_module, name, counted)


def test_ensure_index_on_a_current_index_loads_once_and_reads_no_source(
    small: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    counts = _Counts(monkeypatch)
    index = ensure_index(small)
    assert index.passages and counts.calls == {"load_index": 1}


def test_touched_sources_are_hashed_once_then_trusted_by_stat(small: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sources copied or touched (same bytes, new mtimes) are hashed, found unchanged, and their new
    stats recorded, so the next start-up hashes nothing; nothing is parsed either way."""
    then = AN_HOUR_AGO + 60
    for path in small.docs_dir.rglob("*.md"):
        os.utime(path, (then, then))
    try:
        counts = _Counts(monkeypatch)
        assert not build_index(small, progress=False).rebuilt
        assert counts.calls == {"load_index": 1, "source_hashes": 1}
        counts.calls.clear()
        ensure_index(small)
        assert counts.calls == {"load_index": 1}
    finally:
        for path in small.docs_dir.rglob("*.md"):
            os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))


def test_an_edit_that_keeps_size_and_mtime_young_is_still_seen(
    small_docs: Path, tmp_path: Path, model: SentenceTransformer
) -> None:
    """Stats recorded for files modified moments before a build are not trusted: the next check hashes."""
    docs = make_docs(tmp_path / "young", SMALL)  # mtimes: now
    settings = settings_for(docs, tmp_path / "young-index")
    build_index(settings, model, progress=False)
    assert load_index(settings.index_dir).manifest["stat"] is None
    post = docs / "en/2023/istio-at-kubecon-eu.md"
    stat = post.stat()
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("Istio", "Istyo", 1), encoding="utf-8")
    os.utime(post, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    assert build_index(settings, model, progress=False).reason == "documents changed"


def test_a_rebuild_at_start_up_is_not_read_back(small: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    (small.index_dir / "CURRENT").write_text("build-gone")
    counts = _Counts(monkeypatch)
    index = ensure_index(small)
    assert counts.calls == {"load_index": 1, "source_hashes": 1, "load_corpus": 1}
    assert load_index(small.index_dir).passages == index.passages


def test_cli_index_is_unchanged_for_a_current_index(small: Settings) -> None:
    result = run_cli("index", "--docs", small.docs_dir, "--index", small.index_dir, timeout=300)
    assert result.returncode == 0 and "index up to date" in result.stdout and "Traceback" not in result.stderr
