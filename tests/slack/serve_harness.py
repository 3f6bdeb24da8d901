"""``istio-events-bot serve`` as a whole process group on a loopback port, for the tests that kill hosts or
change what they serve: signed events in, ``/healthz`` polled until the answer process is ready."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from slack_harness import SIGNING_SECRET
from support import ROOT

from slack_testkit.bodies import event_body
from slack_testkit.signing import sign

START = 180.0
"""Seconds a host may take to come up with its index loaded, on a loaded 2-core machine."""


class Host:
    """One ``serve`` process group (the acking process and its answer process) on a loopback port."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve"], cwd=ROOT, env={**env, "PORT": str(self.port)},
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)

    def wait_ready(self) -> None:
        """Until ``/healthz`` says the answer process has loaded the index (polling the endpoint)."""
        deadline = time.monotonic() + START
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"host exited:\n{self.log.read_text()[-3000:]}"
            try:
                if self.http.get("/healthz").json().get("index") == "ready":
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"host not ready in {START} s:\n{self.log.read_text()[-3000:]}")

    def event(self, event: dict) -> httpx.Response:
        body = json.dumps(event_body(event))
        headers = {"Content-Type": "application/json", **sign(body, SIGNING_SECRET)}
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def kill(self) -> None:
        """SIGKILL to the whole host: the acking process and its answer process, nothing cleaned up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        self.http.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
