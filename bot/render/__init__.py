"""Views of one :class:`~bot.core.reply.Reply` that need no Slack: plain text (the terminal, and Slack's
notification fallback) and JSON. The Block Kit view is :mod:`bot.slack.blocks`."""
