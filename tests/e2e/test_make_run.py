"""`make run` as a newcomer meets it: no Redis server anywhere, nothing configured, and the
data still there after a restart.

Runs `python -m scripts.run` (what `make run` calls) with no Redis answering and no
`redis-server` on the PATH, so it must fall back to the embedded Redis; then logs in as a demo
user, reads the profile with the token, chats through chat_file, and stops it with Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

from tests.support.servers import ROOT, free_port

pytestmark = pytest.mark.e2e


def test_make_run_with_nothing_installed_serves_both_services_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    """Run, chat, Ctrl-C; run again: the accounts and the message are still there."""
    auth_port, chat_port, redis_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "PATH": "/nonexistent",  # no redis-server to start
        "RUN_LOCAL_REDIS_URL": "redis://127.0.0.1:1/0",  # nothing answers there
        "RUN_EMBEDDED_REDIS_PORT": str(redis_port),
        "AUTH_USER_SERVICE_PORT": str(auth_port),
        "CHAT_FILE_SERVICE_PORT": str(chat_port),
        "VAR_DIR": str(tmp_path),  # the default SQLite files, here instead of the repo's var/
        "FILES_DIR": str(tmp_path / "files"),
    }
    for name in ("REDIS_URL", "MONGODB_URI", "DATABASE_URL"):
        env.pop(name, None)
    auth, chat = f"http://127.0.0.1:{auth_port}", f"http://127.0.0.1:{chat_port}"
    with make_run(env) as banner:
        assert "embedded in-process Redis" in banner
        assert f"http://127.0.0.1:{chat_port}/" in banner
        bearer, marie = _login_jean(auth)
        sent = requests.post(
            f"{chat}/messages",
            json={"receiverId": marie["id"], "content": "Bonjour"},
            headers=bearer,
            timeout=10,
        )
        assert sent.status_code == 201
        assert sent.json()["data"]["senderName"] == "Jean Dupont"
        assert requests.get(f"{chat}/", timeout=10).status_code == 200
    assert (tmp_path / "auth_user.db").exists() and (tmp_path / "chat_file.db").exists()
    with make_run(env):
        bearer, _ = _login_jean(auth)
        listed = requests.get(f"{chat}/conversations", headers=bearer, timeout=10).json()
        kept = [c["lastMessage"]["content"] for c in listed["data"]["conversations"]]
        assert kept == ["Bonjour"]


def _login_jean(auth: str) -> tuple[dict[str, str], dict[str, str]]:
    jean = requests.post(
        f"{auth}/login", json={"matricule": "MAT1001", "password": "Ngomna2026!"}, timeout=10
    ).json()
    bearer = {"Authorization": f"Bearer {jean['accessToken']}"}
    me = requests.get(f"{auth}/{jean['user']['id']}", headers=bearer, timeout=10)
    assert me.json()["matricule"] == "MAT1001"
    marie = requests.get(f"{auth}/matricule/MAT1002", headers=bearer, timeout=10).json()
    return bearer, marie


@contextmanager
def make_run(env: dict[str, str]) -> Iterator[str]:
    """`python -m scripts.run` (what `make run` calls) until Ctrl-C; both ports closed after."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "scripts.run"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        yield _read_until(proc, "Ctrl-C stops everything", timeout=90)
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=30)
    assert code == 0
    for port in (env["AUTH_USER_SERVICE_PORT"], env["CHAT_FILE_SERVICE_PORT"]):
        with pytest.raises(requests.ConnectionError):
            requests.get(f"http://127.0.0.1:{port}/health", timeout=2)


def _read_until(proc: subprocess.Popen[str], marker: str, timeout: float) -> str:
    assert proc.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                raise AssertionError("make run exited:\n" + "".join(seen))
            continue
        seen.append(line)
        if marker in line:
            return "".join(seen)
    raise AssertionError("no banner in time:\n" + "".join(seen))
