"""What kind of answer a question wants beyond ranked passages: the coming events, from the catalogue.

"What's next?" and "is there an Istio event next month?" are about the calendar relative to today, so
they are answered from the event catalogue, not from passages (which were all written in the past). A
time word alone is not enough ("what is next for ambient mesh?", "Istio 未来的路线图" are about the
project): the question must also name events ("event", "conference", "IstioCon", "活动"), or be nothing
but the time question ("what's next?"). A question that names a year is about that time ("the next
KubeCon after London 2025"), so it stays an ordinary question.
"""

from __future__ import annotations

import re

from embeddings.text_patterns import YEAR

_UPCOMING = re.compile(
    r"\b(?:next|upcoming|coming up|future|soon)\b|\bpr[oó]xim[oa]s?\b|\bsiguientes?\b|\bfuturos?\b|"
    r"下一[个次场届]|下个月|下月|即将|接下来|未来|近期",
    re.IGNORECASE,
)
_EVENT_NOUN = re.compile(
    r"\b(?:events?|conferences?|meetups?|istiocon|kubecon|istio ?day|eventos?|conferencias?)\b|活动|大会|会议|聚会",
    re.IGNORECASE,
)
_BARE = re.compile(r"^\W*(?:what'?s|what is)\s+(?:coming\s+)?(?:up\s+)?next\W*$|^\W*(?:¿\s*)?qu[eé] sigue\W*$"
                   r"|^\W*接下来(?:呢|是什么)?\W*$", re.IGNORECASE)
_NEXT_MONTH = re.compile(r"\bnext month\b|\bpr[oó]ximo mes\b|\bel mes que viene\b|下个月|下月", re.IGNORECASE)


NEAR_WORDS = 2
"""How many words may stand between the time word and the event word ("the next Istio event", "eventos
de Istio próximos", "下一个 Istio 活动"); farther apart they are about something else ("who spoke next
after the keynote at Istio Day")."""


def asks_upcoming(question: str) -> bool:
    """"What's the next Istio event?", "¿Hay algún evento el próximo mes?", "下一个 Istio 活动是什么时候？"."""
    if YEAR.search(question):
        return False
    if _BARE.search(question) or (_NEXT_MONTH.search(question) and _EVENT_NOUN.search(question)):
        return True
    times = [(m.start(), m.end()) for m in _UPCOMING.finditer(question)]
    nouns = [(m.start(), m.end()) for m in _EVENT_NOUN.finditer(question)]
    return any(_close(question[t1:n0] if t1 <= n0 else question[n1:t0]) for t0, t1 in times for n0, n1 in nouns)


def _close(gap: str) -> bool:
    """At most NEAR_WORDS words between (a Chinese run of up to 4 characters counts as one word)."""
    words = [w for w in re.split(r"\s+|(?<=[\u4e00-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u4e00-\u9fff])", gap)
             if w.strip()]
    return len(words) <= NEAR_WORDS and all(len(w) <= 8 for w in words)


def asks_next_month(question: str) -> bool:
    return bool(_NEXT_MONTH.search(question))


_WHEN_WHERE = re.compile(
    r"\b(?:when|where|dates?|(?:what|which) day|city|venue|held|location)\b|"
    r"\bcu[aá]ndo\b|\bd[oó]nde\b|\bfechas?\b|\bqu[eé] d[ií]a\b|\bciudad\b|\blugar\b|\bsede\b|"
    r"什么时候|何时|哪天|哪一天|几号|日期|时间|在哪|哪里|哪个城市|地点|举办地",
    re.IGNORECASE,
)


_WHERE_TO_FIND = re.compile(
    r"\bwhere (?:can|could|do|should|would) (?:i|we|you|one)\b"
    r"|\bwhere(?:'s| is| are) the (?:video|recording|slides?|link)"
    r"|\bd[oó]nde (?:puedo|podemos|se puede|encuentro"
    r"|est[aá]n? (?:el|la|los|las) (?:v[ií]deo|grabaci|diapositiva|enlace))"
    r"|(?:在哪|哪里)(?:里)?(?:可以|能)?(?:看|找|下载|观看)",
    re.IGNORECASE,
)


def asks_when_or_where(question: str) -> bool:
    """"When was Istio Day Europe 2025?", "¿Dónde fue la KubeCon NA 2024?", "IstioCon 2022 是什么时候？": what
    an event's card (its dates and place) answers. "Where can I watch…", "¿Dónde puedo ver…?" and
    "在哪看" ask for a recording or a link, not a place."""
    return bool(_WHEN_WHERE.search(question)) and not _WHERE_TO_FIND.search(question)
