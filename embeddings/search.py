"""Search: a question in, ranked passages (hits) out.

``Retriever`` is the small interface the answer stage depends on. ``DenseRetriever`` ranks by the
encoder alone; ``HybridRetriever`` fuses it with BM25 by reciprocal rank.

Dense scores are centred per passage language: multilingual encoders give passages in the query's
own language a roughly constant bonus, which would bury the right paragraph when it exists only in
another language. Subtracting the query's mean similarity to each language (``q · centroid``, exact
and O(1) per language) removes that bonus.

BM25 reads only the question's own language, so two things carry it across: the question's words are
expanded with their translations from the lexicon mined at index build (:mod:`embeddings.bilingual_lexicon`),
and a passage with no version in the question's language gets part of a lexical vote from its dense
rank (``UNREAD_SHARE``) instead of none.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Protocol

import numpy as np

from embeddings.bilingual_lexicon import Lexicon
from embeddings.bm25 import BM25Index, Vocabulary, name_terms, tokenize
from embeddings.events import mentions
from embeddings.index import Index, normalize
from embeddings.passages import Passage
from embeddings.text_patterns import YEAR

if TYPE_CHECKING:
    from embeddings.encoder import QueryEncoder

CANDIDATES = 100
"""How many passages each channel proposes before fusion."""
TELLING_SHARE = 0.1
"""A question word on at most this share of document cards says which event (a city, a company)."""
POOL = 10
"""The dense channel fetches POOL × CANDIDATES passages by raw cosine before centring keeps CANDIDATES."""
RRF_K = 20
"""Reciprocal-rank-fusion constant: larger flattens the difference between ranks."""
UNREAD_SHARE = 0.5
"""Share of a lexical vote imputed, from its dense rank, to a passage BM25 cannot read (written only in
languages other than the question's). Fitted on the tuning sets: 0 buries such passages, 1 floods an
answer with them (README, "Quality")."""


@dataclass(frozen=True)
class ChannelScores:
    """Why a hit ranked where it did: one field per signal, ``None`` (or ``False``) where the channel did
    not see the passage. Presence is evidence in itself: abstention asks whether both the encoder and
    BM25 proposed the first hit, and whether the question had names to cover.

    Fields are declared in the order ``eval --explain`` prints them (:meth:`items`).
    """

    dense: float | None = None
    """Language-centred encoder similarity (the dense channel's ranking score)."""
    cosine: float | None = None
    """Raw encoder cosine, before centring."""
    dense_rank: int | None = None
    """1-based rank in the dense channel's candidates; ``None`` when the encoder did not propose it."""
    bm25: float | None = None
    """BM25 score of the (expanded) question; only for passages BM25 proposed."""
    bm25_rank: int | None = None
    """1-based rank in BM25's candidates; ``None`` when BM25 did not propose it."""
    post: float | None = None
    """How well the passage's post matches the event the question names (only when one matches)."""
    domain: float | None = None
    """The question's mean similarity to the whole corpus (the same for every hit of a search)."""
    small_talk: float | None = None
    """The question's closest similarity to small talk addressed to the bot (:data:`SMALL_TALK`; the same for
    every hit of a search)."""
    unknown_names: float | None = None
    """How many of the question's names no document mentions (the same for every hit of a search)."""
    unknown_words: float | None = None
    """Share of the question's words no document uses (the same for every hit of a search)."""
    term_coverage: float | None = None
    """Share of the question's words (weighted by rarity) the passage contains."""
    name_coverage: float | None = None
    """The same for names beyond the event's own; ``None`` when the question has no such name."""
    translated_coverage: float | None = None
    """Term coverage of the question's words together with their translations (the mined lexicon): what
    a passage in another language covers of the question."""
    readable: bool = False
    """The passage, or a translation of it, is written in the question's language."""
    learned: float | None = None
    """The learned ranker's score (:mod:`bot.core.ranking`), when one ordered the hits."""
    listed: bool = False
    """The hit is a session from a list of talks the question asked for, not a search result."""
    upcoming: bool = False
    """The hit is an event card for an "upcoming events" answer, not a search result."""
    translated_from: bool = False
    """The passage replaced a retrieved one in another language; the scores are the original's."""

    def items(self) -> list[tuple[str, float]]:
        """The channels that saw the passage, as (name, value) in declaration order, flags as 1.0."""
        pairs = ((f.name, getattr(self, f.name)) for f in fields(self))
        return [(name, float(value)) for name, value in pairs if value is not None and value is not False]


@dataclass(frozen=True)
class Hit:
    """A passage and why it ranked where it did (per-channel scores and ranks, for ``eval --explain``)."""

    passage: Passage
    score: float
    channels: ChannelScores = field(default_factory=ChannelScores)


class Retriever(Protocol):
    """Anything that ranks passages for a question."""

    index: Index

    def search(self, query: str, k: int = 10, lang: str | None = None) -> list[Hit]:
        """Best ``k`` passages; ``lang`` is the question's language, when the caller knows it."""
        ...


SMALL_TALK = (
    "hi, how's it going?", "how are you today?", "how was your weekend?", "thanks, you're great, have a nice weekend!",
    "tell me something fun about yourself", "I'm so tired today, can you chat with me?",
    "what do you like to do for fun?", "you are an awesome bot",
    "hola, ¿qué tal?", "¿cómo estás hoy?", "¿qué tal tu fin de semana?", "gracias, eres genial, ¡buen fin de semana!",
    "cuéntame algo divertido", "estoy muy cansado, ¿charlamos un rato?", "¿qué te gusta hacer?",
    "你好，最近怎么样？", "你今天怎么样？", "周末过得怎么样？", "谢谢你，太棒了，周末愉快！", "给我讲点有趣的事吧",
    "今天好累，陪我聊聊天吧", "你平时喜欢做什么？",
)
"""Messages to the bot that ask nothing of the documents (greetings, thanks, "how are you", "chat with me"), in
English, Spanish and Chinese: what a question's closeness to small talk is measured against. Long small talk
("hola bot, ¿qué tal tu finde? el mío bastante tranquilo") shares no word with a list of greetings, but the
encoder places it near them, and far from the questions the posts answer."""


class DenseRetriever:
    """Encoder similarity, centred per passage language."""

    def __init__(self, index: Index, model: QueryEncoder) -> None:
        self.index = index
        self.model = model
        langs = sorted(index.centroids)
        self._centroids = np.stack([index.centroids[lang] for lang in langs])
        lang_pos = {lang: i for i, lang in enumerate(langs)}
        self._lang_of = np.array([lang_pos[p.lang] for p in index.passages])
        counts = np.bincount(self._lang_of, minlength=len(langs)).astype(np.float32)
        self._corpus_centroid = counts @ self._centroids / counts.sum()
        self._small_talk = normalize(model.encode_query(list(SMALL_TALK), convert_to_numpy=True,
                                                        show_progress_bar=False))

    def domain_similarity(self, query_vector: np.ndarray) -> float:
        """The question's mean similarity to all passages: low when it is about something else entirely."""
        return float(self._corpus_centroid @ query_vector)

    def small_talk_similarity(self, query_vector: np.ndarray) -> float:
        """The question's similarity to the nearest message of :data:`SMALL_TALK`: high for small talk."""
        return float((self._small_talk @ query_vector).max())

    def encode(self, query: str) -> np.ndarray:
        return normalize(self.model.encode_query([query], convert_to_numpy=True, show_progress_bar=False))[0]

    def scores(self, query_vector: np.ndarray, k: int = CANDIDATES) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate ids with raw cosine and centred scores, best centred first.

        The raw search casts a wider net (POOL times ``k``) than it keeps: the raw top-k of a Spanish
        question is mostly Spanish, and centring can only promote a paragraph in another language if
        that paragraph was fetched.
        """
        pool = min(k * POOL, len(self.index.passages))
        raw, ids = self.index.vectors.search(query_vector[None, :].astype(np.float32), pool)
        ids, raw = ids[0], raw[0]
        keep = ids >= 0
        ids, raw = ids[keep], raw[keep]
        centred = raw - (self._centroids @ query_vector)[self._lang_of[ids]]
        order = np.argsort(-centred, kind="stable")[:k]
        return ids[order], raw[order], centred[order]

    def search(self, query: str, k: int = 10, lang: str | None = None) -> list[Hit]:
        query_vector = self.encode(query)
        ids, raw, centred = self.scores(query_vector, max(k, CANDIDATES))
        domain, small_talk = self.domain_similarity(query_vector), self.small_talk_similarity(query_vector)
        return [
            Hit(self.index.passages[i], float(c), ChannelScores(dense=float(c), cosine=float(r), domain=domain,
                                                                small_talk=small_talk))
            for i, r, c in zip(ids[:k], raw[:k], centred[:k], strict=True)
        ]


def _card(passage: Passage) -> str:
    """Which event a document is about: a post's title, description, year and slug; an event's name and
    year; a session's, speaker page's or program page's event and year (its title is in its text: the card only
    says which event)."""
    if passage.kind == "post":
        return " ".join([passage.title, passage.description, passage.year, passage.slug.replace("-", " ")])
    if passage.kind in ("session", "speaker", "page"):
        return " ".join([passage.section, passage.year])
    return " ".join([passage.title, passage.year])


class HybridRetriever:
    """Dense (centred) and BM25 rankings fused by weighted reciprocal rank, plus a post-level match."""

    def __init__(
        self,
        index: Index,
        model: QueryEncoder,
        dense_weight: float = 1.0,
        lexical_weight: float = 2.0,
        post_weight: float = 1.0,
        lexicon: Lexicon | None = None,
        unread_share: float = UNREAD_SHARE,
    ) -> None:
        self.index = index
        self.lexicon = lexicon if lexicon is not None else index.lexicon
        self.unread_share = unread_share
        # For each passage, the languages it can be read in: its own and its translations'.
        passages = index.passages
        self._readable_in = [
            {p.lang, *(passages[j].lang for j in twins)} for p, twins in zip(passages, index.twins, strict=True)
        ]
        self.dense = DenseRetriever(index, model)
        self.bm25 = BM25Index([p.embedding_text for p in index.passages])
        self.dense_weight = dense_weight
        self.lexical_weight = lexical_weight
        self.post_weight = post_weight
        # Document "cards" (a post's title, description, year and slug; a session's event; an event's
        # name) let a question's event, city or year pick the documents about it.
        first: dict[str, Passage] = {}
        for passage in index.passages:
            first.setdefault(passage.doc_id, passage)
        posts = sorted(first)
        cards = [_card(first[pid]) for pid in posts]
        self.post_bm25 = BM25Index(cards)
        self._post_years = [set(YEAR.findall(card)) for card in cards]
        self._card_terms = [set(tokenize(card)) for card in cards]
        self._card_df = Counter(term for card_terms in self._card_terms for term in card_terms)
        self.vocabulary = Vocabulary(self.bm25.vocabulary.union(*self._card_terms))

        post_pos = {pid: i for i, pid in enumerate(posts)}
        self._post_of = np.array([post_pos[p.doc_id] for p in index.passages])

    def _names_an_event(self, query: str) -> bool:
        """Does the question name an event (IstioCon, KubeCon Europe…), a year, or a name found on few
        cards (a city, a company)? Without one, a card match is only shared phrasing ("talk", "video",
        演讲: Chinese words cannot be told apart from phrasing this way, so they never open the channel)."""
        if mentions(query, any_case=True) or YEAR.search(query):
            return True
        return any(0 < self._card_df.get(t, 0) <= TELLING_SHARE * len(self._card_terms) for t in name_terms(query))

    def post_match(self, query: str, terms: list[str] | None = None) -> np.ndarray:
        """How well each post's title, description and year match the question, from 0 to 1.

        A year named in the question is decisive evidence in any language: posts of other years keep
        only half their lexical match. ``terms`` are the question's tokens, when already computed.
        """
        terms = terms if terms is not None else tokenize(query)
        if not self._names_an_event(query):
            return np.zeros(len(self._post_years), dtype=np.float32)
        scores = self.post_bm25.scores(terms)
        relative = scores / scores.max() if scores.max() > 0 else scores
        years = set(YEAR.findall(query))
        if years and any(years & post_years for post_years in self._post_years):
            same_year = np.array([bool(years & post_years) for post_years in self._post_years], dtype=np.float32)
            relative = 0.5 * same_year + 0.5 * relative * np.where(same_year > 0, 1.0, 0.5)
        return relative

    def search(self, query: str, k: int = 10, lang: str | None = None) -> list[Hit]:
        query_vector = self.dense.encode(query)
        ids, raw, centred = self.dense.scores(query_vector, CANDIDATES)
        terms = tokenize(query)
        question_terms = list(terms)
        relative = self.post_match(query, terms)
        event: set[str] = self._card_terms[int(relative.argmax())] if relative.max() > 0 else set()
        # Words naming the event ("Istio Day", "Europe", "2025") already chose the post; at full weight
        # they favour any passage that repeats the event's name, so the other words count double.
        terms += [t for t in terms if t not in event]
        translations = self.lexicon.expand(question_terms, lang)  # the question's words as the corpus translates them
        terms += translations
        lex_ids, lexical = self.bm25.top(terms, CANDIDATES)  # top-k selection, not a sort of every score

        fused: dict[int, float] = {}
        raw_list, centred_list = raw.tolist(), centred.tolist()
        dense_rank: dict[int, int] = {}  # passage -> 0-based rank among the dense candidates
        for rank, i in enumerate(ids.tolist()):
            fused[i] = fused.get(i, 0.0) + self.dense_weight / (RRF_K + rank + 1)
            dense_rank[i] = rank
        lexical_vote: dict[int, float] = {}
        lexical_rank: dict[int, int] = {}  # passage -> 0-based rank among the BM25 candidates
        for rank, i in enumerate(lex_ids.tolist()):
            lexical_vote[i] = self.lexical_weight / (RRF_K + rank + 1)
            lexical_rank[i] = rank
        if lang and self.unread_share:
            # BM25 cannot read a passage written only in other languages than the question's: its
            # lexical vote is missing, not low. Impute a share of it from the passage's dense rank.
            for rank, i in enumerate(ids.tolist()):
                if lang not in self._readable_in[i]:
                    imputed = self.unread_share * self.lexical_weight / (RRF_K + rank + 1)
                    lexical_vote[i] = max(lexical_vote.get(i, 0.0), imputed)
        for i, vote in lexical_vote.items():
            fused[i] = fused.get(i, 0.0) + vote
        post_bonus: dict[int, float] = {}
        if relative.max() > 0:
            # The best-matching post's passages get up to one rank-1 vote; a uniform bonus changes nothing.
            for i in fused:
                bonus = float(relative[self._post_of[i]])
                fused[i] += self.post_weight * bonus / (RRF_K + 1)
                post_bonus[i] = bonus
        best = sorted(fused, key=lambda i: -fused[i])[:k]
        domain, small_talk = self.dense.domain_similarity(query_vector), self.dense.small_talk_similarity(query_vector)
        # Names that only say which event (Amsterdam, KubeCon) are no evidence that a passage answers;
        # names the posts never mention (India, Python, 1.18) say the question is about something else.
        all_names = name_terms(query)
        # (Short letter-only names are left out: PDF, URL, CLI are generic, whatever the posts say.)
        checked = [name for name in all_names if len(name) > 3 or any(ch.isdigit() for ch in name)]
        unknown = float(sum(not self.vocabulary.knows(name) for name in checked))
        words = set(question_terms)
        translated = words | set(translations)
        # (by stem, not the typo-lenient lookup: "weather" is one letter from "whether", yet no post speaks
        # of the weather, while "protegió" is the "protege" of the Spanish posts)
        unknown_words = sum(not self.vocabulary.shares_stem(t) for t in words) / len(words) if words else 0.0
        names = all_names - event

        def channels(i: int) -> ChannelScores:
            d, b = dense_rank.get(i), lexical_rank.get(i)
            return ChannelScores(
                dense=None if d is None else centred_list[d],
                cosine=None if d is None else raw_list[d],
                dense_rank=None if d is None else d + 1,
                bm25=None if b is None else float(lexical[i]),
                bm25_rank=None if b is None else b + 1,
                post=post_bonus.get(i),
                domain=domain,
                small_talk=small_talk,
                unknown_names=unknown,
                unknown_words=unknown_words,
                term_coverage=self.bm25.coverage(words, i),
                name_coverage=self.bm25.coverage(names, i) if names else None,
                translated_coverage=self.bm25.coverage(translated, i),
                readable=bool(lang) and lang in self._readable_in[i],
            )

        return [Hit(self.index.passages[i], fused[i], channels(i)) for i in best]
