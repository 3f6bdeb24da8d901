"""Fixtures for the store tests: each test runs on SQLite (a tmp file) and on a real PostgreSQL server
(``store_url`` and the session's ``pg_server`` are in tests/conftest.py, shared with the Slack tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.store import Store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated store on the fresh database."""
    with Store(store_url) as opened:
        yield opened
