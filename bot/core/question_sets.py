"""Which question sets tune and which are held out (the Makefile says), and how alike two questions are.

A held-out question that repeats a tuning question measures nothing the tuning did not already see, so
held-out sets are kept apart from tuning ones by *word overlap*, the share of the held-out question's words
a tuning question also has:

    overlap(held_out, tuning) = |words(held_out) ∩ words(tuning)| / |words(held_out)|

where ``words`` is the set of BM25 terms of a question (:func:`embeddings.bm25.tokenize`: folded,
accent-free Latin words, jieba words for Chinese, no stopwords); a question with Chinese is also read with the pairs
of adjacent characters of its Chinese in place of jieba's words (whose cuts differ between two wordings of one
question), and with each Latin word cut to its first :data:`STEM` letters (a stem that needs no language and
forgives most typos: "automatico" and "automatizar", "amsterdm" and "amsterdan"); the highest of the three shares
counts. This is issue 18's measure ("shares 60 %
of its words with a tuning question") and stricter than dividing by the longer question, which let a
short held-out question pass whose words a longer tuning question all has. Dividing by the shorter one instead would
call nearly every question a repeat of some two-word tuning question ("istio day", "kubecon 2024").
1.0 means every word of the held-out question is in the tuning one; 0.6 is three of its five words.
A question with no words overlaps nothing. A held-out question must stay below
:data:`MAX_OVERLAP` with every question of every tuning set (``tests/test_heldout.py``).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from embeddings.bm25 import tokenize
from embeddings.config import PROJECT_ROOT

MAX_OVERLAP = 0.6
"""A held-out question sharing this share of its words, or more, with a tuning question is a near-repeat."""

STEM = 6
"""Letters of a Latin word that :func:`stem_words` keeps."""

MAKEFILE = PROJECT_ROOT / "Makefile"


def make_sets(variable: str, makefile: Path = MAKEFILE) -> list[Path]:
    """The question sets a Makefile variable (``TUNING``, ``HELD_OUT``) lists, relative to the project root."""
    text = makefile.read_text(encoding="utf-8").replace("\\\n", " ")
    match = re.search(rf"^{re.escape(variable)}\s*:?=(.*)$", text, re.MULTILINE)
    if not match:
        raise ValueError(f"{makefile}: no {variable} variable")
    return [(makefile.parent / name).resolve() for name in match.group(1).split()]


def questions_of(path: Path) -> list[tuple[str, str]]:
    """``(id, question)`` of every line of a question set."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(str(row["id"]), str(row["question"])) for row in rows]


_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


@lru_cache(maxsize=16384)
def words(question: str) -> frozenset[str]:
    """The distinct BM25 terms of a question (jieba's words for its Chinese)."""
    return frozenset(tokenize(question))


@lru_cache(maxsize=16384)
def character_words(question: str) -> frozenset[str]:
    """The BM25 terms of a question's Latin text and the pairs of adjacent characters of its Chinese, which do not
    depend on where jieba cuts: it may give one wording a word the other lacks ("Kiali 工作坊", "kiali 的工作坊")."""
    latin = [t for t in words(question) if not _HAN_RUN.search(t)]
    pairs = [run[i:i + 2] for run in _HAN_RUN.findall(question) for i in range(max(1, len(run) - 1))]
    return frozenset(latin + pairs)


@lru_cache(maxsize=16384)
def stem_words(question: str) -> frozenset[str]:
    """:func:`character_words` with each Latin word cut to its first :data:`STEM` letters: two wordings of one
    question may inflect a word differently, in another language ("automatico", "automatizar") or misspell it
    ("amsterdm", "amsterdan"), which whole words miss."""
    return frozenset(word if _HAN_RUN.search(word) else word[:STEM] for word in character_words(question))


def word_overlap(held_out: str, tuning: str) -> float:
    """The share of ``held_out``'s words that ``tuning`` also has (0 when either has none), the highest of three
    readings: BM25 words, Chinese by character pairs, and those with Latin words stemmed."""
    shares = [0.0]
    for split in (words, character_words, stem_words):
        wa, wb = split(held_out), split(tuning)
        if wa and wb:
            shares.append(len(wa & wb) / len(wa))
    return max(shares)


def nearest(question: str, others: list[tuple[str, str]]) -> tuple[float, str, str]:
    """The highest overlap of ``question`` (held out) with any of ``others`` (tuning), and that other's id and text:
    the measure is asymmetric, so the order matters."""
    best = (0.0, "", "")
    for other_id, other in others:
        share = word_overlap(question, other)
        if share > best[0]:
            best = (share, other_id, other)
    return best
