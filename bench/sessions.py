"""Revocation figures: Redis round trips of the per-request token check (both services,
in-process with counting connections) and how fast a logout reaches another process
(auth_user gunicorn revokes, chat_file gevent refuses; real processes, shared Redis)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from typing import Any

import redis
import requests

from bench.roundtrips import RoundTrips, counting_client
from services.auth_user.app import create_app as create_auth_app
from services.auth_user.settings import Settings as AuthSettings
from services.chat_file.app import create_app as create_chat_app
from services.chat_file.kernel.limits import no_user_limits
from services.chat_file.settings import Settings as ChatSettings
from tests.support.servers import ServiceProcess
from tests.support.tokens import mint

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-sessions-secret-0123456789abcdef-0123456"
PASSWORD = "Ngomna2026!"
REQUESTS = 300
LOGOUTS = 50


def _wait(probe: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise RuntimeError("condition not met in time")
        time.sleep(0.01)


def _per_request(client: Any, path: str, token: str) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(path, headers=headers).status_code == 200  # warm-up
    with RoundTrips() as rt:
        for _ in range(REQUESTS):
            client.get(path, headers=headers)
    return rt.count / REQUESTS


def _roundtrips(prefix: str, files_dir: str) -> dict[str, float | int]:
    auth_app = create_auth_app(
        AuthSettings(
            app_env="test",
            jwt_secret=SECRET,
            redis_url=REDIS_URL,
            redis_key_prefix=prefix,
            database_url=f"sqlite:///{files_dir}/auth.db",
            seed_demo_users=True,
            password_time_cost=1,
            password_memory_cost=8,
            password_parallelism=1,
        ),
        redis_client=counting_client(REDIS_URL),
    )
    chat_app = create_chat_app(
        ChatSettings(
            app_env="test",
            jwt_secret=SECRET,
            redis_url=REDIS_URL,
            redis_key_prefix=prefix,
            async_mode="threading",
            files_dir=files_dir,
            database_url=f"sqlite:///{files_dir}/chat.db",
            user_rates=no_user_limits(),  # the token check's round trips, not the limiter's
        ),
        redis=counting_client(REDIS_URL),
    )
    _wait(lambda: auth_app.extensions["auth_user"].mirror.fresh)
    _wait(lambda: chat_app.extensions["chat"].verifier.mirror.fresh)
    token = mint(uuid.uuid4().hex[:24], SECRET, sid=uuid.uuid4().hex)
    admin = (
        auth_app.test_client()
        .post("/login", json={"matricule": "ADMIN001", "password": PASSWORD})
        .get_json()["accessToken"]
    )
    # Authenticated routes that touch nothing in Redis themselves (the directory reads are
    # rate limited per caller in Redis: that is the lookup budget, not the token check).
    auth_rt = _per_request(auth_app.test_client(), "/audit?limit=1", admin)
    chat_rt = _per_request(chat_app.test_client(), "/conversations", token)
    control = _per_request(auth_app.test_client(), "/sessions", token)  # reads Redis: counted
    if control < 1:
        raise RuntimeError("the counting connection counted nothing: the figures would lie")
    return {
        "auth_check_redis_roundtrips_per_request": max(auth_rt, chat_rt),
        "auth_user_authenticated_get_redis_roundtrips": auth_rt,
        "chat_file_authenticated_get_redis_roundtrips": chat_rt,
    }


def _env(prefix: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "SEED_DEMO_USERS": "true",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_COST": "8",
        "PASSWORD_PARALLELISM": "1",
        "LOGIN_BACKOFF_FREE_FAILURES": "100000",
        "LOGIN_MAX_ATTEMPTS_PER_IP": "100000",
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
    }


def _one_logout(http: requests.Session, auth: str, chat: str) -> float:
    body = {"matricule": "MAT1001", "password": PASSWORD}
    tokens = http.post(f"{auth}/login", json=body, timeout=5).json()
    headers = {"Authorization": f"Bearer {tokens['accessToken']}"}
    assert http.get(f"{chat}/conversations", headers=headers, timeout=5).status_code == 200
    started = time.perf_counter()
    http.post(f"{auth}/logout", json={"refreshToken": tokens["refreshToken"]}, timeout=5)
    while http.get(f"{chat}/conversations", headers=headers, timeout=5).status_code != 401:
        if time.perf_counter() - started > 10:
            raise RuntimeError("revocation never reached chat_file")
    return (time.perf_counter() - started) * 1000


def _latency(prefix: str, data_dir: str) -> dict[str, float | int]:
    """Own SQLite files: never the repository's var/ (its demo users keep their cheap hashes)."""
    auth_env = {**_env(prefix), "DATABASE_URL": f"sqlite:///{data_dir}/auth_user.db"}
    auth = ServiceProcess("auth_user", auth_env).start()
    chat_env = {
        **_env(prefix),
        "AUTH_USER_SERVICE_URL": auth.url,
        "DATABASE_URL": f"sqlite:///{data_dir}/chat_file.db",
        "FILES_DIR": f"{data_dir}/files",
    }
    chat = ServiceProcess("chat_file", chat_env).start()
    try:
        http = requests.Session()
        samples = sorted(_one_logout(http, auth.url, chat.url) for _ in range(LOGOUTS))
    finally:
        chat.stop()
        auth.stop()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return {
        "revocation_effective_ms_p50": round(statistics.median(samples), 1),
        "revocation_effective_ms_p99": round(p99, 1),
        "revocation_effective_samples": len(samples),
    }


def run() -> dict[str, float | int]:
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    try:
        with tempfile.TemporaryDirectory() as files_dir:
            figures = _roundtrips(prefix + "a:", files_dir)
            return {**figures, **_latency(prefix + "b:", files_dir)}
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        stale = list(client.scan_iter(match=f"{prefix}*", count=500))
        if stale:
            client.delete(*stale)
