"""The answer core: a message in, a typed :class:`~bot.core.reply.Reply` out. No Slack, no store.

Start at :mod:`bot.core.answerer` (questions) and :mod:`bot.core.commands` (``help``, ``events``,
``videos``); :mod:`bot.core.compose` words what they found as a Reply.
"""
