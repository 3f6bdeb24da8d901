"""Thread manners: which messages in a thread the bot follows are meant for it.

Once the bot has answered in a thread, people keep talking there: "thanks!", "ok 👍", or to each other.
Only a message that *asks something* gets a reply without a new mention: one with a question mark, or
one that opens with a question or request word (in the languages the bot answers in). A message that
mentions another person is people talking to each other. A mention of the bot is always answered; that
is decided by the mention listener, not here.
"""

from __future__ import annotations

import re

from bot.core.language import HAN
from bot.core.markup import USER_MENTION, unmark

_QUESTION_MARKS = re.compile(r"[?？¿]")
_OPENERS = frozenset(
    # English
    "what when where who whom whose which why how is are was were does did tell show list give find explain "
    "recommend "
    # Spanish (accented: unaccented que, como, cuando… also open statements)
    "qué cuándo dónde quién quiénes cuál cuáles cómo cuánto cuántos cuántas hay dime muestra muéstrame lista "
    "busca explica "
    # Portuguese
    "quando onde quem quais qual quantos mostre diga "
    # Ukrainian
    "що коли де хто який яка які чому скажи покажи".split()
)
"""Words a question or request opens with (none that also opens everyday chatter: "can't wait", "any time")."""
MIN_WORDS = 3
"""Without a question mark, a message asks something only if it opens with such a word and says more."""
_THANKS = re.compile(r"\b(?:thanks|thank|thx|ty|cheers|gracias|obrigad[oa]|дякую|спасибі)\b|谢谢|多谢|感谢|谢啦",
                     re.IGNORECASE)
_CHINESE_ASKING = re.compile(r"什么|哪|谁|几|怎么|如何|为什么|多少|是否|有没有|请问")
_CHINESE_PARTICLE = re.compile(r"[吗呢]\s*$")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def addresses_someone_else(text: str, bot_user_id: str | None) -> bool:
    """Whether the message mentions a person other than the bot: people talking to each other."""
    return any(bot_user_id is None or bot_user_id not in mention for mention in USER_MENTION.findall(text))


def asks_something(text: str) -> bool:
    """Whether the message asks a question or makes a request, rather than thanking or reacting."""
    plain = unmark(text)
    if _QUESTION_MARKS.search(plain):
        return True
    if _THANKS.search(plain):
        return False  # "Will do, thanks!", "谢谢你的推荐"
    if _CHINESE_PARTICLE.search(plain):
        return True
    if _CHINESE_ASKING.search(plain):  # a question word, and something to ask about ("哪里哪里" is not)
        rest = _CHINESE_ASKING.sub("", plain)
        return len(HAN.findall(rest)) + len(_WORD.findall(HAN.sub(" ", rest))) >= MIN_WORDS
    words = _WORD.findall(plain.casefold())
    return len(words) >= MIN_WORDS and words[0] in _OPENERS


def is_meant_for_the_bot(text: str, bot_user_id: str | None) -> bool:
    """A follow-up in a followed thread that the bot should answer without being mentioned."""
    return not addresses_someone_else(text, bot_user_id) and asks_something(text)
