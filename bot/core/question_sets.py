"""Which question sets tune and which are held out (the Makefile says), and how alike two questions are.

A held-out question that repeats a tuning question measures nothing the tuning did not already see, so
held-out sets are kept apart from tuning ones by *word overlap*:

    overlap(a, b) = |words(a) ∩ words(b)| / max(|words(a)|, |words(b)|)

where ``words`` is the set of BM25 terms of a question (:func:`embeddings.bm25.tokenize`: folded,
accent-free Latin words, jieba words for Chinese, no stopwords). Dividing by the longer question means a
short question is not "the same" as every long question that contains its few words; 1.0 is the same
words, 0.6 is three words in five shared. A question with no words overlaps nothing. A held-out question
must stay below :data:`MAX_OVERLAP` with every question of every tuning set (``tests/test_heldout.py``).
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


@lru_cache(maxsize=16384)
def words(question: str) -> frozenset[str]:
    """The distinct BM25 terms of a question."""
    return frozenset(tokenize(question))


def word_overlap(a: str, b: str) -> float:
    """Shared words over the words of the longer question (0 when either has none)."""
    wa, wb = words(a), words(b)
    longer = max(len(wa), len(wb))
    return len(wa & wb) / longer if longer and wa and wb else 0.0


def nearest(question: str, others: list[tuple[str, str]]) -> tuple[float, str, str]:
    """The highest overlap of ``question`` with any of ``others``, and that other's id and text."""
    best = (0.0, "", "")
    for other_id, other in others:
        share = word_overlap(question, other)
        if share > best[0]:
            best = (share, other_id, other)
    return best
