"""``istio-events-bot bench``: what a user of the bot waits for and what it costs, one module per figure.

Kept outside the runtime packages: ``bot`` and ``embeddings`` never import it (``bot.cli`` only loads it,
lazily, for the ``bench`` command). Start-up and the Slack path run the real ``istio-events-bot serve``
in a fresh process against the loopback mock Web API of ``slack_testkit``; everything stays on 127.0.0.1.
"""
