"""Nothing acked is lost: hosts of ``istio-events-bot serve`` share one store, one of them is killed with SIGKILL
while it holds acked questions, and another host answers every one of them, exactly once, once the dead host's
leases run out. On a real PostgreSQL server and on one SQLite file (hosts on one machine)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from serve_harness import Host
from slack_harness import BOT_TOKEN, SIGNING_SECRET, mention
from support import DOCS, cli_env

from embeddings.config import Settings
from embeddings.index import BuildReport
from slack_testkit.mock_slack import MockSlack

LEASE = 3
"""Seconds (``JOB_LEASE``) before a dead host's questions are taken by another."""
THREADS = 2
"""Answer threads of each host's answer process (``ANSWER_WORKERS``)."""
QUESTIONS = 24
ANSWERED = 180.0
"""Seconds for the surviving host to answer everything (the lease plus every answer, generously)."""

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_questions_acked_by_a_killed_host_are_answered_once_by_another(
    backend: str, request: pytest.FixtureRequest, mock_slack: MockSlack, docs_settings: Settings,
    docs_build: BuildReport, tmp_path: Path,
) -> None:
    if backend == "postgresql":
        database = request.getfixturevalue("pg_server").create_database().render_as_string(hide_password=False)
    else:
        database = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    env = {**cli_env(), "DATABASE_URL": database, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": mock_slack.api_url, "DOCS_DIR": str(DOCS), "INDEX_DIR": str(docs_settings.index_dir),
           "JOB_LEASE": str(LEASE), "ANSWER_PROCESSES": "1", "ANSWER_WORKERS": str(THREADS)}
    env.pop("SLACK_APP_TOKEN", None)
    doomed, survivor = Host(env, tmp_path / "doomed.log"), Host(env, tmp_path / "survivor.log")
    try:
        doomed.wait_ready()
        survivor.wait_ready()
        mock_slack.reset()
        mock_slack.faults.hold = {"reactions.add"}  # every answer stops at its :eyes:, before it is worked out
        sent = [mention(f"Who spoke about Ambient Mesh at KubeCon? ({n})", user=f"U{n:07d}") for n in range(QUESTIONS)]
        for event in sent:
            assert doomed.event(event).status_code == 200  # acked by the doomed host
        mock_slack.wait_held(2 * THREADS)  # both hosts' answer threads are busy; the rest wait in the store
        doomed.kill()
        mock_slack.release()

        posts = mock_slack.wait_for("chat.postMessage", count=QUESTIONS, timeout=ANSWERED)
        mock_slack.settle(quiet=LEASE + 1)  # past another lease: nothing is answered twice later either
        answered = Counter(call.body.get("thread_ts") for call in mock_slack.of("chat.postMessage"))
        assert answered == Counter({event["ts"]: 1 for event in sent}), survivor.log.read_text()[-3000:]
        assert all(call.ok for call in posts)
        assert "taking over" in survivor.log.read_text()  # the dead host's leased questions went to the survivor
    finally:
        mock_slack.release()
        doomed.stop()
        survivor.stop()
