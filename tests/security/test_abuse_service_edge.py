"""Issue 23, rows 2, 12 and 13 against real gunicorn processes: no public development secret
outside development and test, /metrics only with its token or on its internal listener, and
one per-user budget shared by every process.

Each service runs under gunicorn on a free loopback port with its data under a temporary
VAR_DIR (SQLite) and the shared Redis under a unique key prefix."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import requests

from libs.servicekit.settings import DEV_JWT_SECRET
from tests.support.servers import ServiceProcess, free_port
from tests.support.tokens import bearer

from .conftest import PASSWORD, drop_keys

pytestmark = pytest.mark.e2e

REAL_SECRET = "abuse-suite-" + uuid.uuid4().hex + uuid.uuid4().hex
REAL_SERVICE_SECRET = "abuse-service-" + uuid.uuid4().hex + uuid.uuid4().hex
FAST_HASHING = {"PASSWORD_TIME_COST": "1", "PASSWORD_MEMORY_COST": "8", "PASSWORD_PARALLELISM": "1"}


@pytest.fixture
def prefix(redis_client: redis.Redis) -> Iterator[str]:
    value = f"test:edge:{uuid.uuid4().hex[:8]}:"
    yield value
    drop_keys(redis_client, value)


def base_env(prefix: str, redis_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    return {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": "",
        "MONGODB_URI": "",
        "ACCESS_LOG": "/dev/null",
        "WEB_CONCURRENCY": "1",
        **FAST_HASHING,
        **extra,
    }


def refused_start(service: str, env: dict[str, str]) -> str:
    process = ServiceProcess(service, env)
    with pytest.raises(RuntimeError, match="exited early") as failed:
        process.start(timeout=60)
    return str(failed.value)


@pytest.mark.parametrize("service", ["auth_user", "chat_file"])
def test_without_app_env_the_development_secrets_stop_the_service(
    service: str, prefix: str, redis_url: str, tmp_path: Path
) -> None:
    env = base_env(prefix, redis_url, tmp_path, APP_ENV="", JWT_SECRET="", SERVICE_SECRET="")
    assert "JWT_SECRET is required when APP_ENV=production" in refused_start(service, env)
    outright = {**env, "JWT_SECRET": DEV_JWT_SECRET, "SERVICE_SECRET": REAL_SERVICE_SECRET}
    assert "JWT_SECRET holds a public development secret" in refused_start(service, outright)


def test_demo_users_are_refused_in_production(prefix: str, redis_url: str, tmp_path: Path) -> None:
    env = base_env(
        prefix, redis_url, tmp_path, APP_ENV="production", JWT_SECRET=REAL_SECRET,
        SERVICE_SECRET=REAL_SERVICE_SECRET, SEED_DEMO_USERS="true",
    )  # fmt: skip
    assert "SEED_DEMO_USERS" in refused_start("auth_user", env)


def test_a_token_signed_with_the_development_secret_is_refused_in_production(
    prefix: str, redis_url: str, tmp_path: Path
) -> None:
    env = base_env(
        prefix, redis_url, tmp_path, APP_ENV="", JWT_SECRET=REAL_SECRET,
        SERVICE_SECRET=REAL_SERVICE_SECRET, AUTH_USER_SERVICE_URL="http://127.0.0.1:9",
    )  # fmt: skip
    chat = ServiceProcess("chat_file", env).start(timeout=60)
    try:
        forged = requests.get(
            f"{chat.url}/conversations", headers=bearer("u1", DEV_JWT_SECRET), timeout=10
        )
        assert (forged.status_code, forged.json()["code"]) == (401, "INVALID_TOKEN")
        real = requests.get(
            f"{chat.url}/conversations", headers=bearer("u1", REAL_SECRET), timeout=10
        )
        assert real.status_code == 200  # the positive control
        assert "DEVELOPMENT SECRETS" not in chat.log_tail(400)
    finally:
        chat.stop()


def test_development_secrets_in_use_are_announced_in_the_log(
    prefix: str, redis_url: str, tmp_path: Path
) -> None:
    env = base_env(prefix, redis_url, tmp_path, APP_ENV="test", JWT_SECRET="", SERVICE_SECRET="")
    auth = ServiceProcess("auth_user", env).start(timeout=60)
    try:
        log = auth.log_tail(400)
        assert "DEVELOPMENT SECRETS IN USE (JWT_SECRET, SERVICE_SECRET, APP_ENV=test)" in log
        assert DEV_JWT_SECRET not in log
    finally:
        auth.stop()


@pytest.mark.parametrize("service", ["auth_user", "chat_file"])
def test_metrics_need_their_token_or_their_internal_listener(
    service: str, prefix: str, redis_url: str, tmp_path: Path
) -> None:
    internal = free_port()
    env = base_env(
        prefix, redis_url, tmp_path, APP_ENV="test", METRICS_TOKEN="scrape-" + uuid.uuid4().hex,
        METRICS_BIND=f"127.0.0.1:{internal}", AUTH_USER_SERVICE_URL="http://127.0.0.1:9",
    )  # fmt: skip
    process = ServiceProcess(service, env).start(timeout=60)
    try:
        url = f"{process.url}/metrics"
        refused = requests.get(url, timeout=10)
        assert (refused.status_code, refused.json()["code"]) == (403, "FORBIDDEN")
        wrong = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 403
        token = {"Authorization": f"Bearer {env['METRICS_TOKEN']}"}
        assert "http_requests_total" in requests.get(url, headers=token, timeout=10).text
        inside = requests.get(f"http://127.0.0.1:{internal}/metrics", timeout=10)
        assert inside.status_code == 200 and "http_requests_total" in inside.text
        assert requests.get(f"{process.url}/health", timeout=10).status_code == 200
    finally:
        process.stop()


def test_one_users_lookup_budget_is_shared_by_every_auth_user_process(
    prefix: str, redis_url: str, tmp_path: Path
) -> None:
    env = base_env(
        prefix, redis_url, tmp_path, APP_ENV="test", SEED_DEMO_USERS="true",
        RATE_LIMIT_LOOKUP="4/1m",
    )  # fmt: skip
    first = ServiceProcess("auth_user", env).start(timeout=60)
    second = ServiceProcess("auth_user", env)
    try:
        second.start(timeout=60)
        login = {"matricule": "MAT1001", "password": PASSWORD}
        token = requests.post(f"{first.url}/login", json=login, timeout=10).json()["accessToken"]
        headers = {"Authorization": f"Bearer {token}"}
        answers = [
            requests.get(f"{process.url}/MAT1002", headers=headers, timeout=10)
            for process in (first, second) * 3
        ]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429, 429]
        assert answers[-1].json()["code"] == "RATE_LIMITED"
        assert 0 < int(answers[-1].headers["Retry-After"]) <= 15
        metrics = requests.get(f"{second.url}/metrics", timeout=10).text
        assert (
            'rate_limit_decisions_total{action="lookup",result="limited",scope="shared"}' in metrics
        )
    finally:
        second.stop()
        first.stop()
