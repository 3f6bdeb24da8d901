"""Thread manners: which messages in a thread the bot follows are meant for it.

Once the bot has answered in a thread, people keep talking there: "thanks!", "ok 👍", or to each other.
Only a message that *asks something* gets a reply without a new mention: one with a question mark, or
one that opens with a question or request word (in the languages the bot answers in). A message that
mentions another person is people talking to each other. A mention of the bot is always answered; that
is decided by the mention listener, not here.
"""

from __future__ import annotations

import re

from bot.markup import unmark

_QUESTION_MARKS = re.compile(r"[?？¿]")
_PERSON = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")
_OPENERS = frozenset(
    # English
    "what when where who whom whose which why how is are was were do does did can could will would should shall "
    "may any anything tell show list give find explain recommend "
    # Spanish
    "qué que cuándo cuando dónde donde quién quien quiénes cuál cual cuáles cuales cómo como por cuánto cuántos "
    "cuántas hay dime muestra muéstrame lista busca explica puedes podrías sabes "
    # Portuguese
    "quando onde quem quais qual porque quanto quantos existe mostre diga pode "
    # Ukrainian
    "що коли де хто який яка які чому як чи скажи покажи".split()
)
"""Words a question or request opens with; a message opening with one of them asks something."""
_CHINESE_ASKING = re.compile(r"什么|哪|谁|几|怎么|如何|为什么|多少|是否|有没有|吗|呢|请问|告诉|列出|推荐")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def addresses_someone_else(text: str, bot_user_id: str | None) -> bool:
    """Whether the message mentions a person other than the bot: people talking to each other."""
    return any(bot_user_id is None or bot_user_id not in mention for mention in _PERSON.findall(text))


def asks_something(text: str) -> bool:
    """Whether the message asks a question or makes a request, rather than thanking or reacting."""
    plain = unmark(text)
    if _QUESTION_MARKS.search(plain):
        return True
    if _CHINESE_ASKING.search(plain):
        return True
    words = _WORD.findall(plain.casefold())
    return bool(words) and words[0] in _OPENERS


def is_meant_for_the_bot(text: str, bot_user_id: str | None) -> bool:
    """A follow-up in a followed thread that the bot should answer without being mentioned."""
    return not addresses_someone_else(text, bot_user_id) and asks_something(text)
