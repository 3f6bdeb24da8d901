"""Synthetic corpora for the scale figures, shaped so that no index is flattered by them.

Vectors cluster by topic as embeddings do, but with a cluster count unrelated to the IVF index's
``nlist`` (which is ~sqrt(n)) and clusters of uneven size and spread: when the two match, every IVF list
holds one clean topic and recall looks better than on real data. BM25 documents draw words from a Zipf
law, as text does (a few very common words, a long tail of rare ones).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from embeddings.passages import Passage

DIM = 384
"""The bundled model's dimension (multilingual-e5-small)."""
PASSAGES_PER_TOPIC = 150
"""Mean cluster size: n/150 clusters (6,667 at 1M) against nlist = sqrt(n) (1,000 at 1M)."""
WORDS_PER_PASSAGE = 49
"""Mean BM25 tokens per real passage (docs/, after stopwords)."""


def synthetic_vectors(n: int, dim: int = DIM, seed: int = 0, clusters: int | None = None) -> np.ndarray:
    """``n`` unit vectors around random topic centres: Zipf-sized topics, each with its own spread."""
    import numpy as np

    rng = np.random.default_rng(seed)
    clusters = clusters or max(10, n // PASSAGES_PER_TOPIC)
    centres = rng.standard_normal((clusters, dim), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    weights = 1.0 / np.arange(1, clusters + 1) ** 0.8
    weights /= weights.sum()
    spread = rng.uniform(0.6, 1.4, clusters).astype(np.float32) / math.sqrt(dim)
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        topic = rng.choice(clusters, size=m, p=weights)
        noise = rng.standard_normal((m, dim), dtype=np.float32) * spread[topic, None]
        out[start : start + m] = centres[topic] + noise
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def synthetic_queries(corpus: np.ndarray, count: int, seed: int = 1) -> np.ndarray:
    """Queries near (not on) corpus vectors, like a question near the paragraph that answers it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    picked = corpus[rng.integers(0, len(corpus), count)]
    queries = picked + rng.standard_normal(picked.shape, dtype=np.float32) * (0.5 / math.sqrt(corpus.shape[1]))
    return (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)


def replicated_vectors(real: np.ndarray, n: int, noise: float = 0.5, seed: int = 0) -> np.ndarray:
    """``n`` real passage vectors, repeated and each copy moved by noise (``noise`` / sqrt(dim) per axis)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    step = 100_000
    for start in range(0, n, step):
        m = min(step, n - start)
        rows = np.arange(start, start + m) % len(real)
        out[start : start + m] = real[rows] + rng.standard_normal((m, real.shape[1]), dtype=np.float32) * (
            noise / math.sqrt(real.shape[1]))
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def replicated_passages(real: list[Passage], n: int) -> list[Passage]:
    """``n`` passages: the real ones again and again, each copy its own document (ids and slug suffixed),
    so translation groups stay as small as the real ones."""
    out: list[Passage] = []
    for i in range(n):
        copy, passage = divmod(i, len(real))
        base = real[passage]
        out.append(base if copy == 0 else replace(base, id=f"{base.id}~{copy}", doc_id=f"{base.doc_id}~{copy}",
                                                  slug=f"{base.slug}~{copy}"))
    return out


def zipf_documents(n: int, vocabulary: int, seed: int = 0, length: int = WORDS_PER_PASSAGE) -> list[list[int]]:
    """``n`` documents of about ``length`` word ids each, drawn from a Zipf law over ``vocabulary`` words."""
    import numpy as np

    rng = np.random.default_rng(seed)
    ranks = np.arange(1, vocabulary + 1, dtype=np.float64)
    p = 1.0 / ranks**1.07
    p /= p.sum()
    lengths = np.maximum(1, rng.poisson(length, n))
    words = rng.choice(vocabulary, size=int(lengths.sum()), p=p)
    bounds = np.concatenate([[0], np.cumsum(lengths)])
    return [words[bounds[i] : bounds[i + 1]].tolist() for i in range(n)]
