"""Knowledge current, end to end: ``serve`` syncs from upstream git repositories on its schedule (local bare
repositories stand in for istio.io and the events repository), and, without a restart, answers from the new
post and tells the subscribed channel about the new event it announces, once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sentence_transformers import SentenceTransformer
from serve_harness import Host
from slack_harness import BOT_TOKEN, SIGNING_SECRET, blocks_json, mention
from support import cli_env, copy_docs, make_docs, settings_for
from test_sync_git import Upstream

from bot.store import Store
from bot.store.subscriptions import Subscriptions
from embeddings.index import build_index
from slack_testkit.mock_slack import MockSlack

pytestmark = pytest.mark.slow

CHANNEL = "C0000NEWS"
NEW_POST = """---
title: "Join us for Istio Day Europe 2027!"
description: Istio Day returns to KubeCon + CloudNativeCon Europe 2027 in Barcelona.
publishdate: 2026-12-01
keywords: [Istio Day,Istio,conference,KubeCon,CloudNativeCon]
---

Istio Day Europe 2027 will take place on 16 March 2027 in Barcelona, Spain, co-located with KubeCon +
CloudNativeCon Europe 2027. Join maintainers and users for a day of ambient mode, multicluster and
security talks.
"""
SLUG = "blog/2026/istio-day-europe-2027/"
WITHIN = 300.0
"""Seconds for the scheduled sync (git fetch, copy, embedding the new passages) and the swap, on a loaded
2-core machine."""


def test_serve_syncs_on_schedule_answers_from_the_new_post_and_announces_it_once(
    tmp_path: Path, mock_slack: MockSlack, model: SentenceTransformer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "Upstream",
                       "GIT_AUTHOR_EMAIL": "u@example.com", "GIT_COMMITTER_NAME": "Upstream",
                       "GIT_COMMITTER_EMAIL": "u@example.com"}.items():
        monkeypatch.setenv(key, value)
    istio_io = Upstream(make_docs(tmp_path / "istio.io", {"content/en/blog/_index.md": "---\ntitle: Blog\n---\n"}),
                        tmp_path / "istio.io.git")
    events = Upstream(make_docs(tmp_path / "events", {"2021/content/about.md": "---\ntitle: About\n---\n"}),
                      tmp_path / "events.git")
    istio_io.commit("Istio Day Europe 2027", {"content/en/blog/2026/istio-day-europe-2027/index.md": NEW_POST},
                    push=True)
    docs = copy_docs(tmp_path / "docs")
    settings = settings_for(docs, tmp_path / "index")
    build_index(settings, model, progress=False)  # the build the host starts with
    database = f"sqlite:///{tmp_path / 'bot.sqlite'}"
    with Store(database) as store:
        Subscriptions(store).subscribe(CHANNEL, "en", None)
    env = {**cli_env(), "DATABASE_URL": database, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
           "SLACK_API_URL": mock_slack.api_url, "DOCS_DIR": str(docs), "INDEX_DIR": str(settings.index_dir),
           "ISTIO_IO_REPO": str(istio_io.bare), "EVENTS_REPO": str(events.bare),
           "SYNC_INTERVAL": "3600", "ANSWER_PROCESSES": "1"}
    env.pop("SLACK_APP_TOKEN", None)
    mock_slack.reset()
    host = Host(env, tmp_path / "host.log")
    try:
        host.wait_ready()
        mock_slack.wait_until(lambda call: call.method == "chat.postMessage" and call.body.get("channel") == CHANNEL,
                              timeout=WITHIN)
        mock_slack.settle(quiet=2.0)
        news = [c.body["text"].splitlines()[0] for c in mock_slack.of("chat.postMessage")
                if c.body.get("channel") == CHANNEL]
        assert "New event: Istio Day Europe 2027" in news and len(news) == len(set(news))  # each told once
        started = time.monotonic()
        answered = False
        while not answered and time.monotonic() - started < 60:
            mock_slack.reset()
            assert host.event(mention("When is Istio Day Europe 2027?")).status_code == 200
            [reply] = mock_slack.wait_for("chat.postMessage", timeout=60)
            answered = SLUG in blocks_json(reply) or "16 March 2027" in str(reply.body.get("text"))
            if not answered:
                time.sleep(2)
        assert answered, host.log.read_text()[-3000:]
        mock_slack.settle(quiet=1.0)
        log = host.log.read_text()
        assert log.count("scheduled sync done") == 1 and host.process.poll() is None  # one sync, no restart
    finally:
        host.stop()
    with Store(database) as store:  # told once: a second look at the same sync announces nothing new
        assert Subscriptions(store).pending() == []
