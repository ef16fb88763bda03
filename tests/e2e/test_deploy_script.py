"""`python -m deploy.cluster` as an operator runs it: two chat_file processes, auth_user and
nginx come up behind one address, answer through it, and all stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

from tests.support.proxy import delete_prefix, require_nginx
from tests.support.servers import ROOT, free_port

from .realtime_support import chat_env, new_user, token_for

pytestmark = pytest.mark.e2e


def consecutive_free_ports(count: int) -> int:
    for _ in range(50):
        base = free_port()
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no consecutive free ports")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_script_runs_the_cluster_behind_nginx_and_stops_it(tmp_path: Path, redis_url: str) -> None:
    require_nginx()
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    base, auth_port, listen = consecutive_free_ports(2), free_port(), free_port()
    url = f"http://127.0.0.1:{listen}"
    argv = [sys.executable, "-m", "deploy.cluster", "--chat-processes", "2",
            "--chat-port-base", str(base), "--auth-port", str(auth_port), "--auth-workers", "2",
            "--listen", f"127.0.0.1:{listen}", "--run-dir", str(tmp_path)]  # fmt: skip
    env = {**os.environ, **chat_env(prefix, redis_url, "gevent")}
    script = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert script.stdout is not None
        assert script.stdout.readline().strip() == f"ngomna chat on {url}"
        assert answers(f"{url}/health") and answers(f"{url}/auth/health")
        for port in (base, base + 1, auth_port):
            assert answers(f"http://127.0.0.1:{port}/health")
        client = socketio.Client(reconnection=False)
        client.connect(url, auth={"token": token_for(new_user())}, wait_timeout=5)
        assert client.call("ping", timeout=5) is not None
        client.disconnect()
        assert (tmp_path / "nginx.conf").exists() and (tmp_path / "nginx.pid").exists()
        script.send_signal(signal.SIGTERM)
        assert script.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and answers(f"http://127.0.0.1:{base}/health"):
            time.sleep(0.1)
        for address in (url, *(f"http://127.0.0.1:{p}" for p in (base, base + 1, auth_port))):
            assert not answers(f"{address}/health")
    finally:
        if script.poll() is None:
            script.send_signal(signal.SIGTERM)  # the script stops its children
            script.wait(timeout=30)
        delete_prefix(redis_url, prefix)
