"""From hits to a reply: cited snippets, the recordings they mention, or an honest "I don't know".

Answers are extractive, so the choices made here are what the user reads: the most relevant
sentences of each passage (not whole paragraphs), each paragraph once even when it exists in several
languages (in the asker's language where possible), and no answer at all when the evidence is weak.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import lru_cache

from bot.core import compose
from bot.core.abstention import TOP, Abstention, Evidence
from bot.core.citations import split_events
from bot.core.grounding import Grounding, Knowledge, NotFound
from bot.core.intents import (
    KEYWORDS,
    answer_kinds,
    asks_next_month,
    asks_only_when_or_where,
    asks_upcoming,
    asks_when_or_where,
    asks_who_spoke,
    cost_unstated,
    holds_kind,
    repository_unlinked,
    room_unstated,
    time_unstated,
    winner_unreported,
)
from bot.core.language import corpus_language, detect_language
from bot.core.markup import unmark
from bot.core.ranking import CANDIDATES, COGNATE_STEM, Corpus, Ranker
from bot.core.reply import Quote, Reply
from bot.core.session_lists import SessionLister
from bot.core.spelling import Speller
from embeddings.bilingual_lexicon import Lexicon
from embeddings.bm25 import fold, tokenize
from embeddings.config import Settings
from embeddings.events import expand_short_years, named_events
from embeddings.index import Index
from embeddings.markdown import Link
from embeddings.passages import Passage, sentence_bounds
from embeddings.search import ChannelScores, Hit, Retriever

logger = logging.getLogger(__name__)

MAX_SNIPPETS = TOP
SNIPPET_CHARS = 300
MAX_LINKS = 6
_SENTENCE_END = (".", "!", "?", "。", "！", "？")
RANKED = 10
"""Length of the de-duplicated ranked list (what ``eval`` scores)."""
RARE_IDF = 3.0
"""A word with at least this BM25 idf (in about one passage in 20 or fewer: "Bloomberg", "posture", not "day") is
one a translation must keep: the common words a question shares with a paragraph say which event, not which part."""


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[list[tuple[int, int]], list[frozenset[str]]]:
    """A passage's sentence ranges and the words of each: the same passages are quoted again and again,
    and tokenizing them (jieba for Chinese) was most of the time spent composing an answer."""
    bounds = sentence_bounds(text)
    return bounds, [frozenset(tokenize(text[start:end])) for start, end in bounds]


@lru_cache(maxsize=4096)
def _title_words(title: str) -> frozenset[str]:
    return frozenset(tokenize(title))


@dataclass(frozen=True)
class Wanted:
    """What the quoted sentence should hold: the question's words, their translations (a passage in another
    language answers in its own words), and the kinds of answer asked for (:func:`~bot.core.intents.answer_kinds`)."""

    terms: dict[str, float]
    """Each word and how much it counts: 1 for the question's own, TRANSLATED_WEIGHT for a translation."""
    kinds: frozenset[str] = frozenset()
    stems: frozenset[str] = frozenset()
    """The first COGNATE_STEM letters of the question's long Latin words: a sentence word that begins the same way
    (and is no question word) counts as a translation ("patentes" / "patents", "universidad" / "university"), which
    the mined lexicon lacks for words only one language's documents use."""

    @classmethod
    def of(cls, question: str, lang: str, lexicon: Lexicon, names: Collection[str] = ()) -> Wanted:
        """``names``: what the question is grounded in (a speaker, an edition): the words of those names count
        NAME_WEIGHT, since a quoted passage is about them already and its answering sentence is the one with the
        question's other words ("how many patents does Lin Sun have": the sentence with "patents")."""
        own = tokenize(question)
        named = {w for name in names for w in tokenize(name)}
        terms = (dict.fromkeys(lexicon.expand(own, lang), TRANSLATED_WEIGHT)
                 | {w: NAME_WEIGHT if w in named else 1.0 for w in own})
        stems = frozenset(w[:COGNATE_STEM] for w in own if len(w) > COGNATE_STEM and w.isascii() and w.isalpha())
        return cls(terms, answer_kinds(question), stems)

    def weight(self, words: frozenset[str], idf: Callable[[str], float], title: frozenset[str] = frozenset()) -> float:
        """How much of what is wanted a sentence's words hold, each weighted by rarity. A word of the quoted
        passage's ``title`` counts as a name: the question used it to say which talk or post it means ("la historia
        de Sberbank … a producción" for "Sberbank Story: moving Istio from PoC to production"), and the sentence
        that answers is the one with its other words ("¿de cuántos clusters hablan?")."""
        exact = words & self.terms.keys()
        cognates = [w for w in words - exact if len(w) > COGNATE_STEM and w[:COGNATE_STEM] in self.stems]
        own = sum((min(self.terms[term], NAME_WEIGHT) if term in title else self.terms[term]) * idf(term)
                  for term in exact)
        return own + sum((NAME_WEIGHT if term in title else TRANSLATED_WEIGHT) * idf(term) for term in cognates)


TRANSLATED_WEIGHT = 0.5
"""A translation of a question word is weaker evidence than the word itself: the lexicon is mined, not curated."""
NAME_WEIGHT = 0.25
"""How much a word of a name the question is grounded in counts when choosing the sentence to quote: chosen on the
tuning sets (answer shown 0.837 at 1, 0.844 at 0.5, 0.845 at 0.25 and at 0.1)."""
KIND_BONUS = 2.0
"""Score a sentence gains for holding the kind of answer asked for (a date, a number, a link), as much as a
recording link gains twice over: chosen on the tuning sets (answer shown 0.845 at 1, 0.846 at 2 and 3)."""


def _best_sentences(
    passage: Passage, wanted: Wanted, idf: Callable[[str], float]
) -> tuple[str, list[Link], list[tuple[int, int]]]:
    """The passage's most relevant sentences (about SNIPPET_CHARS), the links they contain, and where in
    the quoted text each link is written (so it stays clickable there).

    A sentence scores by the rarity-weighted question words it contains (translations count half), plus a
    bonus for holding the kind of answer asked for and one for citing a recording; fragments without a link
    (image captions) only win when nothing else matches. A session is quoted by its abstract (its speakers and
    format are in the citation), unless only its speakers' line matches the question ("who from Salesforce"); a
    speaker page by its biography (the designation is in the citation).
    """
    bounds, words = _sentences(passage.text)
    title = _title_words(passage.title)

    def links_in(start: int, end: int) -> list[Link]:
        return [ln for ln, (a, _) in zip(passage.links, passage.link_spans, strict=True) if start <= a < end]

    def score(i: int) -> float:
        start, end = bounds[i]
        sentence = passage.text[start:end]
        matched = wanted.weight(words[i], idf, title)
        links = links_in(start, end)
        has_media = any(ln.kind != "link" for ln in links)
        link_kinds = {link.kind for link in links}
        holds = matched and any(holds_kind(sentence, kind, link_kinds) for kind in wanted.kinds)
        bonus = (1.0 if has_media else 0.0) + (KIND_BONUS if holds else 0.0)
        fragment = not links and len(sentence.strip()) < 60 and not sentence.rstrip().endswith(_SENTENCE_END)
        return (matched + bonus) * (0.25 if fragment else 1.0) - 0.01 * i

    if not bounds:
        return passage.text[:SNIPPET_CHARS], list(passage.links), [(0, 0)] * len(passage.links)
    candidates = list(range(len(bounds)))
    if passage.kind == "speaker" and passage.description and passage.text.startswith(passage.description):
        # The designation (its first line) is in the quote's citation: the biography is what is quoted.
        biography = [i for i in candidates if bounds[i][0] >= len(passage.description)]
        candidates = biography or candidates
    if passage.session is not None and passage.session.abstract and passage.text.endswith(passage.session.abstract):
        at = len(passage.text) - len(passage.session.abstract)
        abstract = [i for i in candidates if bounds[i][0] >= at]
        if abstract and (max(map(score, abstract)) > 0 or max(map(score, candidates)) <= 0):
            candidates = abstract
    best = max(candidates, key=score)
    chosen = [best]
    # Widen with neighbours while the snippet stays short: context helps a one-line sentence.
    for neighbour in (best + 1, best - 1):
        if neighbour in candidates:
            start = bounds[min(*chosen, neighbour)][0]
            end = bounds[max(*chosen, neighbour)][1]
            if end - start <= SNIPPET_CHARS:
                chosen.append(neighbour)
    start, end = bounds[min(chosen)][0], bounds[max(chosen)][1]
    if end - start > SNIPPET_CHARS:
        start, end = _window(passage.text, start, end, set(wanted.terms), idf)
    stripped = passage.text[start:end]
    lead = "…" if start > bounds[min(chosen)][0] else ""
    shift = len(lead) - start - (len(stripped) - len(stripped.lstrip()))
    text = lead + stripped.strip()
    links, spans = [], []
    for ln, (a, b) in zip(passage.links, passage.link_spans, strict=True):
        if start <= a < end:
            links.append(ln)
            inside = b <= end and a < b  # a link cut by the window is cited, not drawn
            spans.append((a + shift, b + shift) if inside else (0, 0))
    text += "…" if end < bounds[max(chosen)][1] else ""
    return text, links, spans


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
    """Question in, :class:`~bot.core.reply.Reply` out: retrieval, translation de-duplication, abstention, snippets."""

    def __init__(
        self, retriever: Retriever, abstention: Abstention | None = None, today: Callable[[], dt.date] | None = None,
        ranker: Ranker | None = None,
    ) -> None:
        self.retriever = retriever
        self.index: Index = retriever.index
        lexical = getattr(retriever, "bm25", None)  # rarity of words, when the retriever has a BM25 side
        # The calibration and the ranking were fitted on the hybrid retriever's channels; a dense-only one gets
        # the rule and its own order.
        self.abstention = abstention or (
            Abstention.for_model(self.index.model) if lexical is not None else Abstention(None, lexical=False)
        )
        self.ranker = ranker or (
            Ranker.for_index(self.index, lexical.idf) if lexical is not None else Ranker(None, Corpus.of(self.index)))
        self.lister = SessionLister(self.index.passages)
        self.today = today or dt.date.today
        self._twins = self.index.twins
        self._row = {passage.id: row for row, passage in enumerate(self.index.passages)}
        self._languages = frozenset(passage.lang for passage in self.index.passages)
        vocabulary = getattr(retriever, "vocabulary", None)  # the words the documents use, when known
        self._known_word: Callable[[str], bool] = (
            vocabulary.__contains__ if vocabulary is not None else (lambda word: True)
        )
        self._idf: Callable[[str], float] = lexical.idf if lexical is not None else (lambda term: 1.0)
        # What exists (editions, sessions, speakers, companies, places): each question is grounded in it.
        self.knowledge = Knowledge(self.index, self._known_word)
        # Misspelt names and keywords ("istocon", "salesfroce", "recodring") are corrected before anything reads
        # the question.
        self.speller = Speller(dict.fromkeys(KEYWORDS, 0) | self.knowledge.name_words(), self._known_word,
                               self.knowledge.speaker_names())

    @classmethod
    def load(cls, settings: Settings) -> Answerer:
        """The answerer over the build already in ``settings.index_dir``, never building one (what an answer
        process serves while a sync may be writing the next build; a host with no build at all builds it
        first: :meth:`from_settings`)."""
        from embeddings.encoder import load_query_encoder
        from embeddings.index import IndexUnavailable, has_build, load_index
        from embeddings.search import HybridRetriever

        try:
            index = load_index(settings.index_dir) if has_build(settings.index_dir) else None
        except IndexUnavailable as exc:  # damaged: rebuilt from the embedding cache, as at any start
            logger.warning("%s: building it again", exc)
            index = None
        if index is None:
            return cls.from_settings(settings)
        return cls(HybridRetriever(index, load_query_encoder(settings.model_name)))

    @classmethod
    def from_settings(cls, settings: Settings, progress: bool = False) -> Answerer:
        """Load the index (building it first if needed: embedding passages the cache lacks) and the query
        encoder, and wire the default retriever."""
        from embeddings.encoder import load_query_encoder
        from embeddings.index import ensure_index
        from embeddings.search import HybridRetriever

        index = ensure_index(settings, progress=progress)
        return cls(HybridRetriever(index, load_query_encoder(settings.model_name)))

    def translations(self, passage: Passage) -> list[Passage]:
        """The passages that translate (part of) ``passage``."""
        row = self._row.get(passage.id)
        return [self.index.passages[twin] for twin in sorted(self._twins[row])] if row is not None else []

    def rank(self, question: str, lang: str, grounding: Grounding | None = None) -> list[Hit]:
        """Hits in the learned order (:mod:`bot.core.ranking`), each paragraph once, shown in the asker's language
        when a translation exists.

        A question asking for a list of talks gets the matching sessions instead, in list order.
        """
        listed = self.lister.matches(question)
        if listed is not None:
            _, rows = listed
            listed_hit = ChannelScores(listed=True)
            return [Hit(self.index.passages[row], 1.0 / (rank + 1), listed_hit) for rank, row in enumerate(rows)]
        grounding = grounding or self.ground(question)
        hits = self.retriever.search(question, k=CANDIDATES, lang=lang)
        hits = self.ranker.order(question, lang, grounding, hits)
        if not asks_when_or_where(question):
            # A card says only an event's dates and place: for any other question, every passage goes first.
            hits = sorted(hits, key=lambda hit: hit.passage.kind == "event")
        elif (len(grounding.editions) == 1 and not grounding.sessions and not grounding.speakers
              and asks_only_when_or_where(question, grounding.names)):
            # Only when or where one edition takes place: its card, posts and banners go first, in the learned order
            # (a post on another edition that says where that one "was held" does not answer, nor does a talk).
            hits = sorted(hits, key=lambda hit: not (hit.passage.kind in ("event", "post", "banner")
                                                     and grounding.about(hit.passage)))
        return self._dedupe(hits, lang, question)

    def _dedupe(self, hits: list[Hit], lang: str, question: str) -> list[Hit]:
        ranked: list[Hit] = []
        shown: set[int] = set()
        retrieved = {self._row[hit.passage.id] for hit in hits}
        asked = frozenset(tokenize(question))
        for hit in hits:
            row = self._row[hit.passage.id]
            if row in shown or self._twins[row] & shown:
                continue  # this paragraph, or a translation of it, is already in the list
            if hit.passage.lang != lang:
                hit, row = self._in_language(hit, row, lang, retrieved, asked)
                if row in shown:
                    continue
            shown.add(row)
            ranked.append(hit)
            if len(ranked) == RANKED:
                break
        return ranked

    def _in_language(
        self, hit: Hit, row: int, lang: str, retrieved: set[int], asked: frozenset[str],
    ) -> tuple[Hit, int]:
        """The hit's translation in ``lang`` (and its row), if one writes every word of the question the hit
        writes (``asked``: the question's words) and carries every recording the hit cites or was itself
        retrieved for the question.

        Translations are cut into passages differently, and some leave things out (a list of companies one
        short), so a counterpart may hold only part of the paragraph. The words a question shares with a
        paragraph in another language are names, numbers and product words, which a faithful translation
        keeps: a counterpart without them is not the part the question matched. Nor may swapping lose the
        talk the question was about, unless the retriever found that counterpart relevant on its own.
        """
        words = self.knowledge.passage_words
        # (Numbers are left out: a translation writes them its own way, "4,000" / "4.000".)
        matched = {word for word in asked & words[row]
                   if self._idf(word) >= RARE_IDF and not any(ch.isdigit() for ch in word)}
        media = {link.url for link in hit.passage.links if link.kind != "link"}
        for twin in sorted(self._twins[row], key=lambda twin: twin not in retrieved):
            passage = self.index.passages[twin]
            if passage.lang != lang or not matched <= words[twin]:
                continue
            if twin in retrieved or media <= {link.url for link in passage.links}:
                return Hit(passage, hit.score, replace(hit.channels, translated_from=True)), twin
        return hit, row

    def evidence(self, question: str, hits: list[Hit], grounding: Grounding | None = None,
                 lang: str | None = None) -> Evidence:
        """What the abstention decision reads: the hits' channels, whether an unknown event is named, and what
        the question is grounded in (grounded here unless given) and its language (detected unless given)."""
        return Evidence.of(question, hits, named_events(question, self.index.events, self.knowledge.event_word),
                           grounding or self.ground(question), self.index.lexicon.expand(tokenize(question)),
                           lang or detect_language(question))

    def cannot_quote(self, question: str, hits: list[Hit], grounding: Grounding) -> bool:
        """Does the question ask what something cost, at what time of day, in which room, for a code repository, who
        won or who gave a talk, while no passage the reply would quote states a price (or that it was free), a time,
        a room, links a repository, reports a winner or names anyone? An extractive answer cannot quote what no
        passage states. A price, a time or a room counts only in a passage about the edition the question names,
        when it names one (a stream's schedule does not say when Istio Day began). A post lists KubeCon's Istio
        talks by title alone; only a program or a recap says who spoke."""
        quoted = [hit.passage for hit in hits[:MAX_SNIPPETS]]
        texts = [p.text for p in quoted]
        of_edition = [p.text for p in quoted if grounding.about(p)] if grounding.editions else texts
        return (cost_unstated(question, of_edition) or time_unstated(question, of_edition)
                or room_unstated(question, of_edition)
                or repository_unlinked(question, [(p.text, [link.url for link in p.links]) for p in quoted])
                or winner_unreported(question, texts)
                or (asks_who_spoke(question) and not grounding.sessions
                    and not any(p.kind in ("session", "speaker") or self.knowledge.names_a_person(p.text)
                                for p in quoted)))

    def missing_detail(self, question: str, lang: str, hits: list[Hit], grounding: Grounding) -> NotFound | None:
        """A recording or slides asked of the talk of a named speaker the question describes in words its passage
        writes ("Nick Nellis' talk on a local istio-proxy"; not "Lin Sun's talk", which any of hers may be), whose
        program entry lists none (:meth:`Knowledge.ranked_session_detail`)."""
        if grounding.not_found is not None or not grounding.speakers:
            return None
        asked = self.ranker.corpus.asked(question, lang, grounding.names)
        ranked = [hit.passage.session for hit in hits[:MAX_SNIPPETS]
                  if hit.passage.session is not None and self.ranker.corpus.coverage(asked, hit.passage) > 0]
        return self.knowledge.ranked_session_detail(grounding, ranked)

    def ground(self, question: str) -> Grounding:
        """What the question names, resolved against the knowledge, and what it names that is not known."""
        return self.knowledge.ground(question)

    def answer(self, question: str, hits: list[Hit], lang: str, grounding: Grounding | None = None) -> Reply:
        """Compose the reply from ranked hits (already de-duplicated).

        A question that names something the knowledge says does not exist (an edition that never
        happened, a company's talk at an edition whose program has none) is declined with what is not
        known and what is known next to it, whatever the hits are."""
        grounding = grounding or self.ground(question)
        not_found = grounding.not_found or self.missing_detail(question, lang, hits, grounding)
        if not_found is not None:
            return compose.not_found_reply(question, lang, not_found)
        if hits and hits[0].channels.listed:
            sessions = [hit.passage.session for hit in hits if hit.passage.session is not None]
            # The reply shows the first sessions with their recording and slides links.
            shown = [ln for hit in hits[:compose.MAX_LISTED_SHOWN] for ln in hit.passage.links if ln.kind != "session"]
            return compose.sessions_reply(question, lang, sessions, shown)
        if grounding.off_topic == "thanks":
            return compose.welcome(question, lang)
        if not hits or self.abstention.abstain(self.evidence(question, hits, grounding, lang), grounding):
            return compose.dont_know(question, lang)
        if self.cannot_quote(question, hits, grounding):
            return compose.dont_know(question, lang)
        wanted = Wanted.of(question, lang, self.index.lexicon, grounding.names)
        quotes: list[Quote] = []
        for hit in hits[:MAX_SNIPPETS]:
            p = hit.passage
            if p.kind in ("post", "speaker", "page"):
                text, links, spans = _best_sentences(p, wanted, self._idf)
            elif p.kind == "session":  # its abstract's best sentences, with the links they write; its card's links
                text, written, at = _best_sentences(p, wanted, self._idf)
                cited = [ln for ln, span in zip(p.links, p.link_spans, strict=True) if span == (0, 0)]
                inline = [(ln, span) for ln, span in zip(written, at, strict=True) if span != (0, 0)]
                if "link" in wanted.kinds:  # asked for a link: the abstract's others are cited beside the quote
                    drawn = {ln.url for ln, _ in inline}
                    cited += [ln for ln in p.links if ln not in cited and ln.url not in drawn]
                links, spans = cited + [ln for ln, _ in inline], [(0, 0)] * len(cited) + [span for _, span in inline]
            else:  # a card's first line; a banner (a few lines) whole, with all its links
                text = p.text.split("\n")[0] if p.kind == "event" else p.text
                links, spans = list(p.links), [(0, 0)] * len(p.links)
            quotes.append(Quote(text, p.title, p.section, p.date, p.lang, p.url, round(hit.score, 4), links,
                                p.kind, p.session, p.event, spans, passage_id=p.id,
                                role=p.description if p.kind == "speaker" else ""))
        # The recordings the quoted sentences cite first, then the others of the quoted passages (a
        # session's page and slides are in its citation, not among the videos).
        media = [ln for quote in quotes for ln in quote.links]
        media += [ln for hit in hits[:MAX_SNIPPETS] for ln in hit.passage.links]
        videos = list({link.url: link for link in media if link.kind == "video"}.values())
        return compose.quotes_reply(question, lang, quotes, videos[:MAX_LINKS])

    def upcoming(self, question: str, lang: str) -> Reply:
        """The events still to come, soonest first, from the catalogue; for "next month", those that take
        place during next month, or all coming ones when none does (and the reply says so). With none
        known the reply says so and names the latest event."""
        today = self.today()
        coming, past = split_events(self.index.events, today)
        all_coming = False
        if asks_next_month(question):
            first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1).isoformat()
            after = (dt.date.fromisoformat(first) + dt.timedelta(days=32)).replace(day=1).isoformat()
            in_month = [e for e in coming if e.start < after and (e.end or e.start) >= first]
            all_coming = not in_month
            coming = in_month or coming
        dated = [e for e in past if e.start]
        latest = max(dated, key=lambda e: (e.end or e.start, e.start), default=None)
        return compose.upcoming_reply(question, lang, coming, latest, today, all_coming=all_coming)

    def reply(self, question: str, lang: str) -> tuple[Reply, list[Hit]]:
        """The reply a user gets, and the ranked hits behind it (the cards of the events an upcoming
        answer names): what ``ask`` returns and what ``eval`` scores. A message about the coming events that asks
        nothing of them ("what's the weather at the next KubeCon?", "next KubeCon I'll bring you a t-shirt, what
        size do you wear?") is declined as any off-topic message is."""
        grounding = self.ground(question)
        if asks_upcoming(question) and self.index.events and not grounding.off_topic:
            answer = self.upcoming(question, lang)
            order = [e.key for e in answer.events] + ([answer.latest.key] if answer.latest else [])
            cards = sorted((p for p in self.index.passages if p.event is not None and p.event.key in order),
                           key=lambda p: order.index(p.event.key))  # type: ignore[union-attr]
            hits = [Hit(p, 1.0, ChannelScores(upcoming=True)) for p in cards]
            return answer, self._dedupe(hits, lang, question)
        hits = self.rank(question, lang, grounding)
        return self.answer(question, hits, lang, grounding), hits

    def respond(self, message: str, lang: str | None = None) -> tuple[Reply, list[Hit]]:
        """What a user gets for a message as Slack delivers it: markup read as words, the language
        detected as the bot does (unless given). ``eval`` scores exactly this. The reply repeats the question as
        the user wrote it, not as the bot read it (misspelt names corrected, short years written out)."""
        question, language = self.read(message, lang)
        if not question:  # nothing but mentions: nothing to search for
            return compose.dont_know(question, language), []
        reply, hits = self.reply(question, language)
        reply.question = unmark(message)
        return reply, hits

    def read(self, message: str, lang: str | None = None) -> tuple[str, str]:
        """A message as the bot reads it: markup as words, and the corpus language it is answered in."""
        question = expand_short_years(self.speller.correct(unmark(message)))
        if not question:
            return question, lang or "en"
        return question, corpus_language(lang or detect_language(question), self._languages)

    def ask(self, message: str, lang: str | None = None) -> Reply:
        return self.respond(message, lang)[0]

    def warm_up(self) -> None:
        """Answer a question in each script once, so the first asker does not pay for loading the language
        detector's models or jieba's dictionary, whatever its language."""
        self.ask("Who gave the opening keynote? 谁做了开幕主题演讲？")
