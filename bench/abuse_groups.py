"""Another user's `GET /conversations` while one user floods group creation with 1 000 ids that
do not exist and with 10 001 ids (issue 23 row 6), against idle: auth_user and chat_file under
gunicorn (SQLite, real Redis), on a shared, busy 2-core machine (noisy).

- other_user_p50_ms_idle: p50 of the other user's conversation list, nobody else working.
- other_user_p50_ms_during_group_flood: the same while two attacker processes loop on
  `POST /groups` (999 fresh random 24-hex ids, each attempt checked against auth_user: 404
  `USER_NOT_FOUND`; one attempt in five with 10 001 ids: 400 `TOO_MANY_MEMBERS` before any
  lookup). The attackers run in processes of their own, so the measuring client shares no
  interpreter lock with them.
- other_user_p50_flood_over_idle: their ratio; the target is ≤ 2.
"""

from __future__ import annotations

import multiprocessing
import os
import secrets
import statistics
import tempfile
import time
import uuid
from typing import Any

import redis
import requests

from tests.support.servers import ServiceProcess

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
SECRET = "bench-groups-secret-0123456789abcdef-01234567"
PASSWORD = "Ngomna2026!"
SAMPLES = 150
ATTACKERS = 2


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


def _login(auth: str, matricule: str) -> dict[str, Any]:
    body = {"matricule": matricule, "password": PASSWORD}
    answer: dict[str, Any] = requests.post(f"{auth}/login", json=body, timeout=10).json()
    return answer


def _p50(chat: str, token: str) -> float:
    http = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    for _ in range(SAMPLES):
        started = time.perf_counter()
        assert http.get(f"{chat}/conversations", headers=headers, timeout=30).status_code == 200
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _flood(chat: str, token: str, stop: Any, codes: Any) -> None:
    """One attacker process: group creations until `stop` is set; answers counted by code."""
    http = requests.Session()
    headers = {"Authorization": f"Bearer {token}"}
    n = 0
    while not stop.is_set():
        n += 1
        count = 10_001 if n % 5 == 0 else 999
        members = [secrets.token_hex(12) for _ in range(count)]
        body = {"name": "flood", "members": members}
        answer = http.post(f"{chat}/groups", json=body, headers=headers, timeout=60)
        code = answer.json().get("code", str(answer.status_code))
        codes[code] = codes.get(code, 0) + 1


def _measure(auth: str, chat: str) -> dict[str, float | int]:
    attacker = _login(auth, "MAT1001")
    other = _login(auth, "MAT1002")
    headers = {"Authorization": f"Bearer {other['accessToken']}"}
    for matricule in ("MAT1001", "MAT1003", "MAT1004"):  # a few conversations to list
        peer = _login(auth, matricule)["user"]["id"]
        body = {"receiverId": peer, "content": "bonjour"}
        assert requests.post(f"{chat}/messages", json=body, headers=headers, timeout=10).ok
    idle = _p50(chat, other["accessToken"])
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        stop, codes = manager.Event(), manager.dict()
        attackers = [
            context.Process(target=_flood, args=(chat, attacker["accessToken"], stop, codes))
            for _ in range(ATTACKERS)
        ]
        for process in attackers:
            process.start()
        try:
            time.sleep(1.0)  # the flood under way before sampling
            flooded = _p50(chat, other["accessToken"])
        finally:
            stop.set()
            for process in attackers:
                process.join(timeout=120)
        answers = dict(codes)
    if not answers or set(answers) - {"USER_NOT_FOUND", "TOO_MANY_MEMBERS"}:
        raise RuntimeError(f"unexpected answers to the flood: {answers}")
    print(f"   flood answers: {answers}", flush=True)
    return {
        "other_user_p50_ms_idle": round(idle, 1),
        "other_user_p50_ms_during_group_flood": round(flooded, 1),
        "other_user_p50_flood_over_idle": round(flooded / idle, 2),
    }


def run() -> dict[str, float | int]:
    prefix = f"bench:groups:{uuid.uuid4().hex[:8]}:"
    try:
        with tempfile.TemporaryDirectory() as data:
            auth_env = {**_env(prefix), "DATABASE_URL": f"sqlite:///{data}/auth_user.db"}
            auth = ServiceProcess("auth_user", auth_env).start()
            chat_env = {
                **_env(prefix),
                "AUTH_USER_SERVICE_URL": auth.url,
                "DATABASE_URL": f"sqlite:///{data}/chat_file.db",
                "FILES_DIR": f"{data}/files",
            }
            chat = ServiceProcess("chat_file", chat_env).start()
            try:
                return _measure(auth.url, chat.url)
            finally:
                chat.stop()
                auth.stop()
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        stale = list(client.scan_iter(match=f"{prefix}*", count=500))
        if stale:
            client.delete(*stale)
