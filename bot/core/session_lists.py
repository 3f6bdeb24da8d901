"""Questions that ask for a list of talks: "IstioCon 2021 talks in Chinese", "eBPF talks at IstioCon 2022",
"Lin Sun's talks", "¿Qué talleres hubo en IstioCon 2022?", "IstioCon 2022 有哪些中文演讲？".

Such a question is answered with the matching sessions, several of them, rather than one passage. It is
recognised by a plural word for talks (or a Chinese "which …" with a word for talks) and read as
filters on the sessions' typed fields: the event (a year or a program's name), the language the talk
was given in, the format (workshop, lightning talk, keynote, panel), a speaker named in the question,
and the topic (the words left over, matched against the sessions' text by BM25). A question whose
filters match no program session falls back to ordinary passages (the posts list other events' talks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from embeddings.bm25 import BM25Index, fold, tokenize
from embeddings.events import mentions
from embeddings.passages import Passage
from embeddings.sessions import Session
from embeddings.text_patterns import YEAR

TOPIC_SHARE = 0.5
"""A session is on the topic when its BM25 score is at least this share of the best session's."""

_LIST_WORDS = re.compile(
    r"\b(?:talks|sessions|presentations|keynotes|workshops|lightning talks|panels|speeches|recordings|videos|"
    r"charlas|sesiones|ponencias|presentaciones|talleres|conferencias|grabaciones|vídeos|videos)\b"
    r"|(?:哪些|什么|所有|列出|有几个|多少).{0,12}(?:演讲|议题|分享|会议|讲座|工作坊|workshop|视频|录像|session)"
    r"|(?:演讲|议题|分享|讲座|工作坊|workshop)(?:有哪些|列表|都有)",
    re.IGNORECASE,
)
_LANGUAGE_WORDS = {
    "zh": re.compile(r"\b(?:in )?chinese\b|\b(?:en )?chino\b|中文|汉语|普通话|华语", re.I),
    "en": re.compile(r"\b(?:in )?english\b|\b(?:en )?inglés\b|\bingles\b|英文|英语", re.I),
}
_FORMAT_WORDS = {
    "workshop": re.compile(r"\bworkshops?\b|\btalleres\b|\btaller\b|工作坊|动手实验|实验课", re.I),
    "lightning": re.compile(r"\blightning\b|\brelámpago\b|\brelampago\b|闪电", re.I),
    "keynote": re.compile(r"\bkeynotes?\b|主题演讲|主旨演讲", re.I),
    "panel": re.compile(r"\bpanels?\b|\bmesas? redondas?\b|圆桌", re.I),
}
# Words that ask for the list or name the program rather than a topic (tokenized on first use: jieba
# loads its dictionary then, not when this module is imported).
_FRAME_WORDS = (
    "talk talks session sessions presentation presentations keynote keynotes workshop workshops lightning "
    "panel panels speech speeches recording recordings video videos given gave held list show which were "
    "charla charlas sesion sesiones ponencia ponencias presentacion presentaciones taller talleres conferencias "
    "grabacion grabaciones video videos dieron hubo dio cuales muestrame lista "
    "演讲 议题 分享 讲座 工作坊 视频 录像 哪些 列出 所有 有 给 chinese english chino ingles 中文 英文 汉语 英语 "
    "istiocon istio con program programa 大会 会议 relampago 闪电 动手 实验 mesa redonda 圆桌 by de por in en"
)


@lru_cache(maxsize=1)
def _frame() -> frozenset[str]:
    return frozenset(tokenize(_FRAME_WORDS))


@dataclass(frozen=True)
class ListQuery:
    """What a list question asks for: filters on session fields, and the topic words left over."""

    years: frozenset[str] = frozenset()
    language: str = ""
    format: str = ""
    speakers: frozenset[str] = frozenset()
    topic: tuple[str, ...] = ()
    filters: tuple[str, ...] = field(default=())
    """Which filters the question set (for explaining the answer)."""


_ASKS_WHERE = re.compile(
    r"^\W*where\b|\bwhere (?:else|can|could|do|does|did|is|are|was|were|should|would|to)\b"
    r"|\b(?:somewhere|elsewhere|anywhere)\b|\ben otr[oa] (?:sitio|lado|lugar|parte|plataforma)\b"
    r"|\b(?:another|other) (?:place|site|channel|platform)\b|\botr[oa]s? (?:canal|sitio|lugar|plataforma)"
    r"|\b(?:channel|mirror)\b|频道|镜像"
    r"|¿\s*d[oó]nde\b|\bd[oó]nde (?:m[aá]s|puedo|podemos|se puede|encuentro|veo|est[aá]n?|hay|consigo)\b"
    r"|哪里|哪儿|在哪|什么地方|别的地方|其他地方|别处",
    re.IGNORECASE,
)
"""A question asking where (to watch the talks, where a schedule is, another channel or a mirror): it wants a place
or a link, not the talks. A relative "where" ("talks where they discuss eBPF") does not count."""


_BESIDES_THE_TALKS = re.compile(
    r"\bhow long\b|\bwhat time\b|\ba qu[eé] hora\b|\bcu[aá]nto (?:dura|duraba|duraban|duran)\b|几点|多长时间|多久"
    r"|\b(?:apart from|besides|aside from|other than|beyond) the\b|\bjust (?:the )?talks\b|\baparte de\b"
    r"|\badem[aá]s de (?:las|los)\b|除了",
    re.IGNORECASE,
)
"""A question about the talks' length or time ("how long were lightning talks", "¿a qué hora empiezan las
sesiones?"), or about what there was besides them ("apart from the talks, …"): not a list of talks."""


def is_list_question(question: str) -> bool:
    return (bool(_LIST_WORDS.search(question)) and not _ASKS_WHERE.search(question)
            and not _BESIDES_THE_TALKS.search(question))


def _speaker_keys(name: str) -> set[str]:
    """The forms a speaker is asked about by: folded full name, each order of a two-part Chinese name."""
    keys = {fold(" ".join(name.split()))}
    if " " not in name and len(name) in (2, 3) and all(ord(ch) > 0x2E80 for ch in name):
        keys |= {name, name[1:] + name[:1]}
    return keys


def parse(question: str, years: frozenset[str], speakers: dict[str, set[str]]) -> ListQuery:
    """Read a list question's filters against the programs' years and speakers (name → the forms a
    question may use for it)."""
    folded = fold(question)
    asked_years = frozenset(YEAR.findall(question)) & years
    language = next((code for code, rx in _LANGUAGE_WORDS.items() if rx.search(question)), "")
    fmt = next((name for name, rx in _FORMAT_WORDS.items() if rx.search(question)), "")
    named_speakers = frozenset(name for name, keys in speakers.items() if any(key in folded for key in keys))
    named = set(tokenize(" ".join(named_speakers)))
    words = (re.sub(r"['’]s$", "", t) for t in tokenize(question))  # "Lin Sun's" → lin, sun
    topic = tuple(t for t in words if t not in _frame() and t not in named and not YEAR.fullmatch(t))
    filters = tuple(name for name, value in (("year", asked_years), ("language", language), ("format", fmt),
                                             ("speaker", named_speakers)) if value)
    return ListQuery(asked_years, language, fmt, named_speakers, topic, filters)


def _format_matches(session: Session, fmt: str) -> bool:
    return fmt in session.format or (fmt == "keynote" and "keynote" in session.track.lower())


class SessionLister:
    """Answers list questions from the sessions in an index."""

    def __init__(self, passages: list[Passage]) -> None:
        self.rows = [i for i, p in enumerate(passages) if p.kind == "session" and p.session is not None]
        self.sessions: list[Session] = [passages[i].session for i in self.rows]  # type: ignore[misc]
        self._bm25 = BM25Index([passages[i].embedding_text for i in self.rows]) if self.rows else None
        self._years = frozenset(s.year for s in self.sessions)
        # Full names only ("Lin Sun", 许超): a lone given name would match too many questions.
        self._speakers = {
            speaker.name: {key for key in _speaker_keys(speaker.name) if key}
            for session in self.sessions for speaker in session.speakers
            if len(speaker.name.split()) > 1 or not speaker.name.isascii()
        }

    def matches(self, question: str) -> tuple[ListQuery, list[int]] | None:
        """Passage rows of every session a list question asks for, best first; None when it is no list
        question, or one about talks no program holds."""
        if not self.rows or not is_list_question(question):
            return None
        query = parse(question, self._years, self._speakers)
        if not query.filters and not query.topic:
            return None
        if set(YEAR.findall(question)) - query.years or any(
            m.series != "istiocon" or m.region or m.where for m in mentions(question, any_case=True)
        ):
            return None  # another event's talks (a year, a KubeCon, IstioCon China): the posts list them
        keep = [
            k for k, s in enumerate(self.sessions)
            if (not query.years or s.year in query.years)
            and (not query.language or s.language == query.language)
            and (not query.format or _format_matches(s, query.format))
            and (not query.speakers or {sp.name for sp in s.speakers} & query.speakers)
        ]
        if not keep:
            return None
        scores = self._bm25.scores(list(query.topic)) if self._bm25 and query.topic else np.zeros(len(self.rows))
        best = max((scores[k] for k in keep), default=0.0)
        selective = bool({"language", "format", "speaker"} & set(query.filters))
        if query.topic and best <= 0 and not selective:
            return None  # a topic no talk of that program is about ("Dapr talks at IstioCon 2022")
        if best > 0 and not selective:
            # Sessions about the topic: those scoring at least half the best (the rest only share a word).
            # With a speaker, language or format chosen, leftover words are phrasing ("did … give"): they
            # order the list but do not cut it.
            keep = [k for k in keep if scores[k] >= TOPIC_SHARE * best]
        if best > 0:
            keep.sort(key=lambda k: (-scores[k], self.sessions[k].start or "9999"))
        else:
            keep.sort(key=lambda k: (self.sessions[k].start or "9999", self.sessions[k].id))
        if not query.filters and len(keep) < 2:
            return None  # one talk on a topic: an ordinary answer quotes it better
        return query, [self.rows[k] for k in keep]
