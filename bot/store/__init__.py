"""The bot's one SQL database: exactly-once claims, followed threads, the question log and feedback votes.

What is stored, and why:

* **Claims** (``claims``): Slack may deliver one message several times (``app_mention`` *and* ``message``,
  and again on retries). The first :meth:`Store.claim` of a message's ``(channel, ts)`` wins, in any
  thread, process or host sharing the database (``INSERT .. ON CONFLICT``). Claims expire after
  ``DEDUPE_TTL`` seconds (default 1 hour); every claim deletes the expired ones first, so the table
  stays bounded by the messages of one TTL (there is no entry cap).
* **Followed threads** (``threads``): threads the bot answered in, for 7 days, so follow-ups there are
  answered without a new mention.
* **Question log** (``answers``): each answer the bot gave: the question, its language, whether the bot
  declined, the cited documents and passages, the asker's *hashed* id, and where the reply was posted.
* **Votes** (``votes``): one vote per answer and person, +1 or -1, from a button or a reaction (the same
  person clicking and reacting is one vote), with an optional reason.
* **Subscriptions** (``subscriptions``, ``notices``, ``notice_deliveries``; :mod:`bot.store.subscriptions`):
  channels that get announcements and reminders in their language, each notice recorded once under its key,
  and each channel's copy taken once before it is posted.
* ``meta``: per-database settings, e.g. the random salt of the user hash.

Retention: answers and votes older than ``FEEDBACK_RETENTION_DAYS`` (default 90; 0 keeps them forever)
are deleted by :meth:`Store.prune`, together with expired claims and threads. The store does not prune
by itself: the bot's responder calls it with the first answer it logs and then at most hourly.

Privacy: Slack user ids are never stored. :meth:`Store.hash_user` gives HMAC-SHA256 of ``team:user``
keyed with ``USER_HASH_SALT`` or, when unset, a random 32-byte salt created once per database in
``meta``. Without the salt, the hashes cannot be matched to users by hashing candidate ids; with the
per-database salt, a copied database cannot be joined with another one's hashes.

Backends: by default a SQLite file, ``CACHE_DIR/bot.sqlite`` (WAL, 10 s busy timeout), which serves
several worker processes on one host (one volume). Several hosts, or many workers, need a server:
``DATABASE_URL=postgresql+psycopg://user:password@host/db`` (``postgres://`` and ``postgresql://`` are
taken to mean psycopg 3). ``sqlite://`` or ``:memory:`` is a private in-memory database for one process
(tests, the terminal chat). The schema is created and upgraded by Alembic migrations
(``bot/store/migrations``), applied by :meth:`Store.migrate` when a store opens.

Every database failure surfaces as :class:`StoreError`, with a one-line message naming the URL (password
redacted): callers log it and carry on without the feature.
"""

from bot.store.store import AnswerRecord, Store, StoredAnswer, StoredVote, StoreError, StoreSettings, VoteOutcome

__all__ = ["AnswerRecord", "Store", "StoreError", "StoreSettings", "StoredAnswer", "StoredVote", "VoteOutcome"]
