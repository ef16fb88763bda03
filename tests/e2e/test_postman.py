"""The Postman collection, run by newman against both services under real gunicorn."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from postman.build import COLLECTION_PATH, ENVIRONMENT_PATH
from tests.support.legs import cannot_run, require_command
from tests.support.servers import ROOT, ServiceProcess

NEWMAN = ROOT / "node_modules" / ".bin" / "newman"
pytestmark = pytest.mark.e2e
SECRET = "e2e-postman-secret-0123456789abcdef-0123"


@pytest.fixture
def newman() -> str:
    """newman from the root package.json (`make install` runs npm ci), run by node."""
    require_command("node", "nodejs")
    if not NEWMAN.exists():
        cannot_run("node_modules/.bin/newman is missing: run `make install` (npm ci)")
    return str(NEWMAN)


@pytest.fixture
def stack(redis_url: str, key_prefix: str, tmp_path: Path) -> Iterator[dict[str, str]]:
    shared = {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "USER_CACHE_PREFIX": f"{key_prefix}user:profile:",
        "MONGODB_URI": "",
    }
    auth_env = {
        **shared,
        "SEED_DEMO_USERS": "true",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_COST": "8",
        "PASSWORD_PARALLELISM": "1",
        "LOGIN_MAX_ATTEMPTS_PER_IP": "1000",
    }
    auth = ServiceProcess("auth_user", env=auth_env).start()
    chat_env = {**shared, "AUTH_USER_SERVICE_URL": auth.url, "FILES_DIR": str(tmp_path / "files")}
    try:
        chat = ServiceProcess("chat_file", env=chat_env).start()
    except Exception:
        auth.stop()
        raise
    yield {"authUrl": auth.url, "chatUrl": chat.url, "logs": _logs(auth, chat)}
    chat.stop()
    auth.stop()


def _logs(*processes: ServiceProcess) -> str:
    return "\n".join(f"{p.service} log: {p.log_path}" for p in processes)


def test_the_postman_collection_passes_under_newman(newman: str, stack: dict[str, str]) -> None:
    command = [
        newman,
        "run",
        str(COLLECTION_PATH),
        "--environment",
        str(ENVIRONMENT_PATH),
        "--env-var",
        f"authUrl={stack['authUrl']}",
        "--env-var",
        f"chatUrl={stack['chatUrl']}",
        "--working-dir",
        str(COLLECTION_PATH.parent),
        "--reporters",
        "cli",
        "--color",
        "off",
        "--timeout-request",
        "15000",
    ]
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
    )
    if result.returncode != 0:
        print(result.stdout)
        print(result.stderr)
        print(stack["logs"])
    assert result.returncode == 0, "newman reported failures (its output is printed above)"
