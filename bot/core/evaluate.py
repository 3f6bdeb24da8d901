"""Retrieval and answer quality over a question set (the metrics of ``../shared/README.md``).

A question set is JSON lines: ``id``, ``lang``, ``question``, ``relevant`` (answer strings, given in every
language version of the post that holds the answer), ``links`` (URLs a good reply shows), optional
``abstain: true`` (the posts do not answer it) and optional ``cross: true`` (the answer exists only in
languages other than the question's).

Each question is answered as a Slack message would be (:meth:`Answerer.respond`: markup read as words,
language detected by the bot; ``lang`` only groups the report), and scored by:

* ``recall@k``, ``mrr@10``: the rank of the first passage whose own text or links hold an answer string
  (:func:`is_relevant`; a date only when its whole span matches, :func:`holds`), over answerable questions;
  a declined one counts as a miss. recall@3 is what the reply quotes; recall@5 is a diagnostic.
* ``answer_shown``: an answer string is in what the reply shows (:func:`shown_text`: the quoted snippets,
  not their whole passages, their citations and the links drawn), over answerable questions.
* ``link_hit``: one of the question's links is among the links the reply draws (:meth:`Reply.shown_links`).
* ``abstain_recall``: questions to decline that the bot declined; ``false_abstain_rate``: answerable
  questions it declined.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bot.core.answerer import Answerer
from bot.core.reply import Reply
from embeddings.config import DEFAULT_BASE_URL
from embeddings.events import find_dates
from embeddings.markdown import display_url, youtube_id
from embeddings.passages import Passage
from embeddings.search import Hit

KS = (1, 3, 5)
"""recall@1 and recall@3 (what a reply quotes) are headline figures; recall@5 is a diagnostic."""


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
    """Does the passage's own text, or one of its links as written in markdown, hold a relevant string?

    Only the passage itself counts, never its translations: a question set names the answer in every
    language version of the post that holds it. A relevant string is matched by :func:`holds`.
    """
    haystacks = [passage.text] + [f"[{ln.text}]({ln.url})" for ln in passage.links]
    return any(holds(hay, needle) for needle in relevant for hay in haystacks)


_NO_YEAR = "0004"
"""The year :func:`_spans` gives a date written without one (never a real event's year)."""

Span = tuple[str, str]
_URL = re.compile(r"https?://[^\s)\]>]+")
_ISO_TIME = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(?::\d\d(?:\.\d+)?)?Z?", re.IGNORECASE)
_SESSION_TIME = re.compile(r"(\d{4}-\d\d-\d\d) (\d\d:\d\d)(?:–(\d\d:\d\d))?")


_CARD_SLOT = re.compile(r"([^·\n]+), (\d\d:\d\d)(?:–(\d\d:\d\d))? UTC")


def _clock_times(text: str) -> set[tuple[str, str]]:
    """(day, HH:MM) of each time a session passage writes ("2022-04-25 19:50–20:30 UTC": its start and end), or a
    session's card in any language ("25 de abril de 2022, 19:50–20:30 UTC")."""
    times = {(m.group(1), clock) for m in _SESSION_TIME.finditer(text) for clock in m.groups()[1:] if clock}
    for m in _CARD_SLOT.finditer(text):
        days = {start for (start, end), _, _ in _spans(m.group(1).lower()) if start == end}
        times |= {(day, clock) for day in days for clock in m.groups()[1:] if clock}
    return times


@lru_cache(maxsize=16384)
def _spans(text: str) -> tuple[tuple[Span, int, int], ...]:
    """The date spans ``text`` writes: ((first day, last day) as ISO dates, where it starts, where it ends)."""
    return tuple(((s.start, s.end), s.at, s.stop) for s in find_dates(text, _NO_YEAR))


def _same_span(a: Span, b: Span) -> bool:
    """The same first and last day; a date written without its year matches that day in any year."""
    def same(x: str, y: str) -> bool:
        return x[5:] == y[5:] and (x[:4] == y[:4] or _NO_YEAR in (x[:4], y[:4]))
    return same(a[0], b[0]) and same(a[1], b[1])


def holds(text: str, needle: str) -> bool:
    """Does ``text`` give the answer ``needle``? Case-insensitively, and a date only when its whole span matches.

    * ``needle`` written in ``text``: credited unless a date of ``text`` there is a different span, so
      "15 November" is not found in "12–15 November" and "12 November 2025" not in "11–12 November 2025"
      (the day is written, the answer is not).
    * A recording's URL: credited when ``text`` links the same video; a program's UTC time stamp
      ("2021-02-23T18:30:00.000Z"): when ``text`` gives that day and time as a session passage writes it.
    * Every date of ``needle`` written with its year, and ``text`` giving each of those spans in another
      format or language, with its year ("April 1–4, 2025" and "1–4 de abril de 2025", "2025年4月1日至4日"):
      credited, since the answer to "when" is the span, not its spelling. A single day does not match a
      longer span nor a span its first day ("12 November 2025" is not "12–15 November 2025", nor the reverse).
    """
    low, want = text.lower(), needle.lower()
    if not want:
        return False
    video = youtube_id(needle.strip()) if "://" in needle else None
    if video:  # a recording, however its URL is spelt (embed, watch, youtu.be)
        return any(youtube_id(url) == video for url in _URL.findall(text))
    stamp = _ISO_TIME.fullmatch(needle.strip())
    if stamp:  # a program's "2021-02-23T18:30:00.000Z" is the session's "2021-02-23 18:30–21:00 UTC"
        return (stamp.group(1), stamp.group(2)) in _clock_times(text)
    needle_spans = [span for span, _, _ in _spans(want)]
    text_spans = _spans(low)
    at = low.find(want)
    while at >= 0:
        end = at + len(want)
        inside = [span for span, start, stop in text_spans if start < end and at < stop]
        if all(any(_same_span(span, mine) for mine in needle_spans) for span in inside):
            return True
        at = low.find(want, at + 1)
    if not needle_spans or any(_NO_YEAR in span[0] for span in needle_spans):
        return False
    dated = [span for span, _, _ in text_spans if _NO_YEAR not in span[0]]
    return all(span in dated for span in needle_spans)


def shown_text(reply: Reply) -> str:
    """The text a reply shows, one line per thing drawn: its first line, each quoted snippet (the quoted
    sentences, not their whole passage) and its citation, the recordings, the list items; then every
    link drawn, as ``[text](url)`` (how :func:`is_relevant` reads a passage's links)."""
    lines = [reply.title]
    for quote in reply.quotes:
        lines += ["".join(part.text for part in quote.inline), " · ".join(part.text for part in quote.citation)]
    lines += [link.text for link in reply.videos]
    for group in reply.groups:
        items = ([[group.heading]] if group.heading else []) + group.items
        lines += [" · ".join(part.text for part in item) for item in items]
    lines += [f"[{part.text}]({part.url})" for part in reply.parts() if part.url]
    return "\n".join(lines)


@dataclass
class Outcome:
    """One question's result: the rank of the first relevant passage (None: not in the list)."""

    question: Question
    answer: Reply
    hits: list[Hit]
    rank: int | None
    link_hit: bool | None
    shown: bool = False
    """An answer string is in the text the reply shows (:func:`shown_text`)."""


def shown_links(reply: Reply) -> set[str]:
    """The URLs the reply shows (what every view of it links), normalised for comparison."""
    return {_normal(url) for url in reply.shown_links()}


def _normal(url: str) -> str:
    """One spelling per link: a YouTube video by its id (embed, watch and youtu.be links are one video)."""
    url = unquote(url)
    video = youtube_id(url)
    return f"youtube:{video}" if video else display_url(url).rstrip("/").lower()


def links_hit(shown: set[str], expected: tuple[str, ...], site: str = DEFAULT_BASE_URL) -> bool:
    """Is one of the expected links among those shown? A link written as a file name or a relative path (a program
    gives slides as "f2s-SalesforceServiceMesh.pdf", a post links "./IstioMeetupChina-….pdf", a banner links the
    site's "/blog/2022/introducing-ambient-mesh/", which the reply shows under the ``site``'s base URL) is the shown
    URL that ends with it, a site path the one under the base URL."""
    for link in expected:
        if link.startswith("/") and not link.startswith("//"):
            link = site.rstrip("/") + link
        normal = _normal(link)
        if normal in shown:
            return True
        if "://" not in link and not link.startswith("www."):
            tail = "/" + unquote(link).removeprefix("./").rstrip("/").lower()
            if any(url.endswith(tail) for url in shown):
                return True
    return False


@dataclass
class QuestionSetEvaluator:
    """Runs every question through the answerer as the bot would and scores the outcome."""

    questions: list[Question]
    outcomes: list[Outcome] = field(default_factory=list)
    site: str = DEFAULT_BASE_URL
    """The base URL the question sets' site paths ("/blog/2023/…/") are under: the documents' site."""

    def run(self, answerer: Answerer) -> dict[str, Any]:
        self.outcomes = []
        for q in self.questions:
            answer, hits = answerer.respond(q.question)
            rank, shown = None, False
            if not answer.abstained:
                rank = next((i + 1 for i, h in enumerate(hits) if is_relevant(h.passage, q.relevant)), None)
                text = shown_text(answer)
                shown = any(holds(text, needle) for needle in q.relevant)
            link_hit = links_hit(shown_links(answer), q.links, self.site) if q.links else None
            self.outcomes.append(Outcome(q, answer, hits, rank, link_hit, shown))
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
        recall = {k: share(sum(o.rank is not None and o.rank <= k for o in answerable), len(answerable)) for k in KS}
        report["recall@1"], report["recall@3"] = recall[1], recall[3]
        report["answer_shown"] = share(sum(o.shown for o in answerable), len(answerable))
        report["mrr@10"] = share(sum(1 / o.rank for o in answerable if o.rank and o.rank <= 10), len(answerable))
        report["link_hit"] = share(sum(bool(o.link_hit) for o in with_links), len(with_links))
        report["abstain_recall"] = share(sum(o.answer.abstained for o in abstain), len(abstain))
        report["false_abstain_rate"] = share(sum(o.answer.abstained for o in answerable), len(answerable))
        report["recall@5"] = recall[5]  # a diagnostic: the reply quotes three
        return report


HEADLINE = ("recall@1", "recall@3", "answer_shown", "mrr@10", "link_hit", "abstain_recall", "false_abstain_rate")
"""The figures ``make eval`` reports for every set; ``recall@5`` follows them as a diagnostic."""


def pooled(outcomes: list[Outcome]) -> dict[str, Any]:
    """The metrics of several sets' outcomes together, with recall@1 where the answer is in another language."""
    report = QuestionSetEvaluator.metrics(outcomes)
    crossing = QuestionSetEvaluator.metrics([o for o in outcomes if o.question.cross])
    report["cross"] = crossing["answerable"]
    report["cross_recall@1"] = crossing["recall@1"]
    return report
