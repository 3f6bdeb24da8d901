"""The order of the hits: a ranking learned from the tuning questions, over what each channel saw.

Retrieval proposes candidates by weighted reciprocal-rank fusion of the encoder and BM25
(:class:`~embeddings.search.HybridRetriever`); its weights are hand-set and blind to most of what says a
paragraph answers: that it belongs to the edition the question names, that it is the session the question
grounds to, that it links the recording a "is there a video" question wants, that it covers the question
once its words are translated. :class:`RankFeatures` puts those signals beside the channels' scores, and a
LambdaRank model (LightGBM) fitted on the tuning sets (``istio-events-bot calibrate``; grouped
cross-validation, :mod:`bot.core.calibrate`) orders the candidates by them.

The model is data, one JSON file per encoder in ``bot/core/calibration/`` (the channel scores of another
encoder mean something else): LightGBM fits it, and serving walks its trees with numpy (:class:`Trees`).
Without one for the index's encoder the fused order stands, and the log says so.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from bot.core.abstention import CALIBRATION_DIR
from bot.core.grounding import Grounding
from bot.core.intents import answer_kinds, asks_recording, asks_when_or_where, holds_kind
from embeddings.bilingual_lexicon import Lexicon
from embeddings.bm25 import fold, tokenize
from embeddings.index import Index
from embeddings.passages import Passage
from embeddings.search import Hit
from embeddings.text_patterns import YEAR

logger = logging.getLogger(__name__)

FORMAT = 2
"""The model file's format (2: the trees as plain arrays); the feature names stored beside the model must also
be :class:`RankFeatures`'."""
CANDIDATES = 60
"""How many fused candidates the ranker reorders (a relevant passage is among the first 60 for 97 % of the
answerable tuning questions)."""
_NUMBER = re.compile(r"\d+")
COGNATE_STEM = 5
"""Letters a question word and a passage word share at their start to count as cognates ("patentes" / "patents"),
for the ranking and for the quoted sentence: chosen on the tuning sets (answer shown 0.831 without, 0.836 at 4,
0.837 at 5, 0.835 at 6)."""


@dataclass(frozen=True)
class RankFeatures:
    """One candidate, as the ranker sees it. ``-1`` marks a signal that does not apply (no name in the
    question, a channel that did not propose the passage): trees split on it like any value."""

    fused: float
    """Fused score over the first candidate's."""
    fused_rank: float
    dense: float
    cosine: float
    dense_rank: float
    bm25: float
    """BM25 over the best candidate's BM25."""
    bm25_rank: float
    post: float
    term_coverage: float
    name_coverage: float
    translated_coverage: float
    same_language: float
    readable: float
    """The passage, or a translation of it, is in the question's language."""
    is_post: float
    is_session: float
    is_card: float
    position: float
    """The paragraph's place in its document (0: the first)."""
    length: float
    """log(1 + characters)."""
    names_year: float
    year_in_passage: float
    """A year the question names is written in the passage, its title or its post's year."""
    numbers_in_passage: float
    """Share of the question's other numbers (versions, counts) the passage writes."""
    names_edition: float
    of_edition: float
    """The passage belongs to an edition the question names (a post about it, its session, its card)."""
    after_edition: float
    """Its post was published on or after that edition's first day (a recap, not a preview); -1 if unknown."""
    names_session: float
    is_named_session: float
    speakers_in_passage: float
    companies_in_passage: float
    asks_when_or_where: float
    asks_recording: float
    asks_talk: float
    """The question is about talks (who spoke, a session, its recording): a recap or a session answers it."""
    has_video: float
    has_slides: float
    links: float
    holds_kind: float
    """Share of the kinds of answer the question asks for (a date, a number, a price, a link, a recording:
    :func:`~bot.core.intents.answer_kinds`) that the passage holds; -1 when it asks for none."""
    recap: float
    """The passage's post is dated on or after the first day of an event it is about (a recap: 1; a preview or
    announcement: 0; not a post about an event: -1), whatever the question names."""
    asked_coverage: float
    """Rarity-weighted share of what the question asks beyond the names it is grounded in (its words less those
    of the editions, sessions, speakers, companies and places it names) that the passage writes, itself, as a
    mined translation or as a cognate: what tells apart the paragraphs of one edition, or a talk's abstract from
    its speaker's biography, which all hold the names. -1 when the question asks nothing beyond them."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def vector(self) -> list[float]:
        return [float(getattr(self, name)) for name in self.names()]


@dataclass(frozen=True)
class Corpus:
    """What the features read of the index beyond the hits: the events each post is about, the mined lexicon and
    the rarity of words."""

    event_start: dict[str, str]
    """A post's URL: the first day of the earliest dated event it is about."""
    lexicon: Lexicon = field(default_factory=lambda: Lexicon({}))
    idf: Callable[[str], float] = lambda term: 1.0

    @classmethod
    def of(cls, index: Index, idf: Callable[[str], float] | None = None) -> Corpus:
        """``idf``: the retriever's word rarity (every word alike without one)."""
        starts: dict[str, str] = {}
        for event in index.events:
            for post in event.posts:
                if event.start and (post.url not in starts or event.start < starts[post.url]):
                    starts[post.url] = event.start
        return cls(starts, index.lexicon, idf or (lambda term: 1.0))

    def asked(self, question: str, lang: str, names: Iterable[str]) -> list[tuple[str, frozenset[str]]]:
        """The question's words beyond the words of ``names``, each with its forms (itself and its translations)."""
        named = {w for name in names for w in tokenize(name)}
        return [(word, frozenset([word, *self.lexicon.expand([word], lang)]))
                for word in dict.fromkeys(tokenize(question)) if word not in named]

    def coverage(self, asked: list[tuple[str, frozenset[str]]], passage: Passage) -> float:
        """Share of ``asked``, each word weighted by its rarity, that the passage writes (one of the word's forms,
        or a cognate of one)."""
        if not asked:
            return -1.0
        words, stems = _words(passage.title, passage.text)
        weights = [self.idf(word) for word, _ in asked]
        found = [bool(forms & words) or any(len(w) > COGNATE_STEM and w.isascii() and w[:COGNATE_STEM] in stems
                                            for w in forms) for _, forms in asked]
        total = math.fsum(weights)
        return math.fsum(w for w, hit in zip(weights, found, strict=True) if hit) / total if total else -1.0


def features(question: str, lang: str, grounding: Grounding, hits: list[Hit], corpus: Corpus) -> list[RankFeatures]:
    """The features of each candidate, in the hits' order."""
    years = set(YEAR.findall(question))
    numbers = set(_NUMBER.findall(question)) - years
    when, recording = asks_when_or_where(question), asks_recording(question)
    kinds = answer_kinds(question)
    editions = {e.key for e in grounding.editions}
    first_day = min((e.start for e in grounding.editions if e.start), default="")
    named_sessions = {s.title for s in grounding.sessions}
    speakers = [fold(name) for name in grounding.speakers]
    companies = [fold(name) for name in grounding.companies]
    best_fused = hits[0].score if hits and hits[0].score else 1.0
    asked = corpus.asked(question, lang, grounding.names)
    best_bm25 = max((h.channels.bm25 or 0.0 for h in hits), default=0.0) or 1.0

    def share(names: list[str], text: str) -> float:
        return sum(name in text for name in names) / len(names) if names else -1.0

    rows = []
    for rank, hit in enumerate(hits):
        c, p = hit.channels, hit.passage
        text = _folded(p.title, p.text)
        of_edition = grounding.about(p)
        rows.append(RankFeatures(
            fused=hit.score / best_fused,
            fused_rank=float(rank),
            dense=-1.0 if c.dense is None else c.dense,
            cosine=0.0 if c.cosine is None else c.cosine,
            dense_rank=float(c.dense_rank or 1000),
            bm25=0.0 if c.bm25 is None else c.bm25 / best_bm25,
            bm25_rank=float(c.bm25_rank or 1000),
            post=c.post or 0.0,
            term_coverage=c.term_coverage or 0.0,
            name_coverage=-1.0 if c.name_coverage is None else c.name_coverage,
            translated_coverage=c.translated_coverage or 0.0,
            same_language=float(p.lang == lang),
            readable=float(c.readable or p.lang == lang),
            is_post=float(p.kind == "post"),
            is_session=float(p.kind == "session"),
            is_card=float(p.kind == "event"),
            position=float(p.position),
            length=math.log1p(len(p.text)),
            names_year=float(bool(years)),
            year_in_passage=float(bool(years & set(YEAR.findall(f"{p.title} {p.text} {p.year}")))),
            numbers_in_passage=sum(n in text for n in numbers) / len(numbers) if numbers else -1.0,
            names_edition=float(bool(editions)),
            of_edition=float(of_edition),
            after_edition=float(p.date >= first_day) if first_day and p.date and of_edition else -1.0,
            names_session=float(bool(named_sessions)),
            is_named_session=float(p.session is not None and p.session.title in named_sessions),
            speakers_in_passage=share(speakers, text),
            companies_in_passage=share(companies, text),
            asks_when_or_where=float(when),
            asks_recording=float(recording),
            asks_talk=float(grounding.asks_talk),
            has_video=float(any(link.kind == "video" for link in p.links)),
            has_slides=float(any(link.kind == "slides" for link in p.links)),
            links=float(len(p.links)),
            holds_kind=_holds_kinds(p, kinds),
            recap=float(p.date >= corpus.event_start[p.url]) if p.date and p.url in corpus.event_start else -1.0,
            asked_coverage=corpus.coverage(asked, p),
        ))
    return rows


@lru_cache(maxsize=16384)
def _words(title: str, text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A passage's words (as BM25 reads them) and the first COGNATE_STEM letters of its long Latin ones."""
    words = frozenset(tokenize(f"{title} {text}"))
    return words, frozenset(w[:COGNATE_STEM] for w in words if len(w) > COGNATE_STEM and w.isascii())


@lru_cache(maxsize=16384)
def _folded(title: str, text: str) -> str:
    """A passage's title and text, folded: the same candidates come back question after question."""
    return fold(f"{title} {text}")


def _holds_kinds(passage: Passage, kinds: frozenset[str]) -> float:
    if not kinds:
        return -1.0
    link_kinds = {link.kind for link in passage.links}
    return sum(holds_kind(passage.text, kind, link_kinds) for kind in kinds) / len(kinds)


def ranker_path(model: str) -> Path:
    """Where the learned ranking for encoder ``model`` lives (one file per encoder)."""
    return CALIBRATION_DIR / (re.sub(r"[^A-Za-z0-9.]+", "-", model).strip("-") + ".ranker.json")


@dataclass(frozen=True)
class Trees:
    """A fitted tree ensemble as plain arrays, one row per node of every tree: serving evaluates it with numpy
    and never imports LightGBM (which brings scikit-learn and SciPy: about 95 MiB and half a second in each
    answering process). A leaf points to itself, so every row can step down ``depth`` times."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    """Where a row goes when its feature is at most the threshold."""
    right: np.ndarray
    value: np.ndarray
    """A leaf's contribution (0 for a split)."""
    roots: np.ndarray
    depth: int

    @classmethod
    def from_lightgbm(cls, dump: dict[str, Any]) -> Trees:
        """From ``Booster.dump_model()``: numerical ``<=`` splits only (the features are never missing)."""
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        value: list[float] = []
        roots: list[int] = []
        depth = 0

        def add(node: dict[str, Any], level: int) -> int:
            nonlocal depth
            at = len(feature)
            feature.append(0)
            threshold.append(0.0)
            left.append(at)
            right.append(at)
            value.append(0.0)
            if "leaf_value" in node:
                value[at] = float(node["leaf_value"])
                depth = max(depth, level)
                return at
            if node.get("decision_type") != "<=":
                raise ValueError(f"unsupported split {node.get('decision_type')!r}")
            feature[at], threshold[at] = int(node["split_feature"]), float(node["threshold"])
            left[at] = add(node["left_child"], level + 1)
            right[at] = add(node["right_child"], level + 1)
            return at

        for tree in dump["tree_info"]:
            roots.append(add(tree["tree_structure"], 0))
        return cls(np.array(feature), np.array(threshold), np.array(left), np.array(right), np.array(value),
                   np.array(roots), depth)

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature.tolist(), "threshold": self.threshold.tolist(), "left": self.left.tolist(),
                "right": self.right.tolist(), "value": self.value.tolist(), "roots": self.roots.tolist(),
                "depth": self.depth}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trees:
        nodes = len(data["feature"])
        trees = cls(np.array(data["feature"], dtype=np.int64), np.array(data["threshold"], dtype=np.float64),
                    np.array(data["left"], dtype=np.int64), np.array(data["right"], dtype=np.int64),
                    np.array(data["value"], dtype=np.float64), np.array(data["roots"], dtype=np.int64),
                    int(data["depth"]))
        arrays = (trees.threshold, trees.left, trees.right, trees.value)
        pointers = np.concatenate([trees.left, trees.right, trees.roots]) if nodes else np.array([-1])
        if any(len(a) != nodes for a in arrays) or nodes == 0 or pointers.min() < 0 or pointers.max() >= nodes:
            raise ValueError("tree arrays of different lengths or pointing outside the nodes")
        return trees

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The ensemble's score for each row of ``x`` (rows × features)."""
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        for _ in range(self.depth):
            goes_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(goes_left, self.left[node], self.right[node])
        return self.value[node].sum(axis=1)


@dataclass(frozen=True)
class Ranking:
    """A fitted ranking: its trees and what it was fitted on (features, sets, out-of-fold figures)."""

    trees: Trees
    info: dict[str, object]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"format": FORMAT, "features": list(RankFeatures.names()), **self.info, "trees": self.trees.to_dict()}
        path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Ranking:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or tuple(data.get("features", ())) != RankFeatures.names():
            raise ValueError(f"{path}: fitted on other features: refit it with `istio-events-bot calibrate`")
        trees = Trees.from_dict(data.pop("trees"))
        if trees.feature.max() >= len(RankFeatures.names()):
            raise ValueError(f"{path}: a split on a feature the ranking does not have")
        return cls(trees, data)

    def scores(self, rows: list[RankFeatures]) -> np.ndarray:
        return self.trees.predict(np.array([r.vector() for r in rows], dtype=np.float64))


class Ranker:
    """Orders candidates by the learned ranking, or keeps the fused order when there is none."""

    def __init__(self, ranking: Ranking | None, corpus: Corpus) -> None:
        self.ranking = ranking
        self.corpus = corpus

    @classmethod
    def for_index(cls, index: Index, idf: Callable[[str], float] | None = None) -> Ranker:
        """The ranking fitted for the index's encoder, if there is one; ``idf``: the retriever's word rarity."""
        corpus = Corpus.of(index, idf)
        path = ranker_path(index.model)
        if not path.exists():
            logger.warning("no learned ranking for encoder %s (%s): hits keep the fused order. "
                           "Run `istio-events-bot calibrate` to fit one.", index.model, path.name)
            return cls(None, corpus)
        try:
            return cls(Ranking.load(path), corpus)
        except (OSError, ValueError) as exc:
            logger.error("learned ranking %s unreadable (%s): hits keep the fused order", path, exc)
            return cls(None, corpus)

    def features(self, question: str, lang: str, grounding: Grounding, hits: list[Hit]) -> list[RankFeatures]:
        return features(question, lang, grounding, hits, self.corpus)

    def order(self, question: str, lang: str, grounding: Grounding, hits: list[Hit]) -> list[Hit]:
        """The hits, best first by the learned score (ties keep the fused order)."""
        if self.ranking is None or len(hits) < 2:
            return hits
        scores = self.ranking.scores(self.features(question, lang, grounding, hits))
        order = np.argsort(-scores, kind="stable")
        return [Hit(hits[i].passage, hits[i].score, replace(hits[i].channels, learned=round(float(scores[i]), 4)))
                for i in order]
