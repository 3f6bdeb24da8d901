"""Fixtures for the store tests: each test runs on SQLite (a tmp file) and on a real PostgreSQL server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from postgres import PostgresServer, postgres_server
from sqlalchemy.engine import URL

from bot.store import Store


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the whole session (started on first use), removed at the end."""
    with postgres_server() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database per test, as a URL string (not migrated yet)."""
    if request.param == "sqlite":
        return URL.create("sqlite", database=str(tmp_path / "bot.sqlite")).render_as_string()
    server: PostgresServer = request.getfixturevalue("pg_server")
    return server.create_database().render_as_string(hide_password=False)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    """A migrated store on the fresh database."""
    with Store(store_url) as opened:
        yield opened
