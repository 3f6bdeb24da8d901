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
from collections.abc import Collection, Iterable
from functools import lru_cache

from embeddings.bm25 import STEM, tokenize
from embeddings.events import REGION_WORDS, find_dates
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


_HAPPENING = frozenset(
    "held hold holds take takes took taking place happen happens happened happening located host hosted hosting "
    "celebrate celebrated celebro celebra celebrara celebrará sera será fue tuvo tiene lugar realizo realizó realiza "
    "举办 举行 召开 办 开 在 是 哪儿 哪里 哪个 城市 时候 日期 地点".split())
"""Words that say only that an event takes place ("where was it held", "¿dónde se celebró?", "在哪里举办")."""


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


def asks_only_when_or_where(question: str, names: Collection[str]) -> bool:
    """"Where was IstioCon 2022 held?", "¿Cuándo es la KubeCon NA 2024?", "IstioCon 2022 在哪里举办？": when or where
    ``names`` (an edition) take place, and nothing else: what the edition's card answers. Not "when is the CFP
    deadline for Istio Day Europe 2024" (the card has the event's days, not the deadline)."""
    if not asks_when_or_where(question):
        return False
    named = {t for name in names for t in tokenize(name)} | _region_terms()
    return all(w in named or w in _HAPPENING or _WHEN_WHERE.fullmatch(w) for w in tokenize(question))


@lru_cache(maxsize=1)
def _region_terms() -> frozenset[str]:
    """The words of the regions' names ("na", "europa", "北美"), tokenized once, not per question."""
    return frozenset(t for name in REGION_WORDS for t in tokenize(name))


_RECORDING = re.compile(
    r"\b(?:videos?|recordings?|recorded|watch|youtube|slides?|deck|replay)\b"
    r"|\bv[ií]deos?\b|\bgrabad[oa]s?\b|\bgrabaci[oó]n(?:es)?\b|\bdiapositivas?\b|\bpresentaci[oó]n\b"
    r"|录像|视频|回放|录播|幻灯片|讲义|\bppt\b",
    re.IGNORECASE,
)


def asks_recording(question: str) -> bool:
    """"Is there a recording of…", "¿dónde están las diapositivas…?", "有录像吗": the answer is a talk's video or
    slides, so a passage that links one is likelier to answer (a feature of the learned ranking)."""
    return bool(_RECORDING.search(question))


_PRICE = re.compile(
    r"\b(?:cost|costs|price|priced|fee|fees|charge|pay|paid|how much)\b"
    r"|\bcu[aá]nto (?:cuesta|costaba|cost[oó]|vale|val[ií]a)\b"
    r"|\bprecios?\b|\btarifas?\b|多少钱|价格|票价|费用|收费",
    re.IGNORECASE,
)


def asks_price(question: str) -> bool:
    """"How much was an All-Access ticket", "¿cuánto cuesta la entrada?", "门票多少钱": the answer is money."""
    return bool(_PRICE.search(question))


# What something cost, strictly: "how much" alone asks for a quantity as often ("how much traffic"), and "cost"
# alone is often a topic ("the cost of sidecars", "reduce costs").
_PAID_FOR = r"(?:tickets?|registration|pass(?:es)?|entry|admission|exam|certification|book|sponsorship|attend\w*)"
_COST = re.compile(
    rf"\bhow much (?:does|did|do|is|was|were|are|will|would)\b[^?]*\b(?:cost|charge|pay|{_PAID_FOR})\b"
    rf"|\b{_PAID_FOR}\b[^?.]{{0,30}}\b(?:costs?|price[sd]?|fees?)\b|\b(?:costs?|price[sd]?|fees?)\b[^?.]{{0,30}}\b{_PAID_FOR}\b"
    r"|\bcu[aá]nto (?:cuesta|costaba|cost[oó]|vale|val[ií]a|cobra)\b|\bprecios?\b|多少钱|价格|票价|费用|收费",
    re.IGNORECASE,
)


def asks_cost(question: str) -> bool:
    """"What did a ticket cost", "¿cuánto costaba la entrada?", "门票多少钱": money asked for, strictly (not "the
    cost of sidecars", "who paid for the t-shirts", "how much traffic"), for the decisions that decline."""
    return bool(_COST.search(question))


def cost_unstated(question: str, texts: Iterable[str]) -> bool:
    """Does the question ask what something cost while none of ``texts`` states a price (or that it was free)? No
    post states an amount of money, so an extractive answer can only quote that something was free."""
    return asks_cost(question) and not any(holds_kind(text, "price") for text in texts)


def time_unstated(question: str, texts: Iterable[str]) -> bool:
    """Does the question ask at what time of day while none of ``texts`` writes one ("14:30", "2 pm")? The reply
    would quote a paragraph about the right thing that does not say when ("what time did Istio Day kick off")."""
    return asks_time(question) and not any(holds_kind(text, "time") for text in texts)


_WHICH_ROOM = re.compile(
    r"\b(?:which|what|exact|qu[eé]|cu[aá]l)\s+(?:\w+\s+){0,2}?(?:rooms?|halls?|salas?|auditori(?:um|o)|floor|piso|planta)\b"
    r"|\b(?:booth|stand|kiosk)\s+(?:number|no\.?|#)|\bn[uú]mero de (?:stand|sala)\b"
    r"|哪个(?:厅|展厅|会议室|房间)|几号(?:厅|展位|会议室)|展位号|几楼|哪(?:一)?层", re.IGNORECASE)
"""A room inside a venue asked for: "which room at McCormick Place", "¿en qué sala…?", "booth number", "几号厅"."""
_ROOM = re.compile(
    r"\b(?i:rooms?|halls?|salas?|auditori(?:um|o)|booth|stand|kiosk)\s+(?:#\s?|(?i:no)\.?\s?)?[A-Z0-9][\w-]*"
    r"|\b[A-Z][\w-]+\s+(?:Hall|Room|Auditorium)\b|\b\d+(?:st|nd|rd|th)\s+floor\b|\b(?:floor|piso|planta)\s+\d+"
    r"|展厅|会议室|[0-9一二三四五六七八九十]+\s?(?:楼|层|号厅|号展位)")
"""A room written: "Room 3A", "Exhibition Hall", "2nd Floor", "sala B", "展厅", "二层"."""


def room_unstated(question: str, texts: Iterable[str]) -> bool:
    """Does the question ask which room, hall or booth number while none of ``texts`` writes one? A paragraph about
    the venue that names no room cannot say where inside it something was."""
    return bool(_WHICH_ROOM.search(question)) and not any(_ROOM.search(text) for text in texts)


# A code repository asked for: a code host or Chinese words for a repository; "repo" alone only with a link asked
# ("the structure of the repos" is a topic, "link to the repo" asks for one).
_REPOSITORY = re.compile(
    r"\b(?:github|gitlab)\b|仓库|源码|源代码|开源地址|代码地址"
    r"|\b(?:repos?|repository|repositorios?)\b(?=.*\b(?:link|enlace|url)\b)"
    r"|\b(?:link|enlace|url)\b.*\b(?:repos?|repository|repositorios?)\b",
    re.IGNORECASE)
_CODE_HOST = re.compile(r"//(?:www\.)?(?:github\.com|gitlab\.com|gitee\.com|bitbucket\.org)/", re.IGNORECASE)


def asks_repository(question: str) -> bool:
    """"link to the istio-redirector github repo", "源码在哪个 github 仓库", "开源地址是啥": a repository's address."""
    return bool(_REPOSITORY.search(question))


def repository_unlinked(question: str, passages: Iterable[tuple[str, Iterable[str]]]) -> bool:
    """Does the question ask for a code repository while none of ``passages`` (text, link URLs) links one? The
    reply would quote the talk's abstract, which says what the code does, not where it is."""
    return asks_repository(question) and not any(
        _CODE_HOST.search(text) or any(_CODE_HOST.search(url) for url in urls) for text, urls in passages)


# Who won something: "who won the raffle", "which team won", "the winners", "¿quién ganó?", "谁赢了礼品".
_WINNER = re.compile(
    r"\b(?:who|which \w+)\b[^?.]{0,20}\b(?:won|winning)\b|\bwinners?\b"
    r"|\bqui[eé]n(?:es)?\b[^?.]{0,20}\b(?:gan[oó]|ganaron|se llev[oó]|recibi[oó])\b|\bqu[eé] \w+ gan[oó]\b"
    r"|\bganador(?:a|es)?\b|谁[^？?。]{0,6}(?:赢|拿|获)|赢家|中奖|获奖名单|获胜",
    re.IGNORECASE)
# An award, which the posts report when they name it (unlike a raffle's or a contest's prizes).
_AWARD = re.compile(r"\bawards?\b|\bpremios?\b|奖项|奖", re.IGNORECASE)
# A winner reported: "won", "received", "bagged the … award", "ganó", "获得了…奖" (not "a chance to win some swag").
_WINNER_REPORTED = re.compile(
    r"\b(?:won|winners? (?:is|are|was|were)|awarded|received|bagged|recipients?|gan[oó]|ganaron|ganadore?s"
    r"|recibi[oó]|recibieron|premiad[oa]s?)\b|获得了|荣获|获奖|获得.{0,20}奖|颁发|授予", re.IGNORECASE)


# Who gave, led or played something: "who gave the opening keynote", "quién presentó la charla de Trino",
# "哪两位维护者来讲", "谁做的开场致辞" (not "who sponsored", which a company answers, nor "who do I email").
_WHO_SPOKE = re.compile(
    r"\bwho\b.{0,40}\b(?:gave|give|gives|giving|present\w*|spoke|speak\w*|talk\w*|keynote|led|lead\w*|host\w*"
    r"|moderat\w*|chair\w*|design\w*|perform\w*|play\w*|deliver\w*|session|panel|opening|names? of)\b"
    r"|\bqui[eé]n(?:es)?\b.{0,40}\b(?:dio|d[aá]|present[oó]|presenta\w*|habl[oó]|habla|modera\w*|toc[oó]|dise[ñn][oó]"
    r"|lider\w*|charla|ponentes?|keynote|sesi[oó]n|panel|apertura)\b"
    r"|谁讲|谁做|谁主持|谁来讲|谁上台|谁演讲|谁分享|是谁(?:讲|做|主持|分享)|哪两位|哪位(?:讲|嘉宾)",
    re.IGNORECASE)


def asks_who_spoke(question: str) -> bool:
    """Does the question ask who gave, led or played something (a talk, a keynote, a panel, the music)? Only a
    passage that names people can answer it."""
    return bool(_WHO_SPOKE.search(question))


def winner_unreported(question: str, texts: Iterable[str]) -> bool:
    """Does the question ask who won while none of ``texts`` reports a winner? The posts announce raffles,
    giveaways and contests ("a chance to win some Istio swag") and never say who won them; awards they do report
    ("received well-deserved recognition: John Howard — Top Committer Award")."""
    return (bool(_WINNER.search(question)) and not _AWARD.search(question)
            and not any(_WINNER_REPORTED.search(text) for text in texts))


# A talk's recording, or its slides, asked for separately (:data:`_RECORDING` asks for either).
_VIDEO = re.compile(r"\b(?:videos?|recordings?|recorded|youtube|replay|v[ií]deos?|grabad[oa]s?|grabaci[oó]n(?:es)?)\b"
                    r"|录像|视频|回放|录播", re.IGNORECASE)
_SLIDES = re.compile(r"\b(?:slides?|deck|diapositivas?|diapos|pdf|ppt)\b|幻灯片|讲义|课件", re.IGNORECASE)


KEYWORDS = frozenset(
    "recording recordings grabacion grabaciones youtube slides diapositivas keynote keynotes workshop workshops "
    "presentation presentations presentacion speaker speakers ponente ponentes session sessions charlas "
    "salary salaries salario sueldo weather hotels hoteles airport airports aeropuerto restaurant restaurants "
    "restaurante passport visado pasaporte".split()
)
"""Words of six letters or more that the intents here and the grounding's off-topic subjects key on, folded: a
misspelt question word one edit from one ("recodring", "salery", "hotles") is corrected to it before anything reads
the question (:mod:`bot.core.spelling`), as a misspelt name is."""


def asks_video(question: str) -> bool:
    return bool(_VIDEO.search(question))


def asks_slides(question: str) -> bool:
    return bool(_SLIDES.search(question))


_QUANTITY = re.compile(r"\bhow (?:many|much|long)\b|\bcu[aá]nt[oa]s?\b|多少|(?<!哪)几(?:个|位|名|人|天)|多久|多长",
                       re.IGNORECASE)


_HOW_MANY = re.compile(
    r"\bhow many\b|\bcu[aá]nt(?:os|as)\b|\bcu[aá]nta gente\b"
    r"|(?<![费价钱]是)(?<![费价钱])多少(?!钱|时间|天)|(?<!哪)几(?:个|位|名|人|场|家)", re.IGNORECASE)


def asks_count(question: str) -> bool:
    """"How many people came", "¿cuántos ponentes…?", "多少人": a count of something the question names (not what
    it cost, "门票价格是多少", nor "how long", "需要多少时间"), which a passage answers by a number written before that
    thing."""
    return bool(_HOW_MANY.search(question)) and not asks_price(question)


_WHAT_TIME = re.compile(r"\b(?:what|which|at what) time\b|\bwhat hour\b|\bqu[eé] hora\b|几点|几时", re.IGNORECASE)
_CLOCK = re.compile(r"(?<![\d.:])\d{1,2}[:：]\d{2}(?![\d.])|\b\d{1,2}\s?[ap]\.?m\b|\d{1,2}\s?点", re.IGNORECASE)
"""A time of day: "14:30", "10:45 - 13:00", "2 pm", "下午 2 点"."""


def asks_time(question: str) -> bool:
    """"What time did Istio Day start?", "¿a qué hora empezó…?", "几点开始": the answer is a time of day."""
    return bool(_WHAT_TIME.search(question))


def asks_quantity(question: str) -> bool:
    """"How many people came…", "¿cuántas camisetas…?", "有多少人…", "how long is a talk": the answer is a number."""
    return bool(_QUANTITY.search(question))


_WHICH_SITE = re.compile(
    r"\b(?:website|site|link|url|page|sign-?up|repo|repos|repository|github|where (?:do|can|should|did) (?:i|we|you|"
    r"people) (?:send|submit|register|sign up|buy|get|find))\b"
    r"|\b(?:sitio|web|enlace|p[aá]gina|repositorio"
    r"|d[oó]nde (?:env[ií]o|mando|me inscribo|me registro|compro|consigo))\b"
    r"|网站|网址|链接|页面|仓库|在哪(?:里)?(?:提交|报名|注册|买|购买)",
    re.IGNORECASE,
)


def answer_kinds(question: str) -> frozenset[str]:
    """What the answering sentence holds beyond the question's words: ``date`` (when), ``number`` (how many),
    ``link`` (which site, where to submit or buy), ``price`` (how much it cost), ``recording`` (a talk's video or
    slides), ``time`` (what time of day). The sentence chosen to quote prefers one that has it, and a reply whose
    passages hold none of a date, number, price or time is likelier not to answer."""
    kinds = set()
    if asks_when_or_where(question):
        kinds.add("date")
    if asks_time(question):
        kinds.add("time")
    if asks_quantity(question):
        kinds.add("number")
    if _WHICH_SITE.search(question):
        kinds.add("link")
    if asks_price(question):
        kinds.add("price")
    if asks_recording(question):
        kinds.add("recording")
    return frozenset(kinds)


_COUNT = re.compile(
    r"(?<![A-Za-zÀ-ÿ\d.:/,第-])(?!(?:19|20)\d\d\b)(?:\d{1,3}(?:[,.]\d{3})+|\d+)(?:[kKM]|万|千)?\+?"
    r"(?![.:/]\d|[A-Za-zÀ-ÿ])(?=\s?多?\s?(?:[^\W\d_]{3,}|[人名位个场家款件国]|%))"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|dozens?|hundreds?|thousands?)\s+(?:of\s+)?[a-z]{3,}"
    r"|\b(?:dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|doce|veinte)\s+[a-záéíóúñ]{3,}"
    r"|\b(?:decenas|cientos|miles)\s+de\s+[a-záéíóúñ]{3,}"
    r"|(?<!第)[两二三四五六七八九十百千万]+多?(?:个|位|名|场|家|款|件|人|国)",
    re.IGNORECASE,
)
"""A number that counts something: digits or a number word before what they count ("4,000 people", "84 countries",
"50k+ pods", "two maintainers", "dos ponentes", "292 人", "两位", "90%"). Not a year, a time (14:30), a version
(1.18), an ordinal (2nd) or the day of a date (dates are found and left out by :func:`counts_something`)."""
_MONEY = re.compile(r"[$€£¥]\s?\d|\d\s?(?:USD|EUR|US\$|dollars?|d[oó]lares|euros?|美元|欧元|元)"
                    r"|\bfree (?:of charge|to (?:attend|join|register)|registration|admission|entry|event)\b"
                    r"|\b(?:is|are|was|were|be|it's)\s+(?:completely\s+|totally\s+)?free\b|\bgratis\b|\bgratuit[ao]s?\b|免费",
                    re.IGNORECASE)
"""An amount of money, or that attending was free ("free of charge", "is free"; not "a free, signed copy"): both
say what something cost."""
ANY_YEAR = "2000"
"""The year :func:`~embeddings.events.find_dates` assumes where a date names none: any will do to find dates."""


_COUNTED_SPAN = 30
"""Characters after a number that may name what it counts ("50k+ Pods", "more than 4,000 people from 84 countries")."""


def _singular(word: str) -> str:
    """A Latin plural's stem ("CRDs", "CRD's" and "CRD", "nodes" and "node" compare alike), which a word shorter
    than STEM letters would keep apart."""
    word = word.removesuffix("'s").removesuffix("’s")
    return word[:-1] if len(word) > 3 and word.endswith("s") and word.isascii() else word


def counts_something(text: str, of: Collection[str] | None = None) -> bool:
    """Does ``text`` write a count (:data:`_COUNT`) outside its dates ("26 de septiembre" counts nothing)? With
    ``of`` (words, e.g. a question's and their translations): a count of one of them, written in the few words
    after the number ("4,000 people" for "how many people", not for "how many sponsors"), compared by
    :data:`~embeddings.bm25.STEM`-letter stems, so "ponente" finds "ponentes"."""
    matches = list(_COUNT.finditer(text))
    if not matches:
        return False
    dates = find_dates(text, ANY_YEAR)
    wanted = {_singular(word)[:STEM] for word in of} if of is not None else None
    for match in matches:
        if any(d.at <= match.start() < d.stop for d in dates):
            continue
        counted = {_singular(w)[:STEM] for w in tokenize(text[match.start() : match.end() + _COUNTED_SPAN])}
        if wanted is None or counted & wanted:
            return True
    return False


def holds_kind(text: str, kind: str, link_kinds: Collection[str] = ()) -> bool:
    """Does ``text``, with links of ``link_kinds`` (``video``, ``slides``, ``link``…), hold an answer of ``kind``
    (:func:`answer_kinds`)? A link or a recording is in the links, not in the words."""
    if kind == "link":
        return "link" in link_kinds
    if kind == "recording":
        return "video" in link_kinds or "slides" in link_kinds
    if kind == "date":
        return bool(find_dates(text, ANY_YEAR))
    if kind == "number":  # "how much" is a count, or an amount of money
        return counts_something(text) or bool(_MONEY.search(text))
    if kind == "price":
        return bool(_MONEY.search(text))
    if kind == "time":
        return bool(_CLOCK.search(text))
    return False
