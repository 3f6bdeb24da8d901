"""A throwaway PostgreSQL server for the test session, from the local PostgreSQL binaries.

The store's PostgreSQL path (ON CONFLICT, advisory locks, timestamptz, the migration) is tested against
a real server, not a mock. Without binaries the tests skip, except under ``CI``, which must run them.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from itertools import count
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL

USER = "storetest"
WAIT = 30.0  # seconds for initdb, start and stop each
_names = count(1)


def find_bin_dir() -> Path | None:
    """The directory with ``initdb`` and ``pg_ctl``: PATH first, then Debian's /usr/lib/postgresql/<ver>/bin."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: _version(Path(p).parent.name))
    for directory in reversed(candidates):
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    return None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """A running server: :meth:`create_database` gives a fresh, empty database's SQLAlchemy URL."""

    def __init__(self, bin_dir: Path, root: Path, port: int) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.port = port

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> URL:
        return URL.create("postgresql+psycopg", username=USER, host="127.0.0.1", port=self.port, database=database)

    def create_database(self) -> URL:
        """A new database per call: cheap (a template copy), and no state leaks between tests."""
        name = f"store_{os.getpid()}_{next(_names)}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname="postgres", autocommit=True, connect_timeout=10
        ) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def log_tail(self, lines: int = 20) -> str:
        log = self.root / "server.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else "(no log)"


def _as_owner(args: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the ``postgres`` user then."""
    if os.geteuid() != 0:
        return args
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", "postgres", "--", *args]
    return ["su", "postgres", "-s", "/bin/sh", "-c", shlex.join(args)]


def _run(args: list[str], what: str) -> None:
    try:
        done = subprocess.run(_as_owner(args), capture_output=True, text=True, timeout=WAIT + 10, check=False)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"PostgreSQL {what} did not finish within {WAIT + 10:.0f} s") from None
    if done.returncode != 0:
        raise RuntimeError(f"PostgreSQL {what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    """Start a server in a new temp dir (TCP on 127.0.0.1 plus a unix socket in that dir); stop it and
    remove the dir afterwards, even when the tests or the start fail."""
    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL binaries (initdb, pg_ctl) not found on PATH or in /usr/lib/postgresql/*/bin"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests (install Debian's postgresql)", pytrace=False)
        pytest.skip(reason)
    # Not under pytest's tmp dir: that is private to root, and the server may run as the postgres user.
    root = Path(tempfile.mkdtemp(prefix="store-pg-"))
    server = PostgresServer(bin_dir, root, _free_port())
    started = False
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        _run(
            [str(bin_dir / "initdb"), "-D", str(server.data_dir), "-U", USER, "--auth=trust", "-E", "UTF8",
             "--no-sync", "--no-instructions"],
            "initdb",
        )  # fmt: skip
        # Durability off: a test cluster is thrown away, and fsyncs would dominate the run time.
        options = (
            f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
            " -c full_page_writes=off -c max_connections=200"
        )
        started = True  # from here on, a half-started server is stopped in `finally`
        try:
            _run(
                [str(bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-l", str(root / "server.log"), "-o", options,
                 "-w", "-t", str(int(WAIT)), "start"],
                "start",
            )  # fmt: skip
        except RuntimeError as exc:
            raise RuntimeError(f"{exc}\nserver log:\n{server.log_tail()}") from None
        _wait_ready(server)
        yield server
    finally:
        if started:
            with suppress(RuntimeError):
                _run([str(bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-m", "fast", "-w", "-t", str(int(WAIT)),
                      "stop"], "stop")  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def _wait_ready(server: PostgresServer) -> None:
    deadline = time.monotonic() + WAIT
    while True:
        try:
            with psycopg.connect(host="127.0.0.1", port=server.port, user=USER, dbname="postgres", connect_timeout=5):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not accept connections within {WAIT:.0f} s: {exc}") from None
            time.sleep(0.1)
