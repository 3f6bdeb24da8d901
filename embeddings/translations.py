"""Which passages are translations of one another.

The language versions of a post share a translation group ``(year, slug)`` but not their paragraph
boundaries, so passages are paired inside a group when they are each other's nearest neighbour
(cross-lingual embeddings put a paragraph and its translation closest), when one is the other's
nearest neighbour at the same place in the post (translations keep the paragraph order), or when
they cite the same recordings. Pairs are kept as they are, not chained: one Chinese paragraph may
pair with three English passages that are not translations of each other.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from embeddings.passages import Passage

ALIGNMENT = 0.1
"""How far apart (as a share of the post) a paragraph and its translation may sit."""


def _shared_links(a: Passage, b: Passage) -> float:
    left = {link.url for link in a.links if link.kind != "link"}
    right = {link.url for link in b.links if link.kind != "link"}
    # Overlap coefficient: one long paragraph may be two passages in another language.
    return len(left & right) / min(len(left), len(right)) if left and right else 0.0


def translation_pairs(passages: list[Passage], vectors: np.ndarray) -> list[set[int]]:
    """For each passage, the rows of the passages that translate (part of) it."""
    twins: list[set[int]] = [set() for _ in passages]
    groups: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, passage in enumerate(passages):
        groups[passage.group][passage.lang].append(i)
    for by_lang in groups.values():
        members = [i for rows in by_lang.values() for i in rows]
        if passages[members[0]].kind != "post":
            # Sessions and event cards: the versions of one document are one passage each, all twins.
            for i in members:
                twins[i].update(j for j in members if j != i)
            continue
        langs = sorted(by_lang)
        for x, lang_a in enumerate(langs):
            for lang_b in langs[x + 1 :]:
                a, b = by_lang[lang_a], by_lang[lang_b]
                sims = vectors[a] @ vectors[b].T
                best_b, best_a = sims.argmax(axis=1), sims.argmax(axis=0)
                candidates = {(i, int(j)) for i, j in enumerate(best_b)} | {(int(i), j) for j, i in enumerate(best_a)}
                candidates |= {(i, j) for i in range(len(a)) for j in range(len(b))
                               if _shared_links(passages[a[i]], passages[b[j]]) >= 0.5}
                for i, j in candidates:
                    mutual = best_b[i] == j and best_a[j] == i
                    aligned = abs(i / len(a) - j / len(b)) <= ALIGNMENT
                    if mutual or aligned or _shared_links(passages[a[i]], passages[b[j]]) >= 0.5:
                        twins[a[i]].add(b[j])
                        twins[b[j]].add(a[i])
    return twins
