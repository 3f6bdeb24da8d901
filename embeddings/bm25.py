"""Lexical side of retrieval: BM25 over words (and Chinese words from jieba).

Names, companies, talk titles and video ids are spelled the same in every language, so BM25 finds
them across languages where the dense encoder blurs them.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from embeddings.markdown import CJK_CHAR

_WORD = re.compile(r"[^\W_]+(?:[-'.][^\W_]+)*", re.UNICODE)
_CJK_RUN = re.compile(f"(?:{CJK_CHAR.pattern})+")

# Function words of the languages we index: they carry no topic and only add noise to BM25.
STOPWORDS = frozenset(
    """a about after all also an and any are as at be been but by can did do does for from had has have
    how i in into is it its me of on or our show so that the their there they this to was we were what
    when where which who whom why will with you your
    al algo alguna alguno como con cual cuál de del donde dónde el ella en era es esta este fue hay la
    las lo los mas más para pero por que qué quien quién se sobre su sus un una y hubo puedo ver
    的 了 和 是 在 谁 什么 哪些 哪里 吗 呢 我 我们 有 与 及 上 中 为 这 那 个 如何 怎么 关于""".split()
)


def fold(text: str) -> str:
    """Lower-case and strip accents, so ``sesión`` and ``sesion`` meet."""
    if text.isascii():  # nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _jieba() -> object:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def tokenize(text: str) -> list[str]:
    """Words for BM25: folded Latin/Cyrillic words, jieba words for Chinese runs, no stopwords."""
    tokens: list[str] = []
    pos = 0
    for match in _CJK_RUN.finditer(text):
        tokens += _words(text[pos : match.start()])
        tokens += _cjk_words(match.group(0))
        pos = match.end()
    tokens += _words(text[pos:])
    return tokens


@lru_cache(maxsize=65536)
def _cjk_words(run: str) -> tuple[str, ...]:
    """jieba's words of one run of Chinese, remembered: the index, the grounding and the session lists each read the
    same passages."""
    return tuple(w for w in _jieba().lcut_for_search(run) if _is_word(w))  # type: ignore[attr-defined]


# A name-like word: capitalised (Bloomberg, GoTo), an acronym (SAP), or with a digit (503, 2023, Kiali2).
_NAME = re.compile(r"(?<![\w])[^\W\d_]*(?:[A-Z]|\d)[\w.-]*", re.UNICODE)


def name_terms(text: str) -> set[str]:
    """Terms of the names, numbers and acronyms in a question: the words that must match to trust a hit.

    Stopwords never count, and neither does a plainly capitalised first word ("Quiénes hablaron…")
    unless the next word is capitalised too ("Zack Butcher …").
    """
    terms: set[str] = set()
    for match in _NAME.finditer(text):
        word = match.group(0)
        if CJK_CHAR.search(word):
            continue
        first = not text[: match.start()].strip(" ¿¡\"'(")
        if first and word[1:].islower():
            following = text[match.end() :].split()
            if not following or not following[0][:1].isupper():
                continue
        terms.update(_words(word))
    return terms


STEM = 5
"""Characters two inflections of one word share in the languages we index ("protegió" / "protege")."""


class Vocabulary:
    """The words an index knows, looked up leniently: "Solo" is known from "solo.io", "Shangai" from
    "shanghai" (one letter off), so only names the posts never mention count as unknown."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = sorted(set(terms))
        self._known = set(self._terms)
        self._deletes = {variant for term in self._terms if len(term) >= 5 for variant in _deletions(term)}

    def __contains__(self, term: str) -> bool:
        """Exactly this word (no prefix or typo leniency)."""
        return term in self._known

    def knows(self, term: str) -> bool:
        if term in self._known:
            return True
        at = bisect.bisect_left(self._terms, term)
        if at < len(self._terms) and self._terms[at].startswith(term) and len(term) >= 3:
            return True  # a prefix of a known word: "solo" of "solo.io", "kube" of "kubecon"
        if len(term) >= 5:  # one letter missing, extra or wrong: symmetric deletions meet
            return term in self._deletes or any(v in self._known or v in self._deletes for v in _deletions(term))
        return False


    def shares_stem(self, term: str, stem: int = STEM) -> bool:
        """Does some word begin like ``term`` (its first ``stem`` characters; short words exactly)?
        "protegió" and "financieros" share a stem with words of the Spanish posts; "weather" shares none."""
        if term in self._known or len(term) <= stem:
            return term in self._known
        prefix = term[:stem]
        at = bisect.bisect_left(self._terms, prefix)
        return at < len(self._terms) and self._terms[at].startswith(prefix)


def _deletions(term: str) -> set[str]:
    return {term[:i] + term[i + 1 :] for i in range(len(term))}


def _is_word(token: str) -> bool:
    return token not in STOPWORDS and any(ch.isalnum() for ch in token)


def _words(text: str) -> list[str]:
    return [w for w in (fold(m.group(0)) for m in _WORD.finditer(text)) if w not in STOPWORDS and len(w) > 1]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` best positive scores, best first, ties in row order.

    The same rows in the same order as ``np.argsort(-scores, kind="stable")[:k]`` without its zero and
    negative scores, at a fraction of the cost on a large index: ``argpartition`` finds the k-th best
    score in linear time, and only the rows at or above it are sorted (O(n + k log k), not O(n log n)).
    """
    positive = np.flatnonzero(scores > 0)
    if k <= 0 or not len(positive):
        return np.empty(0, dtype=np.int64)
    if len(positive) > k:
        kth = scores[positive[np.argpartition(-scores[positive], k - 1)[k - 1]]]
        positive = positive[scores[positive] >= kth]  # every row tied with the k-th too, kept in row order
    return positive[np.argsort(-scores[positive], kind="stable")[:k]]


class BM25Index:
    """BM25 (bm25s) over passage texts; ``scores`` returns a score for every passage, ``top`` the best few."""

    def __init__(self, texts: list[str]) -> None:
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG
        self._bm25 = bm25s.BM25()
        corpus = [tokenize(text) for text in texts]
        self._bm25.index(corpus, show_progress=False)
        self.size = len(texts)
        self._terms = [frozenset(tokens) for tokens in corpus]
        self._df = Counter(term for terms in self._terms for term in terms)

    @property
    def vocabulary(self) -> set[str]:
        return set(self._df)

    def idf(self, term: str) -> float:
        return math.log(1 + self.size / (1 + self._df.get(term, 0)))

    def coverage(self, terms: set[str], doc: int) -> float:
        """Share of ``terms`` (weighted by rarity) that the document contains, from 0 to 1."""
        # fsum: exact whatever the order a set is iterated in (string hashing changes it from process to process),
        # so fitting on these figures gives the same model every time.
        total = math.fsum(self.idf(t) for t in terms)
        return math.fsum(self.idf(t) for t in terms & self._terms[doc]) / total if total else 0.0

    def scores(self, query: str | list[str]) -> np.ndarray:
        """BM25 of every document for a question (text, or tokens already chosen)."""
        tokens = tokenize(query) if isinstance(query, str) else query
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def top(self, query: str | list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The ``k`` best-scoring passages with a positive score (rows, best first) and every passage's score."""
        scores = self.scores(query)
        return top_k(scores, k), scores
