"""Both services under gunicorn: log in through auth_user, chat through chat_file.

Failure paths: auth_user stopped (fallback names within the timeout budget, breaker opens,
recovers when auth_user is back) and Redis unreachable for chat_file (lookups go to HTTP).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
import redis
import requests

from tests.support.servers import ServiceProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

SECRET = "e2e-chat-core-secret-0123456789abcdef-0123456789"
PASSWORD = "Ngomna2026!"
UNKNOWN = "Utilisateur inconnu"


def auth_env(prefix: str, redis_url: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "SEED_DEMO_USERS": "true",
        "MONGODB_URI": "",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_COST": "8",
        "PASSWORD_PARALLELISM": "1",
        "LOGIN_MAX_ATTEMPTS_PER_IP": "1000",
        "ACCESS_LOG": "/dev/null",
    }


def chat_env(prefix: str, redis_url: str, auth_url: str, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "AUTH_USER_SERVICE_URL": auth_url,
        "MONGODB_URI": "",
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
        **extra,
    }


@pytest.fixture(scope="module")
def prefix(module_key_prefix: str) -> str:
    return module_key_prefix


@pytest.fixture(scope="module")
def auth_user(prefix: str, redis_url: str) -> Iterator[ServiceProcess]:
    process = ServiceProcess("auth_user", auth_env(prefix, redis_url)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def chat(prefix: str, redis_url: str, auth_user: ServiceProcess) -> Iterator[ServiceProcess]:
    process = ServiceProcess("chat_file", chat_env(prefix, redis_url, auth_user.url)).start()
    yield process
    process.stop()


def login(auth: ServiceProcess, matricule: str) -> dict[str, Any]:
    response = requests.post(
        f"{auth.url}/login", json={"matricule": matricule, "password": PASSWORD}, timeout=10
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return {"id": body["user"]["id"], "headers": {"Authorization": f"Bearer {body['accessToken']}"}}


def call(method: str, url: str, user: dict[str, Any], **kw: Any) -> requests.Response:
    return requests.request(method, url, headers=user["headers"], timeout=15, **kw)


def test_demo_users_chat_with_names_from_auth_user(auth_user, chat) -> None:
    jean, marie, paul = (login(auth_user, m) for m in ("MAT1001", "MAT1002", "MAT1003"))
    created = call(
        "POST",
        f"{chat.url}/conversations",
        jean,
        json={"type": "PRIVATE", "participantId": marie["id"]},
    )
    assert created.status_code == 201, created.text
    cid = created.json()["data"]["id"]
    names = {p["name"] for p in created.json()["data"]["participants"]}
    assert names == {"Jean Dupont", "Marie Ngono"}
    for author, text in [(jean, "Bonjour Marie"), (marie, "Bonjour Jean"), (jean, "Réunion à 10h")]:
        sent = call(
            "POST", f"{chat.url}/messages", author, json={"conversationId": cid, "content": text}
        )
        assert sent.status_code == 201, sent.text
    page = call("GET", f"{chat.url}/messages", marie, params={"conversationId": cid}).json()["data"]
    assert [m["content"] for m in page["messages"]] == [
        "Réunion à 10h",
        "Bonjour Jean",
        "Bonjour Marie",
    ]
    assert [m["senderName"] for m in page["messages"]] == [
        "Jean Dupont",
        "Marie Ngono",
        "Jean Dupont",
    ]
    listing = call("GET", f"{chat.url}/conversations", marie).json()["data"]
    assert listing["totalUnreadMessages"] == 1  # her own reply moved her read mark
    assert (
        call("PUT", f"{chat.url}/conversations/{cid}/read", marie).json()["data"]["unreadCount"]
        == 0
    )
    outsider = call("GET", f"{chat.url}/messages", paul, params={"conversationId": cid})
    assert outsider.status_code == 404
    group = call(
        "POST",
        f"{chat.url}/groups",
        jean,
        json={"name": "Projet", "members": [marie["id"], paul["id"]]},
    )
    assert group.status_code == 201
    assert {p["name"] for p in group.json()["data"]["participants"]} >= {"Paul Fotso"}


def test_auth_user_down_fallback_breaker_and_recovery(prefix, redis_url) -> None:
    auth = ServiceProcess("auth_user", auth_env(f"{prefix}b:", redis_url)).start()
    env = chat_env(
        f"{prefix}c:",  # a cache of its own: every new id is a miss that needs auth_user
        redis_url,
        auth.url,
        AUTH_USER_BREAKER_FAILURES="2",
        AUTH_USER_BREAKER_RESET="1",
        AUTH_USER_TIMEOUT="2",
        USER_NEGATIVE_CACHE_SECONDS="0.1",
    )
    chat = ServiceProcess("chat_file", env).start()
    try:
        jean, marie = login(auth, "MAT1001"), login(auth, "MAT1002")
        body = {"receiverId": marie["id"], "content": "avant la panne"}
        assert call("POST", f"{chat.url}/messages", jean, json=body).status_code == 201
        cid = call("GET", f"{chat.url}/conversations", jean).json()["data"]["conversations"][0][
            "id"
        ]
        auth.stop()
        redis.Redis.from_url(redis_url).delete(
            *(f"{prefix}c:user:profile:{u['id']}" for u in (jean, marie))
        )
        started = time.monotonic()
        for _ in range(4):
            page = call("GET", f"{chat.url}/messages", marie, params={"conversationId": cid})
            assert page.status_code == 200
            assert page.json()["data"]["messages"][0]["senderName"] == UNKNOWN
        assert time.monotonic() - started < 2 * 2 + 2  # within the timeout budget
        ready = requests.get(f"{chat.url}/ready", timeout=5).json()["data"]
        assert ready["breaker"] == "open" and ready["authUser"] is False
        auth.start()
        jean2, marie2 = login(auth, "MAT1001"), login(auth, "MAT1002")  # new in-process store
        body = {"receiverId": marie2["id"], "content": "après la panne"}

        def named_again() -> bool:  # once the breaker lets a call through again
            sent = call("POST", f"{chat.url}/messages", jean2, json=body)
            assert sent.status_code == 201, sent.text
            return bool(sent.json()["data"]["senderName"] == "Jean Dupont")

        wait_until(named_again, timeout=15, every=0.2)
        ready = requests.get(f"{chat.url}/ready", timeout=5).json()["data"]
        assert ready["breaker"] == "closed" and ready["authUser"] is True
    finally:
        chat.stop()
        auth.stop()


def test_redis_unreachable_chat_keeps_serving_through_http(prefix, redis_url, auth_user) -> None:
    env = chat_env(f"{prefix}r:", "redis://127.0.0.1:1/0", auth_user.url)
    chat = ServiceProcess("chat_file", env).start()
    try:
        paul, alice = login(auth_user, "MAT1003"), login(auth_user, "MAT1004")
        body = {"receiverId": alice["id"], "content": "Redis est en panne ?"}
        sent = call("POST", f"{chat.url}/messages", paul, json=body)
        assert sent.status_code == 201, sent.text
        assert sent.json()["data"]["senderName"] == "Paul Fotso"
        page = call(
            "GET",
            f"{chat.url}/messages",
            alice,
            params={"conversationId": sent.json()["data"]["conversationId"]},
        )
        assert page.json()["data"]["messages"][0]["senderName"] == "Paul Fotso"
        ready = requests.get(f"{chat.url}/ready", timeout=10).json()["data"]
        assert ready["redis"] is False and ready["status"] == "degraded"
    finally:
        chat.stop()
