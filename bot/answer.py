"""From hits to an answer: cited snippets, the recordings they mention, or an honest "I don't know".

Answers are extractive, so the choices made here are what the user reads: the most relevant
sentences of each passage (not whole paragraphs), each paragraph once even when it exists in several
languages (in the asker's language where possible), and no answer at all when the evidence is weak.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from bot.language import detect_language
from embeddings.config import Settings
from embeddings.index import Index
from embeddings.lexical import fold, tokenize
from embeddings.markdown import Link
from embeddings.passages import Passage, sentence_bounds
from embeddings.search import Hit, Retriever
from embeddings.translations import translation_pairs

logger = logging.getLogger(__name__)

MAX_SNIPPETS = 3
SNIPPET_CHARS = 300
MAX_LINKS = 6
_SENTENCE_END = (".", "!", "?", "。", "！", "？")
RANKED = 10
"""Length of the de-duplicated ranked list (what ``eval`` scores)."""


@dataclass
class Snippet:
    """The quoted part of one passage and where it comes from."""

    text: str
    title: str
    section: str
    date: str
    lang: str
    url: str
    score: float
    links: list[Link] = field(default_factory=list)


@dataclass
class Answer:
    """What the bot replies: snippets and links, or ``abstained`` with none."""

    question: str
    lang: str
    abstained: bool
    snippets: list[Snippet] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for item in [data, *data["snippets"]]:
            item["links"] = [{"url": ln["url"], "text": ln["text"], "kind": ln["kind"]} for ln in item["links"]]
        return data


@dataclass(frozen=True)
class Abstention:
    """When to say "I don't know", from two dense signals and the names in the question.

    A question naming something no post mentions (``unknown_names``: "India", "1.18") is declined outright.
    ``evidence`` is the best passage's cosine plus the question's mean similarity to the whole index
    (``domain``): a question about something else entirely scores low on both. Between ``floor`` and
    ``threshold`` a passage is trusted only if it contains the names, acronyms and numbers the
    question mentions (``name_coverage``, IDF-weighted): "Bloomberg" or "503" vouch for a hit,
    "Madrid" missing from every passage does not. Fitted on the development questions, the held-out
    sets in tests/data and off-topic questions in en/es/zh (``eval --explain`` prints the channels).
    """

    threshold: float = 1.60
    floor: float = 1.545
    min_name_coverage: float = 0.75

    @staticmethod
    def evidence(hits: list[Hit]) -> float:
        top = hits[:MAX_SNIPPETS]
        return max(hit.channels.get("cosine", 0.0) for hit in top) + top[0].channels.get("domain", 0.0)

    def abstain(self, hits: list[Hit]) -> bool:
        if not hits or hits[0].channels.get("unknown_names", 0.0) > 0:
            return True  # the question names something (a city, a product, a version) no post mentions
        evidence = self.evidence(hits)
        if evidence >= self.threshold:
            return False
        names = max(hit.channels.get("name_coverage", 0.0) for hit in hits[:MAX_SNIPPETS])
        return not (evidence >= self.floor and names >= self.min_name_coverage)


def _best_sentences(
    passage: Passage, query_terms: set[str], idf: Callable[[str], float]
) -> tuple[str, list[Link]]:
    """The passage's most relevant sentences (about SNIPPET_CHARS), and the links they contain.

    A sentence scores by the rarity-weighted question words it contains, plus a bonus for citing a
    recording; fragments without a link (image captions) only win when nothing else matches.
    """
    bounds = sentence_bounds(passage.text)

    def links_in(start: int, end: int) -> list[Link]:
        return [ln for ln, (a, _) in zip(passage.links, passage.link_spans, strict=True) if start <= a < end]

    def score(i: int) -> float:
        start, end = bounds[i]
        sentence = passage.text[start:end]
        matched = sum(idf(term) for term in set(tokenize(sentence)) & query_terms)
        links = links_in(start, end)
        has_media = any(ln.kind != "link" for ln in links)
        fragment = not links and len(sentence.strip()) < 60 and not sentence.rstrip().endswith(_SENTENCE_END)
        return (matched + (1.0 if has_media else 0.0)) * (0.25 if fragment else 1.0) - 0.01 * i

    if not bounds:
        return passage.text[:SNIPPET_CHARS], list(passage.links)
    best = max(range(len(bounds)), key=score)
    chosen = [best]
    # Widen with neighbours while the snippet stays short: context helps a one-line sentence.
    for neighbour in (best + 1, best - 1):
        if 0 <= neighbour < len(bounds):
            start = bounds[min(*chosen, neighbour)][0]
            end = bounds[max(*chosen, neighbour)][1]
            if end - start <= SNIPPET_CHARS:
                chosen.append(neighbour)
    start, end = bounds[min(chosen)][0], bounds[max(chosen)][1]
    if end - start > SNIPPET_CHARS:
        start, end = _window(passage.text, start, end, query_terms, idf)
    text = passage.text[start:end].strip()
    text = ("…" if start > bounds[min(chosen)][0] else "") + text
    text += "…" if end < bounds[max(chosen)][1] else ""
    return text, links_in(start, end)


def _window(text: str, start: int, end: int, query_terms: set[str], idf: Callable[[str], float]) -> tuple[int, int]:
    """About SNIPPET_CHARS of one long sentence, placed around its rarest question word, cut at spaces."""
    folded = fold(text[start:end])
    found = [(idf(term), folded.find(term)) for term in query_terms if term in folded]
    anchor = start + (max(found)[1] if found else 0)
    left = max(start, min(anchor - SNIPPET_CHARS // 3, end - SNIPPET_CHARS))
    right = min(end, left + SNIPPET_CHARS)
    if left > start:
        space = text.find(" ", left, anchor + 1 if anchor >= left else right)
        left = space + 1 if space != -1 else left
    if right < end:
        space = text.rfind(" ", max(left, anchor), right)
        right = space if space > left else right
    return left, right


class Answerer:
    """Question in, :class:`Answer` out: retrieval, translation de-duplication, abstention, snippets."""

    def __init__(self, retriever: Retriever, abstention: Abstention | None = None) -> None:
        self.retriever = retriever
        self.index: Index = retriever.index
        self.abstention = abstention or Abstention()
        vectors = self.index.vectors.reconstruct_n(0, self.index.vectors.ntotal)
        self._twins = translation_pairs(self.index.passages, np.asarray(vectors))
        self._row = {passage.id: row for row, passage in enumerate(self.index.passages)}
        lexical = getattr(retriever, "bm25", None)  # rarity of words, when the retriever has a BM25 side
        self._idf: Callable[[str], float] = lexical.idf if lexical is not None else (lambda term: 1.0)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, progress: bool = False) -> Answerer:
        """Load the encoder and the index (building it if needed) and wire the default retriever."""
        from embeddings.encoder import load_model
        from embeddings.index import ensure_index
        from embeddings.search import HybridRetriever

        settings = settings or Settings.from_env()
        model = load_model(settings.model_name)
        index = ensure_index(settings, model, progress=progress)
        return cls(HybridRetriever(index, model))

    def rank(self, question: str, lang: str) -> list[Hit]:
        """Hits with each paragraph once, shown in the asker's language when a translation exists."""
        ranked: list[Hit] = []
        shown: set[int] = set()
        for hit in self.retriever.search(question, k=RANKED * 3):
            row = self._row[hit.passage.id]
            if row in shown or self._twins[row] & shown:
                continue  # this paragraph, or a translation of it, is already in the list
            if hit.passage.lang != lang:
                hit, row = self._in_language(hit, row, lang)
                if row in shown:
                    continue
            shown.add(row)
            ranked.append(hit)
            if len(ranked) == RANKED:
                break
        return ranked

    def _in_language(self, hit: Hit, row: int, lang: str) -> tuple[Hit, int]:
        """The hit's translation in ``lang`` (and its row), if one carries every recording the hit cites.

        Translations are cut into passages differently, so a counterpart may hold only part of the
        paragraph; swapping to it must not lose the talk the question was about.
        """
        media = {link.url for link in hit.passage.links if link.kind != "link"}
        for twin in sorted(self._twins[row]):
            passage = self.index.passages[twin]
            if passage.lang == lang and media <= {link.url for link in passage.links}:
                return Hit(passage, hit.score, {**hit.channels, "translated_from": 1.0}), twin
        return hit, row

    def answer(self, question: str, hits: list[Hit], lang: str) -> Answer:
        """Compose the reply from ranked hits (already de-duplicated)."""
        if self.abstention.abstain(hits):
            return Answer(question=question, lang=lang, abstained=True)
        query_terms = set(tokenize(question))
        snippets: list[Snippet] = []
        for hit in hits[:MAX_SNIPPETS]:
            p = hit.passage
            text, links = _best_sentences(p, query_terms, self._idf)
            snippets.append(Snippet(text, p.title, p.section, p.date, p.lang, p.url, round(hit.score, 4), links))
        # The recordings the quoted sentences cite first, then the others of the quoted passages.
        media = [ln for snippet in snippets for ln in snippet.links]
        media += [ln for hit in hits[:MAX_SNIPPETS] for ln in hit.passage.links]
        shown = list({link.url: link for link in media if link.kind != "link"}.values())
        return Answer(question, lang, False, snippets, shown[:MAX_LINKS])

    def ask(self, question: str, lang: str | None = None) -> Answer:
        question = question.strip()
        lang = lang or detect_language(question)
        return self.answer(question, self.rank(question, lang), lang)
