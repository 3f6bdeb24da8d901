"""Which passages are translations of one another.

The language versions of a post share a translation group ``(year, slug)`` but not their paragraph
boundaries, so passages are paired inside a group when they are each other's nearest neighbour
(cross-lingual embeddings put a paragraph and its translation closest), or when they cite the same
recordings. Pairs are joined into clusters: one cluster is one paragraph in every language it has.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from embeddings.passages import Passage


def _shared_links(a: Passage, b: Passage) -> float:
    left = {link.url for link in a.links if link.kind != "link"}
    right = {link.url for link in b.links if link.kind != "link"}
    # Overlap coefficient: one long paragraph may be two passages in another language.
    return len(left & right) / min(len(left), len(right)) if left and right else 0.0


def translation_clusters(passages: list[Passage], vectors: np.ndarray) -> list[int]:
    """A cluster number per passage; translations of one paragraph share it."""
    parent = list(range(len(passages)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    groups: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, passage in enumerate(passages):
        groups[passage.group][passage.lang].append(i)
    for by_lang in groups.values():
        langs = sorted(by_lang)
        for x, lang_a in enumerate(langs):
            for lang_b in langs[x + 1 :]:
                a, b = by_lang[lang_a], by_lang[lang_b]
                sims = vectors[a] @ vectors[b].T
                best_b, best_a = sims.argmax(axis=1), sims.argmax(axis=0)
                for i, j in enumerate(best_b):
                    if best_a[j] == i or _shared_links(passages[a[i]], passages[b[j]]) >= 0.5:
                        parent[find(a[i])] = find(b[j])
                for j, i in enumerate(best_a):
                    if _shared_links(passages[a[i]], passages[b[j]]) >= 0.5:
                        parent[find(a[i])] = find(b[j])
    return [find(i) for i in range(len(passages))]
