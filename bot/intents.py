"""What kind of answer a question wants beyond ranked passages: the next events, from the catalogue.

Recognised by question words in English, Spanish and Chinese. "What's next?" and "is there an event
next month?" are about the calendar relative to today, so they are answered from the event catalogue,
not from passages (which were all written in the past). A question that names a year is about that
time ("the next KubeCon after London 2025"), so it stays an ordinary question.
"""

from __future__ import annotations

import re

_UPCOMING = re.compile(
    r"\b(?:next|upcoming|coming up|future|soon|what'?s on)\b|\bpr[oó]xim[oa]s?\b|\bsiguientes?\b|\bfuturos?\b|"
    r"下一[个次场届]|下个月|下月|即将|接下来|未来|近期|最近有",
    re.IGNORECASE,
)
_NEXT_MONTH = re.compile(r"\bnext month\b|\bpr[oó]ximo mes\b|\bel mes que viene\b|下个月|下月", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def asks_upcoming(question: str) -> bool:
    """"What's the next Istio event?", "¿Hay algún evento el próximo mes?", "下一个 Istio 活动是什么时候？"."""
    return bool(_UPCOMING.search(question)) and not _YEAR.search(question)


def asks_next_month(question: str) -> bool:
    return bool(_NEXT_MONTH.search(question))

