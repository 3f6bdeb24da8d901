"""What the spawned processes of the cross-process tests run: kept apart from the test module so each
fresh interpreter imports only the store (spawned workers must import their target by module name)."""

from __future__ import annotations

import random
from typing import Any

from bot.store import Store

KEYS = 200


def claim_keys(barrier: Any, results: Any, url: str, seed: int) -> None:
    """Open the store, wait for the other processes, then claim every key (in this process's own order)."""
    try:
        store = Store(url, migrate=False)
        store.claim("warm-up", str(seed))  # connect before the race
        keys = [str(key) for key in range(KEYS)]
        random.Random(seed).shuffle(keys)
        barrier.wait(timeout=60)
        results.put(("ok", [key for key in keys if store.claim("C-race", key)]))
        store.close()
    except BaseException as exc:
        results.put(("error", repr(exc)))


def open_and_migrate(barrier: Any, results: Any, url: str) -> None:
    """Open (and so migrate) a fresh database at the same moment as the other processes, then claim one key."""
    try:
        barrier.wait(timeout=60)
        with Store(url) as store:
            results.put(("ok", store.claim("C", "after-migrate")))
    except BaseException as exc:
        results.put(("error", repr(exc)))
