"""What a question names, resolved against the typed knowledge, and what it names that is not known.

Retrieval finds passages that share words with a question; it cannot tell that the question is about
something that does not exist. "Who gave the keynote on quantum networking at IstioCon 2021?" shares
"keynote", "IstioCon" and "2021" with many passages, and "IstioCon 2022 上美团的演讲有录像吗？" with the
call for proposals. :class:`Knowledge` holds what the documents say exists, built once from the index:

- the **editions** of each event series (the catalogue: name, year, region, in English, Spanish and
  Chinese, read by :func:`embeddings.events.mentions`), and the editions any passage names;
- the **sessions** of the programs (titles), their **speakers** (any script, either name order, with and
  without accents) and their **companies**, derived from the speakers' designations ("Architect at
  Salesforce", "Tetrate, Solution Architect", "网易数帆 资深架构师"), folded so that "sales force",
  "Salesforce" and "SALESFORCE" meet, with the Chinese names the corpus's own translations give them
  (the mined lexicon: huawei → 华为); no company is written here;
- the **places** of the catalogue's events, in every card language.

:meth:`Knowledge.ground` reads one question into a :class:`Grounding`: the editions, sessions, speakers,
companies and places it names, and, when the question clearly names a combination the knowledge does
not have, a :class:`NotFound` saying what (an edition that never happened, a company or name with no talk
at an edition whose program is known, a topic no talk or post of that edition mentions, talks of an
edition known only by its date, a figure no post of that edition states). Only a clear combination is
asserted: a wrong "not found" on an answerable question is as bad as a wrong answer. ``off_topic`` is
set for questions about salaries, the weather, hotels, flights, ages, food, visas, stock prices, hiring,
private details or passwords (words and phrases no document uses: naming a known person or city does not
make them answerable), requests for poems or jokes, how-to questions on using Istio, opinions (the bot's asked
for, or the asker's given), and small talk.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from bot.core.intents import ANY_YEAR, asks_slides, asks_video, cost_unstated
from bot.core.spelling import MIN_LENGTH
from embeddings.bm25 import STOPWORDS, fold, tokenize
from embeddings.event_words import CARD_LANGUAGES
from embeddings.events import ISTIO_SERIES, REGION_WORDS, Event, Mention, find_dates, mentions, named_events
from embeddings.index import Index
from embeddings.markdown import CJK_CHAR
from embeddings.passages import Passage
from embeddings.sessions import Session
from embeddings.text_patterns import YEAR

# Words of a designation that say a role, not a company ("Senior Software Engineer at Red Hat").
_ROLE = re.compile(
    r"\b(?:engineer\w*|eng|software|senior|sr|principal|staff|lead|leader|architect\w*|director|manager|developer|"
    r"advocate|founder|founding|co-?founder|ceo|cto|vp|head|chief|member|technical|product|marketing|field|"
    r"solutions?|customer|devops|sre|reliability|infrastructure|networking|committer|maintainer|working group|"
    r"co-?lead|instructor|expert|evangelist|tinkerer|coder|student|schooler|professor|fellow|explainer|mts|pm|"
    r"mvp|pmc|hero|devrel|tech|cloud native|open[- ]source|focus|operations|development|developers?|department|"
    r"service mesh)\b"
    r"|工程师|架构师|资深|专家|负责人|经理|总监|创始人",
    re.IGNORECASE,
)
_SEGMENTS = re.compile(r"\s+(?:at|from|of|working with)\s+|\s*[@,，|/;()（）]\s*|\s+-\s+|\s+(?=[\u4e00-\u9fff])")
_LEGAL = re.compile(r"(?:,?\s+(?:inc|ltd|llc|corp|co|gmbh)\.?)+$|\.(?:io|com|net|org)$", re.IGNORECASE)
_SQUASH = re.compile(r"[^0-9a-z\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ0-9][\w.&'-]*[\w]|[A-Za-zÀ-ÿ0-9]")

# A question about a talk (who gave it, its recording, its slides), in English, Spanish and Chinese.
_TALK = re.compile(
    r"\b(?:talks?|talked|sessions?|keynotes?|presentations?|present|presented|presenting|presenters?|speakers?|spoke|speak|gave|"
    r"give|recordings?|recorded|videos?|slides?|workshops?|panels?|lightning|charlas?|sesi[oó]n|sesiones|"
    r"ponencias?|ponentes?|presentaci[oó]n|presentaciones|present[oó]|habl[oó]|grabaci[oó]n|grabaciones|"
    r"v[ií]deos?|diapositivas|talleres|taller|keynote)\b"
    r"|演讲|议题|分享|讲座|工作坊|录像|视频|幻灯片|主题演讲|讲者|演讲者|发言",
    re.IGNORECASE,
)
# When a call for proposals closes: "the CFP deadline", "¿hasta cuándo se podían mandar propuestas?", "征稿截止".
_CFP = re.compile(r"\b(?:cfps?|call for (?:proposals|papers|talks|speakers)|proposals?|propuestas?|submissions?"
                  r"|sessionize)\b|征稿|征集|投稿|提案", re.IGNORECASE)
_CLOSING = re.compile(r"\b(?:deadline|closes?|closed|closing|due|until|last day|fecha l[ií]mite|cierra|cerraba|cierre|"
                      r"cerr[oó]|hasta)\b|截止|截稿|结束|关闭", re.IGNORECASE)
_CFP_DATE_SPAN = 80
"""Characters between a call for proposals and a date that dates it ("CFP closes on August 6th")."""
_ISO_DATE = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b")
"""A banner's dates ("Shown on istio.io from 2023-07-26 to 2023-08-06"), which :func:`find_dates` does not read."""


def _dates_a_cfp(text: str) -> bool:
    """Does ``text`` (folded) write a date near a call for proposals ("CFP closes on August 6th", a banner's "CFPs close
    soon! Shown on istio.io from 2023-07-26 to 2023-08-06")?"""
    spans = [(m.start(), m.end()) for m in _CFP.finditer(text)]
    dates = [(d.at, d.stop) for d in find_dates(text, ANY_YEAR)] + [m.span() for m in _ISO_DATE.finditer(text)]
    return any(abs(at - start) <= _CFP_DATE_SPAN or abs(stop - end) <= _CFP_DATE_SPAN
               for at, stop in dates for start, end in spans)


# A call for talks, not talks given: "submit a talk to the upcoming IstioCon 2023", "演讲提案征集".
_CALL_FOR_TALKS = re.compile(r"\b(?:submit\w*|proposals?|cfps?|call for|enviar|env[ií]a|propuestas?)\b|提交|提案|征集",
                             re.IGNORECASE)
_CALL_SPAN = 40
"""Characters around a talk word in which a call for talks makes it one ("Submit your talk proposals")."""


def tells_talks(text: str) -> bool:
    """Does ``text`` speak of talks given (or to be given), not only call for them?"""
    return any(not _CALL_FOR_TALKS.search(text[max(0, m.start() - _CALL_SPAN):m.end() + _CALL_SPAN])
               for m in _TALK.finditer(text))


_PLAIN_QUOTES = str.maketrans("‘’‛ʼ´`“”„", "''''''\"\"\"")


def _quotes_plain(text: str) -> str:
    """Typographic quotes as typed ones: a title written "Zhihu‘s istio Journey" is named by "Zhihu's istio Journey"."""
    return text.translate(_PLAIN_QUOTES)


# Who gave a talk: "who presented…", "¿quién dio…?", "是谁讲的".
_WHO = re.compile(r"\bwho\b|\bqui[eé]n(?:es)?\b|谁|哪位|哪些人", re.IGNORECASE)
# Someone named in an abstract: "led by Sam Naser & Jacob Delgado", "hosted by Jane Doe", "主持人：…".
_BY_SOMEONE = re.compile(r"\b(?:by|with)\s+[A-Z][\w'-]+\s+[A-Z][\w'-]+|主持|讲者|嘉宾|分享人")
# A person's name: two capitalised words; a Chinese one, a common surname and one or two characters standing apart.
_LATIN_NAME = re.compile(r"\b([A-Z][a-zà-ÿ'’-]+)\s+([A-Z][A-Za-zà-ÿ'’-]+)\b")
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
             "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
             "贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_CHINESE_NAME = re.compile(rf"(?<![\u4e00-\u9fff])[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}(?=[-—（(，,、 ]|老师|来自)")
# A question asking how many people came.
_HOW_MANY = re.compile(r"\bhow many\b|\bcu[aá]nt[oa]s\b|多少|几个|几位|几名|几人", re.IGNORECASE)
_ATTENDANCE = re.compile(
    r"\b(?:attend\w*|attendees?|participants?|participated|registrants?|registered|people|visitors?|"
    r"asist\w*|participantes?|personas|inscritos|registrados)\b|参会|参加|参与|出席|人参|人次|观众|注册|多少人|到场|来了",
    re.IGNORECASE,
)
_COUNTED = re.compile(
    r"(?<![\d.])(?!(?:19|20)\d\d\s*[.,;:])\d[\d,.]*\s*\+?\s*(?:[a-z]+\s+){0,3}?(?:attend\w*|participants?|registrants?|people|"
    r"visitors?|asistentes|participantes|personas|inscritos|registrados|countries|países)"
    r"|\d[\d,.]*\s*(?:多)?(?:名|位)?\s*(?:人|参会者|观众)",  # "292 人报名", not "20 名贡献者" or "2 位演讲者"
    re.IGNORECASE,
)
# Topics no Istio event post speaks of, asked about a known person, company or city.
_OFF_TOPIC = {
    "salary": re.compile(r"\b(?:salar(?:y|ies)|earns?|wages?|income|salarios?|sueldos?|cobra|gana)\b"
                         r"|工资|薪水|薪资|收入|年薪|月薪", re.I),
    "weather": re.compile(r"\b(?:weather|temperature|forecast|rain(?:y|s)?|clima|temperatura|pron[oó]stico|llueve|"
                          r"lluvia)\b|qu[eé] tiempo (?:hace|hizo|har[aá]|va a hacer|suele hacer)|天气|气温|下雨", re.I),
    "hotel": re.compile(r"\b(?:hotels?|hostels?|accommodations?|lodging|alojamientos?|hoteles|hospedaje)\b"
                        r"|酒店|宾馆|住宿|旅馆", re.I),
    "airport": re.compile(r"\b(?:airports?|flights?|aeropuertos?|vuelos?)\b|机场|航班", re.I),
    "age": re.compile(r"\bhow old\b|\bage of\b|\bqu[eé] edad\b|\bcu[aá]ntos a[ñn]os tiene\b|年龄|几岁|多大年纪", re.I),
    "food": re.compile(r"\b(?:restaurants?|food|dinner|lunch|bbq|barbecue|restaurantes?|comida|cenar|comer|almorzar)\b"
                       r"|餐厅|美食|好吃|喜欢吃|吃什么|饭店", re.I),
    "visa": re.compile(r"\b(?:visas?|passports?|visados?|pasaportes?)\b|签证|护照", re.I),
    "finance": re.compile(r"\b(?:stock price|share price|valuation|market cap|revenue|acciones|cotizan?|valoraci[oó]n|"
                          r"ingresos|facturaci[oó]n)\b|股价|营收|市值|估值", re.I),
    "jobs": re.compile(r"\b(?:hiring|job openings?|open (?:\w+ )?(?:roles|positions)|vacanc(?:y|ies)|contratando|"
                       r"vacantes?)\b|招聘|招人|在招", re.I),
    "private": re.compile(r"\b(?:personal email|phone number|home address|favou?rite|hobb(?:y|ies)|married|"
                          r"where does (?-i:he|she|[A-Z]\w+(?: [A-Z]\w+)?) live|correo personal|email personal|"
                          r"tel[eé]fono|d[oó]nde vive|favorit[ao]s?|pasatiempos?)\b|住哪|住在哪|爱好|最喜欢", re.I),
    "password": re.compile(r"\b(?:passwords?|contraseñas?)\b|密码", re.I),
    "writing": re.compile(r"\b(?:poems?|poemas?|jokes?|chistes?|songs?|canci[oó]n|essay|ensayo)\b|写首诗|笑话|写一首",
                          re.I),
}
_PERSONAL = frozenset({"salary", "age", "food", "private"})
"""Topics of a person's own life: asked of a named speaker, only that speaker's own page can answer (a biography's
"new restaurants" is that person's; another's "favorite" or the posts' "restaurants" are not)."""
# What a person or company does now ("is Spencer Krum still working at IBM nowadays?", "Matt Klein 现在还在维护 Envoy
# 吗"): the posts say what was true when they were written, never what is true today.
_NOW = re.compile(
    r"\b(?:nowadays|these days|right now|hoy en d[ií]a|ahora mismo|actualmente)\b"
    r"|\b(?:is|are|does|do)\b[^?.]{0,40}\bstill\b"
    r"|\b(?:todav[ií]a|a[uú]n) (?:trabaja|sigue|est[aá]|mantiene)|\bsiguen? (?:trabajando|siendo|manteniendo)\b"
    r"|现在还|如今|目前还|还在(?:招|做|维护|负责|用)", re.IGNORECASE)
# Questions on using Istio or Kubernetes (how to configure, install, write YAML): the bot knows events, not the
# product's documentation. Words the event posts use too ("install", "upgrade"), so they decline whatever the
# documents say (unlike the topics above).
_HOW_TO = re.compile(
    r"\bhow (?:do|can|should) (?:i|we)\s+(?:set|configure|config|install|enable|disable|deploy|write|upgrade|restart|"
    r"debug|fix|migrate)\b|\bhow to\s+(?:set up|configure|install|enable|disable|deploy|write|upgrade|restart|debug)\b"
    r"|\b(?:kubectl|yaml|helm install|istioctl install)\b|\bscript\b"
    r"|\bc[oó]mo\s+(?:configuro|instalo|habilito|activo|despliego|actualizo|escribo|arreglo|depuro)\b"
    r"|怎么(?:写|配置|装|安装|部署|升级|开启|启用|设置)|如何(?:配置|安装|部署|升级|设置)",
    re.IGNORECASE,
)
# The bot's opinion asked ("what do you think", "¿qué opinas?", "你觉得…"), or the asker's own given ("I really
# enjoyed it", "me encantó", "讲得真不错"): an extractive bot has none to give and nothing to look up, whatever the
# documents say about what is named.
_OPINION = re.compile(
    r"\bwhat do you think\b|\byour (?:opinion|view|take)\b|\bdo you (?:like|prefer)\b|"
    r"\bshould (?:i|we) (?:use|pick|choose|go with)\b|\bqu[eé] (?:opinas|piensas)\b|\bte gust[oó]\b|"
    r"\btu opini[oó]n\b|\b(?:don'?t|do) you (?:think|agree)\b|\bno (?:crees|te parece)\b|\bte encant[aó]\b"
    r"|你觉得|你认为|你怎么看|你的看法",
    re.IGNORECASE)
_FEELING = re.compile(
    r"\bi (?:really |totally |just )?(?:enjoyed|loved|liked)\b|"
    r"\b(?:was|were) (?:so |really |way )?(?:great|awesome|amazing|fun|relaxed|relaxing)\b|"
    r"\bme (?:encant[oó]|gust[oó])\b|\bestuvo (?:genial|buen[ií]sim[oa]|incre[ií]ble)\b|\bgracias a\b|"
    r"我很喜欢|我喜欢|真不错|太棒了|讲得(?:真|很)?(?:好|不错)", re.IGNORECASE)
_ASKING = re.compile(
    r"[?？¿]|\b(?:who|what|when|where|which|how|is there|are there|did|does|was there|qui[eé]n|qu[eé]|cu[aá]ndo|"
    r"d[oó]nde|c[oó]mo|cu[aá]l|hay)\b|谁|什么|哪|几|多少|吗|有没有|是否", re.IGNORECASE)
"""A question, not a remark: a question mark or a question word."""
# A Spanish "que" that asks nothing: a wish ("que tengas buen día") or a comparison ("más rápido que yo"). Slack's
# Spanish drops accents, so an unaccented "que" asks ("que charla dio…") unless it is one of these.
_QUE_NOT_ASKING = re.compile(
    r"\bque (?:tengas|tengan|tenga|pases|pasen|disfrutes|disfruten|descanses|te vaya|les vaya)\b"
    r"|\b(?:m[aá]s|menos|mejor|peor)(?:\s+\w+)?\s+que\b|\b(?:lo|ya|para|porque|aunque)\s+que\b", re.IGNORECASE)
# Thanks, or news shared with the bot ("just wanted to say…", "跟你分享一下"): a remark when it asks nothing.
_THANKS = re.compile(r"\b(?:thanks|thank you|thx|ty|gracias|agradezco)\b|谢谢|多谢|感谢|谢啦", re.IGNORECASE)
_SHARING = re.compile(r"\bjust wanted to (?:say|share|tell)\b|跟你(?:说|分享)|分享一下", re.IGNORECASE)
# Asking without a question word: a request ("can you send me…", "tienes el link", "给我…", "有…吗").
_REQUEST = re.compile(
    r"\b(?:can|could|would|will) (?:you|u|i|we|someone|anyone)\b|\b(?:do|did) you (?:have|know)\b|\bany\b"
    r"|\b(?:please|pls|plz|give|show|send|share|list|tell|find|point|need|want|looking for|wondering|remind"
    r"|recommend)\b"
    r"|\b(?:tienes|tenes|ten[eé]is|me (?:pasas|das|mandas|dices|dec[ií]s|recomiendas)|dame|p[aá]same|m[aá]ndame|dime"
    r"|decime|necesito|busco|quiero|quisiera|puedes|podr[ií]as|sabes|alg[uú]n[oa]?s?|por favor|porfa|recu[eé]rdame)\b"
    r"|给我|发我|求|找|想要|想知道|想看|请|帮我|能不能|可以|麻烦|告诉我|推荐|有.{0,12}吗", re.IGNORECASE)


# Someone speaking of themselves, or laughing: a search phrase ("istiocon 2022 keynote link") does neither, so with
# nothing asked it is a remark ("my daughter wants a plush of it lol", "hoy es mi cumple", "jaja genial").
_SPEAKING = re.compile(r"\b(?:i|i'm|i'd|i've|me|my|we|our|yo|mi|mis|lol|lmao|xd)\b|\b(?:ja){2,}|\b(?:ha){2,}|我|哈哈",
                       re.IGNORECASE)
# A yes/no question without a question mark: a clause that starts with its verb ("…mtg: is the talk recorded").
_YES_NO = re.compile(r"(?:^|[:;,.!]\s*)(?:is|are|was|were|do|does|did|has|have|had|can|could|will)\b", re.IGNORECASE)


def remark(question: str) -> str:
    """"remark" for a feeling or news shared that asks nothing ("I really enjoyed it", "今天终于升级了，跟你分享一下",
    "honestly that dolphin is adorable, my daughter wants one lol"), "thanks" for other thanks that ask nothing
    ("thanks a ton bot, you saved me a lot of digging", "gracias crack, ya convencí a mi jefe"), else "". Nothing to
    look up, whatever the remark names."""
    if _ASKING.search(_QUE_NOT_ASKING.sub(" ", question)) or _REQUEST.search(question) or _YES_NO.search(question):
        return ""
    if _FEELING.search(question) or _SHARING.search(question):
        return "remark"
    if _THANKS.search(question):
        return "thanks"
    return "remark" if _SPEAKING.search(question) else ""
# Small talk with the bot about itself, or asking it for company: "do you ever get bored?", "you're the best bot",
# "¿me das ánimos?", "la tuya de qué color es?", "你周末一般都干嘛", "陪我聊会儿天吧" (not "do you have the slides?").
_TO_THE_BOT = re.compile(
    r"\b(?:do|did|have|are|were|would|will|can|could) you (?:ever |even |really |actually |also |still )?"
    r"(?:get (?:bored|tired|to (?:try|go|see|eat))|sleep|eat|drink|dream|feel|enjoy|wear)\b"
    r"|\byou(?:'re|’re| are) (?:the best|so (?:good|great|fast|helpful|smart)|awesome|amazing|a lifesaver)\b"
    r"|\b(?:best|favou?rite) bot\b|\bcheer me up\b|\bkeep me company\b|\bchat with me\b"
    r"|\b(?:te aburres|te cansas|te traigo|me das [aá]nimos|an[ií]mame|la tuya|el tuyo|qu[eé] talla usas"
    r"|eres (?:el mejor|la mejor|genial|un crack)|charlamos)\b"
    r"|\byour weekend\b|\btu fin de semana\b|你(?:平时|周末|晚上|下班)"
    r"|陪我|你(?:平时|周末|一般|都)*(?:干嘛|做什么|在做什么)|你(?:会|也会)(?:无聊|累)|给我(?:点)?(?:鼓励|打气)|你(?:真|太)(?:棒|厉害)",
    re.IGNORECASE)
# What one does for an event, not with Istio: "how should I write my CFP proposal?".
_EVENT_TASK = re.compile(
    r"\b(?:cfp|proposals?|propuestas?|submit|register|registration|sponsor\w*)\b|议题|报名|注册|赞助", re.IGNORECASE)
# Istio's birthdays: "its 4th birthday", "#IstioTurns4", "su quinto cumpleaños", "el cumple número 4", "4 岁生日",
# "五周年"; a birthday of another project ("the 10 year anniversary of Kubernetes") is not Istio's.
_ORDINAL_WORDS = ("first primer primero", "second segundo", "third tercer tercero", "fourth cuarto", "fifth quinto",
                  "sixth sexto", "seventh septimo séptimo", "eighth octavo", "ninth noveno", "tenth decimo décimo")
_ORDINALS = {word: n for n, words in enumerate(_ORDINAL_WORDS, start=1) for word in words.split()}
_BIRTHDAY_WORD = r"(?:birthday|anniversary|cumpleaños|cumple|aniversario)"
_BIRTHDAY = re.compile(
    rf"\b(?P<n>\d{{1,2}})(?:st|nd|rd|th|º|°|o)?[\s-]*(?:years?[\s-]+)?{_BIRTHDAY_WORD}\b"
    rf"|\b(?P<word>{'|'.join(_ORDINALS)})\s+{_BIRTHDAY_WORD}\b"
    rf"|\b{_BIRTHDAY_WORD}\s+(?:n[uú]mero\s+)?(?P<after>\d{{1,2}})\b"
    r"|\bistioturns(?P<tag>\d{1,2})\b"
    r"|(?P<zh>\d{1,2}|[一二三四五六七八九十]{1,3})\s*(?:岁的?生日|周年)",
    re.IGNORECASE)
_OTHER_PROJECT = re.compile(r"kubernetes|k8s|envoy|cncf|kubecon|linux", re.IGNORECASE)
_CJK_DIGITS = {ch: n for n, ch in enumerate("一二三四五六七八九", start=1)}


def _birthdays(text: str) -> list[tuple[int, int, int]]:
    """(which birthday, where it starts, where it ends) of each of Istio's birthdays ``text`` names."""
    found = []
    for m in _BIRTHDAY.finditer(text):
        owner = re.match(r"\s+(?:of|de|del)\s+([\w-]+)", text[m.end():])  # "the 10 year anniversary of Kubernetes"
        near = text[max(0, m.start() - 20):m.end() + 20]
        if (_OTHER_PROJECT.fullmatch(owner.group(1)) if owner else
                _OTHER_PROJECT.search(near) and "istio" not in near.lower().replace("istioturns", "")):
            continue
        if m.group("word"):
            n = _ORDINALS[m.group("word").lower()]
        elif m.group("zh") and not m.group("zh").isdigit():
            tens, _, ones = m.group("zh").rpartition("十")
            n = (_CJK_DIGITS.get(tens, 1) * 10 if "十" in m.group("zh") else 0) + _CJK_DIGITS.get(ones, 0)
        else:
            n = int(m.group("n") or m.group("after") or m.group("tag") or m.group("zh"))
        found.append((n, m.start(), m.end()))
    return found


# A message that is only a greeting, thanks or small talk: nothing to look up.
_CHAT_WORDS = frozenset(
    "thanks thank thx ty cheers hi hello hey yo sup whats what's up bot lol helped helpful lot great awesome good "
    "morning night ok okay cool nice gracias muchas hola buenas buenos dias tardes genial perfecto util "
    "谢谢 多谢 感谢 你好 您好 好的 早上好 晚安 你 是 谁 你是谁 在吗 哈哈".split()
)
# "Zalando's talk", "the talk by Zalando", "did Zalando present", "la charla de Zalando", "上美团的演讲": a
# name in a talk's slot.
_NAME_SLOT = [
    re.compile(r"(?<!\w)(?P<name>(?:[A-Z][\w&.-]+)(?:\s+[A-Z][\w&.-]+){0,2})(?:'s|’s)?\s+(?:talks?|keynotes?|sessions?|"
               r"presentations?|workshops?)\b"),
    re.compile(r"\b(?:talks?|keynotes?|sessions?|presentations?|charlas?|ponencias?|sesi[oó]n|presentaci[oó]n)\s+"
               r"(?:by|from|of|de|del|por)\s+(?P<name>[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){0,2})"),
    re.compile(r"\b(?:did|has|have|from)\s+(?P<name>[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){0,2})\s+"
               r"(?:present|presented|speak|spoke|talk|give|gave)\b"),
    re.compile(r"(?:上|在|于|有没有|有)(?P<name>[\u4e00-\u9fff]{2,6}?)(?:公司)?的(?:演讲|分享|议题|讲座|报告|主题演讲)"),
    # Slack writes names in lower case: "did netflix present …", "netflix dio alguna charla …" (a word no
    # document uses, as for every slot)
    re.compile(r"\b(?:did|has|have)\s+(?P<name>[a-z][\w&.-]{3,}(?:\s+[a-z][\w&.-]{3,})?)\s+"
               r"(?:present|presented|speak|spoke|talk|give|gave)\b"),
    # "字节跳动在 istiocon 2022 上有分享吗", "Uber 在 IstioCon 2021 上有没有做分享"
    re.compile(r"^(?P<name>[\u4e00-\u9fff]{2,6}?|[A-Za-z][\w&.-]+(?:\s+[A-Z][\w&.-]+){0,2})(?:公司)?\s*在"),
    re.compile(r"(?P<name>[A-Z][\w&.-]+(?:\s+[A-Z][\w&.-]+){0,2})\s+(?:dio|present[oó]|hizo|tuvo|habl[oó])\s+"
               r"(?:alguna\s+|una\s+|la\s+|el\s+)?(?:charla|ponencia|presentaci[oó]n|sesi[oó]n|keynote)"),
    re.compile(r"(?:^|[¿,]\s*)(?P<name>[a-z][\w&.-]{3,})\s+(?:dio|present[oó]|hizo|tuvo)\s+(?:alguna\s+|una\s+)?"
               r"(?:charla|ponencia|presentaci[oó]n|sesi[oó]n|keynote)"),
]
# The topic a question gives a talk: "the talk on running Istio on Windows laptops at …", "la charla sobre …",
# or a quoted title.
_TOPIC_SPANS = [
    re.compile(r"\b(?:talks?|keynotes?|sessions?|presentations?|workshops?)\s+(?:on|about)\s+(?P<topic>.+?)"
               r"(?=\s+(?:at|in|during|from)\s|[?.!;]|,\s|\s+[-—–]\s|$)", re.IGNORECASE),
    re.compile(r"\b(?:charlas?|ponencias?|sesi[oó]n|sesiones|presentaci[oó]n|keynote|taller)\s+"
               r"(?:sobre|acerca de)\s+(?P<topic>.+?)(?=\s+(?:en|de|durante)\s|[?.!;]|,\s|\s+[-—–]\s|$)",
               re.IGNORECASE),
    re.compile(r"[\"“«「『](?P<topic>[^\"”»」』]{8,}?)[\"”»」』]"),
]
# "was there a cilium talk at …", "any linkerd migration session": a bare noun before "talk". Only a word some
# document uses counts here ("cilium"): words none uses are as often a time, a format or a language
# ("the afternoon sessions", "any spanish talks").
_QUALIFIERS = frozenset(
    "morning afternoon evening night opening closing breakout lightning final first last main virtual live recorded "
    "english spanish chinese mandarin japanese french german technical beginner advanced short long other same next "
    "previous popular best recent new old big small whole entire".split()
)
"""Words before "talk" that say when, how or in which language, not about what."""
_BARE_TOPIC = re.compile(r"\b(?:a|an|any|the)\s+(?P<topic>[\w-]+(?:\s+[\w-]+){0,2}?)\s+(?:talks?|sessions?|keynotes?|"
                         r"panels?|presentations?|workshops?)\b", re.IGNORECASE)
# Where a stream or a channel of recordings is watched (a link there answers "where can I watch it").
_WATCH_SITE = re.compile(r"//(?:www\.|space\.)?(?:twitch\.tv|youtube\.com|youtu\.be|bilibili\.com|vimeo\.com)/")
# "the first IstioCon", "la primera edición de IstioCon", "第二届 Istio Meetup": an edition by its place in its
# series, written just before the name.
_ORDINAL = re.compile(
    r"(?:\b(?:(?P<first>first|1st|primer|primera|primero)|(?P<second>second|2nd|segunda|segundo))"
    r"(?:\s+(?:edition|edici[oó]n)\s+(?:of|de)(?:\s+la)?)?\s*"
    r"|(?:(?P<first_zh>首届|首次|第一届|第一次|第1届)|(?P<second_zh>第二届|第二次|第2届))\s*)$",
    re.IGNORECASE,
)
_CJK_LEAD = re.compile(r"^[上在于和与跟及]+")
# Words that stand in a talk's slot without naming anyone: "did anybody talk about …", "¿nadie dio una charla?",
# "请问在 IstioCon 2022 上…".
_NO_NAME = frozenset(
    "anybody somebody anyone someone everyone everybody nobody folks yall y'all people they we you guys team teams "
    "nadie alguien alguno alguna todos ustedes quién quien qué cuál who what which "
    "请问 你好 您好 想问 大家 有人 谁 我们 你们 他们 哪家 哪个".split()
)
_CLAUSE_BREAK = re.compile(r"[,;:?!.，；：？！—–]")
# "after 2019", "desde 2021", "2021 年以来": a year that bounds a span of time, not an edition's.
_SPAN_WORD = re.compile(r"(?:\b(?:since|after|before|until|till|from|between|desde|antes de|despu[eé]s de|hasta|entre)"
                        r"|从|自|截至)\s*$", re.IGNORECASE)
MIN_CJK_ALIAS = 2
RARE_PASSAGES = 5
"""A topic word in at most this many passages (and none of the edition's) is a talk no one gave there."""


NotFoundKind = Literal[
    "unknown_edition", "company_without_talk_at_edition", "name_without_talk_at_edition",
    "topic_without_talk_at_edition", "edition_without_program", "figure_not_stated", "price_not_stated",
    "speaker_without_talk_at_edition", "no_recordings", "recording_not_listed", "slides_not_listed",
    "speakers_not_listed", "unknown_birthday", "cfp_deadline_not_stated",
]
"""What a :class:`NotFound` says is not known (each is described there)."""


@dataclass(frozen=True)
class NotFound:
    """What the question names that the knowledge says does not exist, and what is known next to it.

    ``kind`` is one of ``unknown_edition`` (IstioCon 2020), ``company_without_talk_at_edition``,
    ``name_without_talk_at_edition`` (a name no document uses, in a talk's slot), ``topic_without_talk_at_edition``
    (a rare word none of the edition's talks or posts use), ``edition_without_program`` (talks of an
    edition known only by its date), ``figure_not_stated`` (how many people came, which no post of the
    edition says), ``price_not_stated`` (what it cost, where no text of the edition says it was free: no post
    states an amount), ``speaker_without_talk_at_edition`` (a program's speaker with no talk at another edition
    whose program is known), ``no_recordings`` (recordings of an edition nothing about links one).
    ``recording_not_listed`` and ``slides_not_listed`` (asked of the one session a question names, whose program
    entry has none: the reply says so and shows the session); ``speakers_not_listed`` (who gave the one session a
    question names, whose entry names no one); ``unknown_birthday`` (a birthday of Istio no document speaks of:
    the pages about those they do are shown); ``cfp_deadline_not_stated`` (when an edition's call for proposals
    closed, which no text of the edition dates)."""

    kind: NotFoundKind
    subject: str
    """The thing not known, as the question names it ("Zalando", "quantum", "IstioCon 2020")."""
    edition: Event | None = None
    """The edition the combination is about (absent for an unknown edition)."""
    known: tuple[Event, ...] = ()
    """The known editions next to it (the series' editions, or the edition itself)."""
    session: Session | None = None
    """The session whose recording or slides are not listed (``recording_not_listed``, ``slides_not_listed``)."""
    pages: tuple[Passage, ...] = ()
    """Passages of the posts about what is known next to it (``unknown_birthday``: the birthdays they speak of)."""


@dataclass(frozen=True)
class Grounding:
    """One question, resolved: what it names that the knowledge holds, and what it names that it does not."""

    question: str
    editions: tuple[Event, ...] = ()
    unknown_editions: tuple[Mention, ...] = ()
    sessions: tuple[Session, ...] = ()
    speakers: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    asks_talk: bool = False
    off_topic: str = ""
    """A topic outside Istio events ("weather", "salary", "hotel", "airport", "age", "food", "visa", "finance",
    "jobs", "private", "password", "writing"), a question on using Istio ("how_to"), small talk ("chat"), thanks
    ("thanks"), the bot's opinion asked or the asker's own given ("opinion"), or ""."""
    not_found: NotFound | None = None

    @property
    def names(self) -> list[str]:
        """The names the question is grounded in: editions, session titles, speakers, companies, places."""
        return ([e.name for e in self.editions] + [s.title for s in self.sessions] + list(self.speakers)
                + list(self.companies) + list(self.places))

    @property
    def unknown_edition(self) -> Mention | None:
        return self.unknown_editions[0] if self.unknown_editions else None

    @property
    def company_without_talk_at_edition(self) -> tuple[str, Event] | None:
        nf = self.not_found
        if nf is not None and nf.kind == "company_without_talk_at_edition" and nf.edition is not None:
            return nf.subject, nf.edition
        return None

    def about(self, passage: Passage) -> bool:
        """Does the passage belong to an edition the question names: a post about it, one of its sessions, its card,
        a speaker or index page of its program, a banner announcing it?"""
        return any(
            (passage.event is not None and passage.event.key == e.key)
            or (passage.session is not None and (passage.session.event == e.name or (
                e.series == "istiocon" and not e.region and passage.session.year == e.year)))
            or (passage.kind in ("speaker", "page") and passage.section == e.name)
            or announces(passage, e)
            or any(post.url == passage.url for post in e.posts)
            for e in self.editions)

    @property
    def declines(self) -> bool:
        """Whether the question should be declined whatever retrieval finds."""
        return self.not_found is not None or bool(self.off_topic)


def _gave(session: Session, speakers: Iterable[str]) -> bool:
    """Did every one of ``speakers`` (names as the programs write them) give the session?"""
    names = {speaker.name for speaker in session.speakers}
    return all(name in names for name in speakers)


def announces(passage: Passage, edition: Event) -> bool:
    """Is the passage a banner that names the edition (its year, or the banner's own year where it names none)?"""
    return passage.kind == "banner" and any(
        m.series == edition.series and (m.year or passage.year) == edition.year and m.region in ("", edition.region)
        for m in _banner_mentions(f"{passage.title}. {passage.text}"))


@functools.lru_cache(maxsize=256)
def _banner_mentions(text: str) -> list[Mention]:
    """The events a banner names ("IstioCon 2022", "Istio Day Europe" with its period's year): the same few
    banners are asked about for every question."""
    return mentions(text)


def _written_in(name: str, texts: Iterable[str]) -> bool:
    """Does one of the (folded) texts write the name from the start of a word? "Uber" is not in "Kubernetes", while
    "Tetrate" is in "Tetrate's"; Chinese, written without spaces, anywhere."""
    folded = fold(name)
    if not folded.isascii():
        return any(folded in text for text in texts)
    pattern = re.compile(rf"(?<![a-z0-9]){re.escape(folded)}")
    return any(pattern.search(text) for text in texts)


def _exact(mention: Mention, known: list[Event]) -> list[Event]:
    """The editions a mention names: "IstioCon 2023" is IstioCon 2023, not also IstioCon China 2023."""
    plain = [e for e in known if not e.region]
    return plain if not mention.region and not mention.where and plain else known


def squash(text: str) -> str:
    """A name folded for matching: lower case, no accents, no spaces or punctuation ("Red Hat" → redhat)."""
    return _SQUASH.sub("", fold(unicodedata.normalize("NFKC", text)))


def company_names(designation: str) -> list[str]:
    """The company names a speaker's designation gives ("Sr Member of Technical Staff at Salesforce" →
    Salesforce; "DaoCloud, Senior software engineer" → DaoCloud; "网易数帆 资深架构师" → 网易数帆)."""
    found = []
    for segment in _SEGMENTS.split(designation):
        segment = _LEGAL.sub("", segment.strip(" .-&")).strip(" .-")
        if not segment or _ROLE.search(segment) or len(segment) > 40:
            continue
        if not (segment[0].isupper() or CJK_CHAR.match(segment[0]) or "." in designation):
            continue
        if segment.lower() in ("istio", "inc", "the", "china", "cloud"):
            continue
        found.append(segment)
    return found


@dataclass
class _Company:
    name: str
    aliases: set[str] = field(default_factory=set)
    """Squashed Latin forms and Chinese forms."""
    sessions: set[str] = field(default_factory=set)
    """Ids of the sessions a speaker of it gave."""


def _has_stem(term: str, words: Collection[str]) -> bool:
    """Is ``term`` among ``words``, a word of more than five letters by its first five ("favorite" in "favor")?"""
    return term in words or (len(term) > 5 and any(word.startswith(term[:5]) for word in words))


class Knowledge:
    """What exists, from an index's typed knowledge: built once (``Answerer.grounding``), read per question."""

    def __init__(self, index: Index, known_word: Callable[[str], bool] | None = None) -> None:
        """``known_word``: whether the documents use a (folded) word; by default, whether a passage does."""
        self.events = list(index.events)
        passages = index.passages
        self.sessions: list[Session] = [p.session for p in passages if p.kind == "session" and p.session is not None]
        # Each session's title folded and as words, read by every question (sessions_in).
        self._titles = [(s, _quotes_plain(fold(s.title)), frozenset(tokenize(s.title))) for s in self.sessions]
        self._by_event_name = {e.name: e for e in self.events}
        self._sessions_of: dict[str, list[Session]] = defaultdict(list)
        for session in self.sessions:
            event = self._event_of_session(session)
            if event is not None:
                self._sessions_of[event.key].append(session)
        # The text of every passage about each edition (its sessions, its posts, its card), folded.
        post_event: dict[str, list[str]] = defaultdict(list)
        for event in self.events:
            for post in event.posts:
                post_event[post.url].append(event.key)
        self._edition_text: dict[str, list[str]] = defaultdict(list)
        self._edition_words: dict[str, set[str]] = defaultdict(set)
        self._edition_videos: set[str] = set()
        """Editions some passage about links a recording of (a session, a recap's video) or where to watch it."""
        self._df: Counter[str] = Counter()
        lowercase_seen: set[str] = set()
        self._talks_told: set[tuple[str, str, str]] = set()
        self._talks_told_of: set[str] = set()
        """Editions (keys) some passage of theirs (a post about them, a session, their card) speaks of talks in."""
        mentioned: set[tuple[str, str, str]] = set()
        self.passage_words: list[frozenset[str]] = []
        """Each passage's words (its title's and text's, as BM25 reads them), in the index's order."""
        folded_texts: list[str] = []
        for p in passages:
            folded = fold(f"{p.title} {p.text}")  # a session's title names its company, and names generally
            folded_texts.append(folded)
            words = frozenset(tokenize(f"{p.title} {p.text}"))
            self.passage_words.append(words)
            self._df.update(words)
            keys = list(post_event.get(p.url, []))
            if p.session is not None:
                event = self._event_of_session(p.session)
                keys += [event.key] if event else []
            if p.event is not None:
                keys.append(p.event.key)
            if p.kind == "banner":  # a banner announcing an edition ("CFPs for IstioCon 2023 close soon!")
                keys += [e.key for e in self.events if announces(p, e)]
            talk = p.kind != "event" and tells_talks(p.text)
            for key in keys:
                if talk or p.session is not None:
                    self._talks_told_of.add(key)
                self._edition_text[key].append(folded)
                self._edition_words[key] |= words
                if any(link.kind == "video" or _WATCH_SITE.search(link.url) for link in p.links):
                    self._edition_videos.add(key)
            lowercase_seen.update(w for w in re.findall(r"\b[a-z][a-z]+\b", p.text))
            for m in mentions(f"{p.title}. {p.text}"):
                if m.year:
                    mentioned.add((m.series, m.region, m.year))
                    if talk:  # a passage that speaks of this edition's talks (not only calls for them)
                        self._talks_told.add((m.series, m.region, m.year))
        self._mentioned_regional = mentioned
        self._mentioned_editions = {(series, year) for series, _, year in mentioned}
        # Istio's birthdays the documents speak of, and the pages that do (a question about another is not known).
        self._birthday_pages: dict[int, list[Passage]] = defaultdict(list)
        for p in (p for p in passages if p.kind in ("post", "banner")):
            for n in dict.fromkeys(n for n, _, _ in _birthdays(f"{p.title}. {p.text}")):
                if all(page.url != p.url for page in self._birthday_pages[n]):
                    self._birthday_pages[n].append(p)
        self._known_word: Callable[[str], bool] = known_word or self._df.__contains__
        # A word a speaker's biography alone uses ("Tokyo", where someone lives) says nothing of where events were.
        event_words = {w for p, words in zip(passages, self.passage_words, strict=True) if p.kind != "speaker"
                       for w in words}
        self.event_word: Callable[[str], bool] = event_words.__contains__
        """Does a document other than a speaker page use this (folded) word: what tells a place an event may have
        been held in ("Istio Day Londres") from one no event document names ("Istio Day Tokio")."""
        self._all_text = " ".join(folded_texts)
        self._pages_of: dict[str, set[str]] = defaultdict(set)
        """Each speaker's name → the words of their speaker pages (as BM25 reads them)."""
        for p, words in zip(passages, self.passage_words, strict=True):
            if p.kind == "speaker":
                self._pages_of[p.title] |= words
        self._speakers = self._speaker_forms()
        self._speaker_names = tuple(sorted(set(self._speakers.values())))
        self._companies = self._company_table(index, lowercase_seen)
        self._lowercase_seen = lowercase_seen
        self._places = self._place_forms()
        self._non_person_words = {fold(word) for name in [e.name for e in self.events] + list(self._places.values())
                                  + [c.name for c in self._companies.values()] for word in name.split()}

    # --- building -------------------------------------------------------------------------------------
    def _event_of_session(self, session: Session) -> Event | None:
        return self._by_event_name.get(session.event) or next(
            (e for e in self.events if e.series == "istiocon" and not e.region and e.year == session.year), None)

    def _speaker_forms(self) -> dict[str, str]:
        """Each form a question may name a speaker by → the name as the program shows it."""
        forms: dict[str, str] = {}
        for session in self.sessions:
            for speaker in session.speakers:
                name = speaker.name
                parts = name.split()
                if len(parts) >= 2:
                    forms[squash(name)] = name
                    forms[squash(" ".join(reversed(parts)))] = name
                elif not name.isascii() and len(name) in (2, 3, 4):
                    forms[name] = name
                    forms[name[1:] + name[:1]] = name  # given name first, as the program stores it
        return forms

    def _company_table(self, index: Index, lowercase_seen: set[str]) -> dict[str, _Company]:
        """Companies from the speakers' designations, each with the forms a question may write it in."""
        companies: dict[str, _Company] = {}
        for session in self.sessions:
            for speaker in session.speakers:
                for name in company_names(speaker.role):
                    key = squash(name)
                    if len(key) < 2:
                        continue
                    company = companies.setdefault(key, _Company(name, {key}))
                    company.sessions.add(session.id)
        # "Tencent Cloud" and "Tencent Music" are both Tencent; "Alibaba Cloud" is Alibaba when the documents
        # write "Alibaba" only as a name (never in lower case, as "mesh" of "Mesh Dynamics" is).
        firsts: Counter[str] = Counter()
        for company in companies.values():
            words = company.name.split()
            if len(words) > 1 and words[0].isascii():
                firsts[squash(words[0])] += 1
        for company in list(companies.values()):
            words = company.name.split()
            if len(words) > 1 and words[0].isascii():
                first = squash(words[0])
                if len(first) >= 3 and (firsts[first] >= 2 or first in companies or (
                        len(first) >= 5 and first not in lowercase_seen and first not in STOPWORDS)):
                    company.aliases.add(first)
        # Chinese names the corpus's translations give them (huawei → 华为, alibaba → 阿里).
        for company in companies.values():
            for alias in [a for a in company.aliases if a not in lowercase_seen]:  # names, not words ("solo")
                for other, score in index.lexicon.translate(alias):
                    if CJK_CHAR.match(other) and len(other) >= MIN_CJK_ALIAS and score >= 0.5:
                        company.aliases.add(other)
        # One company per alias: the aliases of companies that share a first word join it.
        merged: dict[str, _Company] = {}
        for company in sorted(companies.values(), key=lambda c: len(c.name)):
            home = next((merged[a] for a in company.aliases if a in merged), None)
            if home is None:
                home = company
            else:
                home.aliases |= company.aliases
                home.sessions |= company.sessions
            for alias in company.aliases:
                merged.setdefault(alias, home)
        return merged

    def _place_forms(self) -> dict[str, str]:
        forms: dict[str, str] = {}
        for event in self.events:
            for lang in CARD_LANGUAGES:
                place = event.place_in(lang)
                for part in re.split(r"[,，、]\s*", place):
                    if len(part) >= 2 and (not part.isascii() or len(part) >= 4):
                        forms.setdefault(squash(part), part)
        return forms

    # --- reading a question ---------------------------------------------------------------------------
    def _latin_grams(self, question: str) -> Iterable[tuple[str, str]]:
        """(squashed n-gram, as written) for every run of one to four Latin words."""
        words = [re.sub(r"['’]s$", "", word) for word in _LATIN_WORD.findall(question)]  # "Lin Sun's" → Sun
        for n in (4, 3, 2, 1):
            for i in range(len(words) - n + 1):
                written = " ".join(words[i:i + n])
                yield squash(written), written

    def companies_in(self, question: str) -> list[str]:
        found: dict[str, str] = {}
        for key, written in self._latin_grams(question):
            company = self._companies.get(key)
            if company is None or company.name in found:
                continue
            if key in STOPWORDS or (written.islower() and key in self._df and len(key) <= 5 and " " not in written):
                continue  # "solo" as a word, not Solo.io
            found[company.name] = written
        for alias, company in self._companies.items():
            if CJK_CHAR.match(alias[:1]) and alias in question:
                found.setdefault(company.name, alias)
        return list(found)

    def _company(self, name: str) -> _Company:
        return next(c for c in self._companies.values() if c.name == name)

    def speakers_in(self, question: str) -> list[str]:
        found = {self._speakers[key] for key, _ in self._latin_grams(question) if key in self._speakers}
        found |= {name for form, name in self._speakers.items() if not form.isascii() and form in question}
        return sorted(found)

    def places_in(self, question: str) -> list[str]:
        found = {self._places[key] for key, _ in self._latin_grams(question) if key in self._places}
        found |= {place for form, place in self._places.items() if not form.isascii() and form in question}
        return sorted(found)

    def sessions_in(self, question: str) -> list[Session]:
        """Sessions whose title the question names (whole, or most of its words when it has four or more)."""
        folded = _quotes_plain(fold(question))
        asked = set(tokenize(question))
        return [session for session, title, words in self._titles
                if (len(title) >= 12 and title in folded)
                or (len(words) >= 4 and len(words & asked) >= 0.75 * len(words))]

    def known(self, text: str) -> bool:
        """Does any document write ``text`` (folded) from the start of a word? "Uber" is not in "Kubernetes", while
        "Tetrate" is in "Tetrate's" and "Alibaba" in "AlibabaCloud"; Chinese, written without spaces, anywhere."""
        return _written_in(text, [self._all_text])

    def name_words(self) -> dict[str, int]:
        """Each folded Latin word of a name the knowledge holds (events, places, companies, regions, and the names
        in talks' titles: "ZOZOTOWN", "Aeraki") → how many passages use it: what a misspelt question word may be
        corrected to (:mod:`bot.core.spelling`). Words the documents also write in lower case are words, not names
        ("cloud", "layer", "stream"), and are left out."""
        names = [e.name for e in self.events] + list(self._places.values()) + list(REGION_WORDS)
        names += [c.name for c in self._companies.values()] + [s.title for s in self.sessions]
        regions = {fold(word) for word in REGION_WORDS}
        return {word: self._df.get(word, 0) for name in names for word in re.findall(r"[a-z]+", fold(name))
                if len(word) >= 4 and (word in regions or word not in self._lowercase_seen)}

    def speaker_names(self) -> list[str]:
        """The programs' speakers, as the programs write their names."""
        return list(self._speaker_names)

    def editions_of(self, series: str) -> tuple[Event, ...]:
        return tuple(sorted((e for e in self.events if e.series == series), key=lambda e: e.sort_date))

    def ground(self, question: str) -> Grounding:
        named = self._with_loose_year(question, [(m, self._by_ordinal(question, m, known))
                                                 for m, known in named_events(question, self.events, self.event_word)])
        places = tuple(self.places_in(question))
        editions = tuple({e.key: e for known in (self._held_at(_exact(m, k), places) for m, k in named)
                          for e in known if len(known) == 1}.values())
        unknown = tuple(m for m, known in named if not known)
        companies = tuple(self.companies_in(question))
        speakers = tuple(self.speakers_in(question))
        sessions = tuple(self.sessions_in(question))
        asks_talk = bool(_TALK.search(question))
        off_topic = next((topic for topic, rx in _OFF_TOPIC.items() if (m := rx.search(question)) and (
            not self._used(m.group(0)) or (topic in _PERSONAL and speakers and not self._own_page_uses(speakers,
                                                                                                     m.group(0))))), "")
        said = remark(question)
        if not off_topic and said == "thanks":
            off_topic = "thanks"
        if not off_topic and (_OPINION.search(question) or said):
            off_topic = "opinion"
        if not off_topic and _NOW.search(question) and not editions and not _EVENT_TASK.search(question):
            off_topic = "now"
        if not off_topic and _TO_THE_BOT.search(question):
            off_topic = "chat"
        if not off_topic and not named:
            if (_HOW_TO.search(question) and not asks_talk and not _EVENT_TASK.search(question)
                    and not sessions and not speakers):  # how a named talk shows something is about the talk
                off_topic = "how_to"
            elif all(word in _CHAT_WORDS for word in tokenize(question)):
                off_topic = "chat"
        grounding = Grounding(question, editions, unknown, sessions, speakers, companies, places, asks_talk, off_topic)
        not_found = self._not_found(grounding, named) or self._unknown_birthday(question)
        session = self._the_session(grounding) if not_found is None else None
        if session is not None:
            not_found = self._missing_detail(question, session)
        return Grounding(question, editions, unknown, sessions, speakers, companies, places, asks_talk, off_topic,
                         not_found)

    @staticmethod
    def _with_loose_year(question: str, named: list[tuple[Mention, list[Event]]]) -> list[tuple[Mention, list[Event]]]:
        """A name written apart from its year ("el istio meetup de shanghai en 2022", "2022 年深圳有没有办 Istio
        meetup") is the edition of that year, when the question names one year outside every name: narrowed to
        it, or, when the series had no edition that year, an edition the knowledge does not hold."""
        spans = [(m.start, m.end) for m, _ in named]
        loose = [y for y in YEAR.finditer(question) if not any(start <= y.start() < end for start, end in spans)
                 and not _SPAN_WORD.search(question[:y.start()])]
        if len({y.group(0) for y in loose}) != 1:
            return named
        year = loose[0].group(0)
        result = []
        for mention, known in named:
            between = question[min(loose[0].end(), mention.end):max(loose[0].start(), mention.start)]
            ordinal, _ = Knowledge._ordinal(question, mention)  # "la primera istiocon según el anuncio de 2020"
            if not mention.year and known and not ordinal and not _CLAUSE_BREAK.search(between):
                in_year = [e for e in known if e.year == year]
                mention, known = (mention, in_year) if in_year else (replace(mention, year=year), [])
            result.append((mention, known))
        return result

    @staticmethod
    def _ordinal(question: str, mention: Mention) -> tuple[int, int]:
        """(1 or 2, where the ordinal starts) when one stands just before the mention ("the first IstioCon"),
        else (0, the mention's start)."""
        before = max(0, mention.start - 40)
        match = None if mention.year else _ORDINAL.search(question[before:mention.start])
        if match is None:
            return 0, mention.start
        return (1 if match.group("first") or match.group("first_zh") else 2), before + match.start()

    def _by_ordinal(self, question: str, mention: Mention, known: list[Event]) -> list[Event]:
        """The edition an ordinal names, in date order among those the mention fits (none when the series has
        fewer); else ``known`` as it was."""
        n, _ = self._ordinal(question, mention)
        if not n or mention.series not in ISTIO_SERIES:  # the catalogue holds only the KubeCons Istio posts name
            return known
        ordered = sorted(_exact(mention, known), key=lambda e: e.sort_date)
        return [ordered[n - 1]] if len(ordered) >= n else []

    def _held_at(self, editions: list[Event], places: tuple[str, ...]) -> list[Event]:
        """The editions held at a place the question names ("el Istio Day de Londres", "KubeCon Salt Lake City"),
        when some are; else all of them."""
        if len(editions) < 2 or not places:
            return editions
        held = [e for e in editions if set(places) & self._places_of(e)]
        return held or editions

    def _places_of(self, event: Event) -> set[str]:
        """The parts of an edition's place, in every card language ("London", "Londres", "伦敦")."""
        return {part for lang in CARD_LANGUAGES for part in re.split(r"[,，、]\s*", event.place_in(lang)) if part}

    def _own_page_uses(self, speakers: Sequence[str], words: str) -> bool:
        """Does a named speaker's own page use these words (a word by a five-letter stem, like :meth:`_used`)?"""
        terms = tokenize(words)
        return any(_has_stem(t, self._pages_of.get(name, set())) for name in speakers for t in terms)

    def _used(self, words: str) -> bool:
        """Do the documents use these words: a phrase ("qué tiempo hace") or Chinese ("喜欢吃") as written, a word by a
        five-letter stem?"""
        if " " in words.strip() or not words.isascii():
            return fold(words.strip()) in self._all_text
        terms = tokenize(words)
        return bool(terms) and any(_has_stem(t, self._df) for t in terms)

    def _not_found(self, g: Grounding, named: list[tuple[Mention, list[Event]]]) -> NotFound | None:
        # An edition that never happened: its series has editions, and either the year (with the region, if named)
        # is named and no document names it ("IstioCon 2020", "Istio Day North America 2026"), or it is named by a
        # place no document uses ("Istio Day Tokio", "KubeCon India 2024").
        for mention in g.unknown_editions:
            editions = self.editions_of(mention.series)
            unknown_year = (mention.year and not mention.where and (
                (mention.series, mention.year) not in self._mentioned_editions
                or (mention.region and (mention.series, mention.region, mention.year) not in self._mentioned_regional)))
            unknown_place = bool(mention.where) and not self.event_word(fold(mention.where))
            ordinal, start = self._ordinal(g.question, mention)
            if editions and (unknown_year or unknown_place or (ordinal and mention.series in ISTIO_SERIES)):
                subject = g.question[start:mention.end].strip()
                if mention.year and mention.year not in subject:  # named apart from its year
                    subject = f"{subject} {mention.year}"
                return NotFound("unknown_edition", subject, None, editions)
        if len(g.editions) != 1 or g.unknown_editions:
            return None
        edition = g.editions[0]
        sessions = self._sessions_of.get(edition.key, [])
        if (g.asks_talk and tells_talks(g.question) and not sessions and not g.sessions
                and edition.key not in self._talks_told_of
                and (edition.series, edition.region, edition.year) not in self._talks_told):
            return NotFound("edition_without_program", edition.name, edition, (edition,))
        if asks_video(g.question) and not sessions and not g.sessions and edition.key not in self._edition_videos:
            return NotFound("no_recordings", edition.name, edition, (edition,))
        if _HOW_MANY.search(g.question) and _ATTENDANCE.search(g.question) and not g.asks_talk:
            if not any(_COUNTED.search(text) for text in self._edition_text.get(edition.key, [])):
                return NotFound("figure_not_stated", edition.name, edition, (edition,))
            return None
        # An edition none of whose texts says it was free cannot say what it cost (no post states an amount).
        texts = self._edition_text.get(edition.key, [])
        if cost_unstated(g.question, texts):
            return NotFound("price_not_stated", edition.name, edition, (edition,))
        if _CFP.search(g.question) and _CLOSING.search(g.question) and not any(_dates_a_cfp(text) for text in texts):
            return NotFound("cfp_deadline_not_stated", edition.name, edition, (edition,))
        if not g.asks_talk or g.sessions or not (sessions or self._recapped(edition)):
            return None
        if g.speakers and not g.sessions:
            texts_folded = " ".join(texts)
            absent = [name for name in g.speakers
                      if not any(s.name == name for session in sessions for s in session.speakers)
                      and not any(fold(form) in texts_folded for form in (name, " ".join(reversed(name.split()))))]
            if absent and len(absent) == len(g.speakers):
                return NotFound("speaker_without_talk_at_edition", absent[0], edition, (edition,))
        if g.companies and not g.speakers:
            missing = [name for name in g.companies
                       if not self._company(name).sessions & {s.id for s in sessions}
                       and not any(alias in text for alias in self._company(name).aliases for text in texts
                                   if len(alias) >= 4 or not alias.isascii())]
            if missing and len(missing) == len(g.companies):
                return NotFound("company_without_talk_at_edition", missing[0], edition, (edition,))
        if not g.companies and not g.speakers:
            for rx in _NAME_SLOT:
                for match in rx.finditer(g.question):
                    name = _CJK_LEAD.sub("", match.group("name")).strip()
                    if len(name) < 2 or mentions(name) or YEAR.search(name) or _written_in(name, texts):
                        continue
                    if name.lower() in _NO_NAME or (name.islower() and name.endswith("s")):  # "googlers"
                        continue
                    known = self.known(name)
                    if known and not self._proper_name(name):
                        continue  # a word the documents use ("anyone else"), not a name
                    if not known and name.isascii() and any(self._known_word(t) for t in tokenize(name)):
                        continue
                    subject = name.title() if name.islower() else name  # "netflix" as a name: Netflix
                    return NotFound("name_without_talk_at_edition", subject, edition, (edition,))
            topic = self._missing_topic(g.question, edition)
            if topic:
                return NotFound("topic_without_talk_at_edition", topic, edition, (edition,))
        return None

    def _proper_name(self, name: str) -> bool:
        """One Latin word the documents write only capitalised (Lyft, Datadog): a company, which a talk at the edition
        would name; not a word they also write in lower case ("cloud", "anyone"). A person's name may be written
        otherwise at the edition ("Greg" for Gregory, 宋净超 for Jimmy Song), so it is not asserted absent."""
        words = re.findall(r"[a-z]+", fold(name))
        return name.isascii() and len(words) == 1 and words[0] not in self._lowercase_seen

    @staticmethod
    def _recapped(edition: Event) -> bool:
        """Is the edition one of Istio's own (not a KubeCon, whose hundreds of talks istio.io never covers) with a
        post dated from its first day or later: a recap, which tells the talks given (a preview tells those
        planned)?"""
        return (edition.series in ISTIO_SERIES and bool(edition.start)
                and any(post.date >= edition.start for post in edition.posts))

    def _the_session(self, g: Grounding) -> Session | None:
        """The one session the question names: by its title, or as the one talk the speakers it names gave together
        (at the edition it names, if it names one): "Lin Sun's talk at IstioCon 2021", "the slides of Scott Weiss
        and Eitan Yarmush's talk"."""
        if len(g.sessions) == 1:
            return g.sessions[0]
        if g.sessions or len(g.editions) > 1 or not g.speakers:
            return None
        pool = self._sessions_of.get(g.editions[0].key, []) if g.editions else self.sessions
        theirs = [s for s in pool if _gave(s, g.speakers)]
        return theirs[0] if len(theirs) == 1 else None

    def ranked_session_detail(self, g: Grounding, ranked: Iterable[Session]) -> NotFound | None:
        """A recording or slides asked of a talk of the speakers the question names, when they gave several and the
        question describes which in its own words ("la charla de Nick Nellis sobre montar un istio-proxy local"):
        the first of their talks in ``ranked`` (retrieval's order, those the description fits; at the edition or
        year named) stands for the one asked of, and its program entry says whether it has one."""
        if g.not_found is not None or g.sessions or not g.speakers or len(g.editions) > 1:
            return None
        if not g.editions and (g.places or named_events(g.question, self.events, self.event_word)):
            return None  # an event or place it names that no program holds ("la meetup de 2021 en China")
        years = set(YEAR.findall(g.question))
        for session in ranked:
            edition = self._event_of_session(session)
            if (_gave(session, g.speakers)
                    and (not g.editions or (edition is not None and edition.key == g.editions[0].key))
                    and (not years or session.year in years)):
                return self._missing_detail(g.question, session)
        return None

    def _missing_detail(self, question: str, session: Session) -> NotFound | None:
        """A recording or slides asked of a session whose program entry has none; who gave a session whose entry
        names no speaker, nor does its abstract (a sponsor's message; a listening session "led by" two people is
        answered)."""
        wants_video, wants_slides = asks_video(question), asks_slides(question)
        edition = self._event_of_session(session)
        if wants_video and not session.recording and not (wants_slides and session.slides):
            return NotFound("recording_not_listed", session.title, edition, (), session)
        if wants_slides and not wants_video and not session.slides:
            return NotFound("slides_not_listed", session.title, edition, (), session)
        if not session.speakers and _WHO.search(question) and not self._names_someone(session.abstract):
            return NotFound("speakers_not_listed", session.title, edition, (), session)
        return None

    def _unknown_birthday(self, question: str) -> NotFound | None:
        """A birthday of Istio no document speaks of ("Istio's 5th birthday", "五周年"), with the pages about those
        they do."""
        for n, start, end in _birthdays(question):
            if n not in self._birthday_pages:
                pages = tuple(page for known in sorted(self._birthday_pages) for page in self._birthday_pages[known])
                return NotFound("unknown_birthday", question[start:end].strip("#"), pages=pages)
        return None

    def names_a_person(self, text: str) -> bool:
        """Does ``text`` name anyone: a program's speaker, two capitalised words neither of which the documents write
        in lower case nor as part of an event, company or place ("Lukonde Mwila", not "Istio Day" or "Salt Lake"),
        or a Chinese name (a common surname and one or two characters, standing apart: "史泽寰-阿里云")?"""
        if _CHINESE_NAME.search(text) or self._names_a_speaker(text):
            return True
        return any(not any(fold(word) in self._lowercase_seen or fold(word) in self._non_person_words
                           for word in m.groups()) for m in _LATIN_NAME.finditer(text))

    def _names_someone(self, text: str) -> bool:
        """Does ``text`` name a person: a program's speaker, or a name after "by", "with", "主持"…?"""
        return bool(_BY_SOMEONE.search(text)) or self._names_a_speaker(text)

    def _names_a_speaker(self, text: str) -> bool:
        return any(name in text for name in self._speaker_names)

    def _missing_topic(self, question: str, edition: Event) -> str:
        """A rare word ("quantum", "interplanetary") of the topic the question gives a talk ("the talk on …",
        "la charla sobre …", a quoted title) that none of the edition's talks or posts use."""
        edition_words = self._edition_words.get(edition.key, set())
        spans = [(m.group("topic"), 0) for rx in _TOPIC_SPANS for m in rx.finditer(question)]
        spans += [(" ".join(w for w in m.group("topic").split() if fold(w) not in _QUALIFIERS), 1)
                  for m in _BARE_TOPIC.finditer(question)]
        for span, least in spans:
            for term in tokenize(span):
                if len(term) < 4 or term.isdigit() or not term.isascii() or term in STOPWORDS:
                    continue
                if term in edition_words or any(w.startswith(term[:6]) for w in edition_words):
                    continue
                if len(term) >= MIN_LENGTH and process.extractOne(  # a misspelling of the edition's word ("quarkis")
                        term, edition_words, scorer=DamerauLevenshtein.distance, score_cutoff=1) is not None:
                    continue
                if least <= self._df.get(term, 0) <= RARE_PASSAGES:
                    return next((w for w in _LATIN_WORD.findall(span) if fold(w) == term), term)
        return ""
