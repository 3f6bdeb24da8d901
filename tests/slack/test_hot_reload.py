"""Knowledge current without restarts: a running ``serve`` host answers from a post added to its documents
(and indexed, as a sync does) within 60 s, without a restart. The figure is printed."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sentence_transformers import SentenceTransformer
from serve_harness import Host
from slack_harness import BOT_TOKEN, SIGNING_SECRET, blocks_json, mention
from support import ROOT, cli_env, copy_docs, settings_for

from embeddings.index import build_index, current_build_name
from slack_testkit.mock_slack import MockSlack

pytestmark = pytest.mark.slow

SWAP_MEMORY = 1.5
"""Peak memory of the answer process while it loads and swaps in the new build, over its serving RSS before."""
WITHIN = 60.0
"""Seconds after the new build is live by which the host must answer from it (the issue's target)."""
NEW_POST = """---
title: "Istio Community Summit Lima 2027"
description: The first Istio Community Summit in Lima, Peru.
publishdate: 2026-11-30
keywords: [Istio,conference,summit]
---

The first Istio Community Summit will take place in Lima, Peru, on 3 March 2027 at the Lima Convention
Center. Maintainers will run hands-on ambient mode workshops, and the call for proposals closes on
15 January 2027.
"""
QUESTION = "Where will the Istio Community Summit Lima 2027 take place?"
SLUG = "blog/2026/istio-community-summit-lima/"


def test_a_serving_host_answers_from_a_new_post_within_a_minute_without_restarting(
    tmp_path: Path, mock_slack: MockSlack, model: SentenceTransformer
) -> None:
    docs = copy_docs(tmp_path / "docs")
    settings = settings_for(docs, tmp_path / "index")
    build_index(settings, model, progress=False)  # the build the host starts with (the release step's)
    env = {**cli_env(), "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite'}", "SLACK_BOT_TOKEN": BOT_TOKEN,
           "SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_API_URL": mock_slack.api_url, "DOCS_DIR": str(docs),
           "INDEX_DIR": str(settings.index_dir), "ANSWER_PROCESSES": "1"}
    env.pop("SLACK_APP_TOKEN", None)
    host = Host(env, tmp_path / "host.log")
    try:
        host.wait_ready()
        mock_slack.reset()
        [answering] = _descendants(host.process.pid)
        serving_mib = _status_mib(answering, "VmRSS")
        Path(f"/proc/{answering}/clear_refs").write_text("5")  # its peak RSS from now on: the swap's
        before = current_build_name(settings.index_dir)
        (docs / "en" / "2026" / "istio-community-summit-lima.md").write_text(NEW_POST, encoding="utf-8")
        indexed = subprocess.run([sys.executable, "-m", "bot.cli", "index"], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=300)
        assert indexed.returncode == 0, indexed.stderr[-2000:]
        assert current_build_name(settings.index_dir) != before
        live = time.monotonic()
        answered_after = None
        while time.monotonic() - live < WITHIN + 30:
            assert host.event(mention(QUESTION)).status_code == 200
            [reply] = mock_slack.wait_for("chat.postMessage", timeout=60)
            if SLUG in blocks_json(reply) or SLUG in str(reply.body.get("text")):
                answered_after = time.monotonic() - live
                break
            mock_slack.reset()
            time.sleep(1.0)
        print(f"\nnew post answered {answered_after} s after its build went live (target {WITHIN} s)")
        assert answered_after is not None and answered_after <= WITHIN, host.log.read_text()[-3000:]
        peak_mib = _status_mib(answering, "VmHWM")
        print(f"answer process memory: serving {serving_mib:.0f} MiB, peak during the swap {peak_mib:.0f} MiB "
              f"({peak_mib / serving_mib:.2f}x, target <= {SWAP_MEMORY}x)")
        assert peak_mib <= SWAP_MEMORY * serving_mib
        assert host.process.poll() is None  # the same host, never restarted
    finally:
        host.stop()


def _descendants(pid: int) -> list[int]:
    """The answer process(es) ``serve`` started (its spawned children, not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


def _status_mib(pid: int, key: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {key} for {pid}")
