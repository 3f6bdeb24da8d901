"""Retrieval and answer quality over a question set (the metrics of ``../shared/README.md``).

A question set is JSON lines: ``id``, ``lang``, ``question``, ``relevant`` (strings; a passage is
relevant when its text or one of its links contains any of them, case-insensitively), ``links`` (URLs
a good reply shows), optional ``abstain: true`` (the posts do not answer it) and optional ``cross: true``
(the answer exists only in languages other than the question's).

Each question is answered as a Slack message would be (:meth:`Answerer.respond`: markup read as words,
language detected by the bot; ``lang`` only groups the report), and the reply is scored by what it shows:
``link_hit`` counts only the links the reply draws (:meth:`Reply.shown_links`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bot.core.answerer import Answerer
from bot.core.reply import Reply
from embeddings.events import find_dates
from embeddings.markdown import display_url, youtube_id
from embeddings.passages import Passage
from embeddings.search import Hit

KS = (1, 3, 5)


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    question: str
    relevant: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    abstain: bool = False
    cross: bool = False


def load_questions(path: Path) -> list[Question]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                Question(row["id"], row.get("lang", ""), row["question"], tuple(row.get("relevant", [])),
                         tuple(row.get("links", [])), bool(row.get("abstain", False)),
                         bool(row.get("cross", False)))
            )
        except (json.JSONDecodeError, KeyError) as exc:
            raise ValueError(f"{path}:{number}: not a question ({exc})") from None
    return questions


def is_relevant(passage: Passage, relevant: tuple[str, ...]) -> bool:
    """Does the passage's text, or one of its links as written in markdown, contain a relevant string?

    A relevant string that is a dated day ("April 1, 2025", "2025年4月1日") also matches a passage that
    gives that day in another format or language ("1 April 2025", "1–4 de abril de 2025"): the answer
    to "when" is the day, not its spelling.
    """
    haystacks = [passage.text.lower()] + [f"[{ln.text}]({ln.url})".lower() for ln in passage.links]
    if any(needle.lower() in hay for needle in relevant for hay in haystacks):
        return True
    wanted = {day for needle in relevant for day in _days(needle)}
    return bool(wanted and wanted & _days(passage.text))


@lru_cache(maxsize=8192)
def _days(text: str) -> frozenset[str]:
    """The first days of the dates ``text`` writes with their year."""
    return frozenset(span.start for span in find_dates(text, ""))


def answers(passage: Passage, relevant: tuple[str, ...], answerer: Answerer) -> bool:
    """Relevant itself, or a translation of a relevant paragraph: the same answer in another language.

    Question sets name the answer as it is written in one language version ("26 de septiembre");
    the English version of that paragraph answers just as well.
    """
    return is_relevant(passage, relevant) or any(is_relevant(t, relevant) for t in answerer.translations(passage))


@dataclass
class Outcome:
    """One question's result: the rank of the first relevant passage (None: not in the list)."""

    question: Question
    answer: Reply
    hits: list[Hit]
    rank: int | None
    link_hit: bool | None


def shown_links(reply: Reply) -> set[str]:
    """The URLs the reply shows (what every view of it links), normalised for comparison."""
    return {_normal(url) for url in reply.shown_links()}


def _normal(url: str) -> str:
    """One spelling per link: a YouTube video by its id (embed, watch and youtu.be links are one video)."""
    url = unquote(url)
    video = youtube_id(url)
    return f"youtube:{video}" if video else display_url(url).rstrip("/").lower()


@dataclass
class QuestionSetEvaluator:
    """Runs every question through the answerer as the bot would and scores the outcome."""

    questions: list[Question]
    outcomes: list[Outcome] = field(default_factory=list)

    def run(self, answerer: Answerer) -> dict[str, Any]:
        self.outcomes = []
        for q in self.questions:
            answer, hits = answerer.respond(q.question)
            rank = None
            if not answer.abstained:
                rank = next((i + 1 for i, h in enumerate(hits) if answers(h.passage, q.relevant, answerer)), None)
            link_hit = bool(shown_links(answer) & {_normal(url) for url in q.links}) if q.links else None
            self.outcomes.append(Outcome(q, answer, hits, rank, link_hit))
        report = self.metrics(self.outcomes)
        by_lang: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            by_lang[outcome.question.lang].append(outcome)
        report["by_lang"] = {lang: self.metrics(items) for lang, items in sorted(by_lang.items())}
        crossing = [o for o in self.outcomes if o.question.cross]
        if crossing:
            report["cross_lingual"] = self.metrics(crossing)
        report["misses"] = [
            o.question.id for o in self.outcomes
            if (o.question.abstain and not o.answer.abstained) or (not o.question.abstain and o.rank != 1)
        ]
        return report

    @staticmethod
    def metrics(outcomes: list[Outcome]) -> dict[str, Any]:
        answerable = [o for o in outcomes if not o.question.abstain]
        abstain = [o for o in outcomes if o.question.abstain]
        with_links = [o for o in outcomes if o.link_hit is not None]

        def share(count: float, total: int) -> float | None:
            return round(count / total, 4) if total else None

        report: dict[str, Any] = {"n": len(outcomes), "answerable": len(answerable)}
        for k in KS:
            report[f"recall@{k}"] = share(sum(o.rank is not None and o.rank <= k for o in answerable), len(answerable))
        report["mrr@10"] = share(sum(1 / o.rank for o in answerable if o.rank and o.rank <= 10), len(answerable))
        report["link_hit"] = share(sum(bool(o.link_hit) for o in with_links), len(with_links))
        report["abstain_recall"] = share(sum(o.answer.abstained for o in abstain), len(abstain))
        report["false_abstain_rate"] = share(sum(o.answer.abstained for o in answerable), len(answerable))
        return report
