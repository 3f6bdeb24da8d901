"""The gap report: what users asked that the bot could not answer, and what they said about its answers.

Read from the question log and the votes in the store (:mod:`bot.store`): questions declined, answers
voted 👎 with the reasons given, the most asked topics, and each language's figures. ``istio-events-bot
report`` prints it (or ``--json``); ``/istio-events report`` shows it to the admins in Slack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from bot.store import Store, StoredAnswer, StoredVote

DEFAULT_SINCE = dt.timedelta(days=7)
MAX_LISTED = 20
_DURATION = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(text: str) -> dt.timedelta:
    """``30m``, ``24h``, ``7d`` or ``2w`` as a duration; anything else is a ``ValueError`` that says so."""
    match = _DURATION.match(text or "")
    if not match or int(match.group(1)) <= 0:
        raise ValueError(f"--since takes a duration like 30m, 24h, 7d or 2w, not {text!r}")
    return dt.timedelta(**{_UNITS[match.group(2).lower()]: int(match.group(1))})


@dataclass(frozen=True)
class LanguageFigures:
    lang: str
    asked: int
    declined: int
    votes_up: int
    votes_down: int


@dataclass(frozen=True)
class DeclinedQuestion:
    question: str
    lang: str
    times: int
    last_asked: str


@dataclass(frozen=True)
class DownVoted:
    question: str
    lang: str
    topic: str | None
    declined: bool
    votes_down: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Topic:
    topic: str
    asked: int
    votes_up: int
    votes_down: int


@dataclass(frozen=True)
class GapReport:
    since: str
    until: str
    asked: int
    declined_share: float
    languages: list[LanguageFigures]
    declined: list[DeclinedQuestion]
    downvoted: list[DownVoted]
    topics: list[Topic]

    def to_dict(self) -> dict:
        return asdict(self)

    def to_text(self) -> str:
        lines = [f"Gap report {self.since} → {self.until}: {self.asked} questions, "
                 f"{self.declined_share:.0%} declined"]
        lines += ["", "By language (asked / declined / 👍 / 👎):"]
        lines += [f"  {f.lang:6} {f.asked:5} {f.declined:5} {f.votes_up:5} {f.votes_down:5}" for f in self.languages]
        lines += ["", "Declined questions (most asked first):"]
        lines += [f"  {d.times}× [{d.lang}] {d.question}" for d in self.declined] or ["  none"]
        lines += ["", "Answers voted 👎:"]
        for d in self.downvoted:
            what = "declined" if d.declined else (d.topic or "?")
            lines.append(f"  {d.votes_down}× [{d.lang}] {d.question} → {what}")
            lines += [f"      reason: {reason}" for reason in d.reasons]
        if not self.downvoted:
            lines.append("  none")
        lines += ["", "Most asked topics (asked / 👍 / 👎):"]
        lines += [f"  {t.asked:4} {t.votes_up:3} {t.votes_down:3}  {t.topic}" for t in self.topics] or ["  none"]
        return "\n".join(lines)


def build_report(answers: list[StoredAnswer], votes: list[StoredVote], since: dt.datetime,
                 until: dt.datetime) -> GapReport:
    """Aggregate the log: answers asked in the window, and the votes on them whenever they were cast."""
    by_answer: dict[int, list[StoredVote]] = defaultdict(list)
    for vote in votes:
        by_answer[vote.answer_id].append(vote)
    figures: dict[str, Counter[str]] = defaultdict(Counter)
    declined: dict[tuple[str, str], list[StoredAnswer]] = defaultdict(list)
    topics: dict[str, Counter[str]] = defaultdict(Counter)
    downvoted: list[DownVoted] = []
    for answer in answers:
        cast = by_answer.get(answer.id, [])
        up, down = sum(v.value > 0 for v in cast), sum(v.value < 0 for v in cast)
        figures[answer.lang].update(asked=1, declined=int(answer.declined), up=up, down=down)
        if answer.declined:
            declined[(" ".join(answer.question.casefold().split()), answer.lang)].append(answer)
        elif answer.topic:
            topics[answer.topic].update(asked=1, up=up, down=down)
        if down:
            reasons = [v.reason for v in cast if v.value < 0 and v.reason]
            downvoted.append(DownVoted(answer.question, answer.lang, answer.topic, answer.declined, down, reasons))
    asked = len(answers)
    return GapReport(
        since=since.isoformat(timespec="minutes"),
        until=until.isoformat(timespec="minutes"),
        asked=asked,
        declined_share=round(sum(a.declined for a in answers) / asked, 3) if asked else 0.0,
        languages=[LanguageFigures(lang, c["asked"], c["declined"], c["up"], c["down"])
                   for lang, c in sorted(figures.items(), key=lambda item: -item[1]["asked"])],
        declined=sorted(
            (DeclinedQuestion(group[-1].question, lang, len(group), group[-1].asked_at.isoformat(timespec="minutes"))
             for (_, lang), group in declined.items()),
            key=lambda d: (-d.times, d.question),
        )[:MAX_LISTED],
        downvoted=sorted(downvoted, key=lambda d: -d.votes_down)[:MAX_LISTED],
        topics=sorted((Topic(topic, c["asked"], c["up"], c["down"]) for topic, c in topics.items()),
                      key=lambda t: (-t.asked, t.topic))[:MAX_LISTED],
    )


def gap_report(store: Store, since: dt.timedelta = DEFAULT_SINCE, now: dt.datetime | None = None) -> GapReport:
    """The report of the last ``since`` from the store (raises :class:`bot.store.StoreError` when unreadable)."""
    until = now or dt.datetime.now(dt.UTC)
    start = until - since
    return build_report(store.answers_since(start), store.votes_since(start), start, until)
