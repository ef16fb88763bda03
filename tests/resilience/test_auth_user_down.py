"""auth_user stops (refused connections) or hangs (SIGSTOP: every call runs into the timeout):
chat_file keeps answering with fallback names ("Utilisateur inconnu", avatar null), its breaker
opens so later calls are fast, and names come back once auth_user does — no chat_file restart.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import redis
import requests

from tests.support.servers import ServiceProcess

from .support import JWT_SECRET, chat_env, kill_process_group

pytestmark = pytest.mark.e2e
PASSWORD = "Ngomna2026!"
UNKNOWN = "Utilisateur inconnu"


@dataclass
class Pair:
    auth: ServiceProcess
    chat: ServiceProcess
    prefix: str
    redis: redis.Redis

    def login(self, matricule: str) -> tuple[str, str]:
        body = {"matricule": matricule, "password": PASSWORD}
        response = requests.post(f"{self.auth.url}/login", json=body, timeout=5)
        assert response.status_code == 200, response.text
        return response.json()["user"]["id"], response.json()["accessToken"]

    def forget_names(self) -> None:
        """Empty the shared user cache (this test's prefix only): lookups must go to auth_user."""
        keys = list(self.redis.scan_iter(match=f"{self.prefix}user:profile:*"))
        if keys:
            self.redis.delete(*keys)

    def send(self, token: str, receiver: str, content: str) -> dict:
        response = requests.post(
            f"{self.chat.url}/messages",
            json={"receiverId": receiver, "content": content},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code in (200, 201), response.text
        return dict(response.json()["data"])

    def history(self, token: str, conversation_id: str) -> tuple[list[dict], float]:
        started = time.monotonic()
        response = requests.get(
            f"{self.chat.url}/messages",
            params={"conversationId": conversation_id},
            headers={"Authorization": f"Bearer {token}"},
            timeout=15,
        )
        assert response.status_code == 200, response.text
        return response.json()["data"]["messages"], time.monotonic() - started

    def ready(self) -> dict:
        response = requests.get(f"{self.chat.url}/ready", timeout=10)
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])


@pytest.fixture(scope="module")
def pair(redis_url: str, redis_client: redis.Redis) -> Iterator[Pair]:
    prefix = f"test:res-auth:{uuid.uuid4().hex[:6]}:"
    auth = ServiceProcess(
        "auth_user",
        {
            "APP_ENV": "test",
            "JWT_SECRET": JWT_SECRET,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "USER_CACHE_PREFIX": f"{prefix}user:profile:",
            "MONGODB_URI": "",
            "SEED_DEMO_USERS": "true",
            "PASSWORD_TIME_COST": "1",
            "PASSWORD_MEMORY_COST": "8",
            "PASSWORD_PARALLELISM": "1",
            "LOG_LEVEL": "warning",
        },
    ).start()
    env = chat_env(
        redis_url,
        prefix,
        AUTH_USER_SERVICE_URL=auth.url,
        AUTH_USER_TIMEOUT="1",
        AUTH_USER_BREAKER_FAILURES="2",
        AUTH_USER_BREAKER_RESET="1",
    )
    chat = ServiceProcess("chat_file", env)
    try:
        chat.start()
        yield Pair(auth, chat, prefix, redis_client)
    finally:
        kill_process_group(auth.proc, signal.SIGCONT)
        chat.stop()
        auth.stop()
        keys = list(redis_client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            redis_client.delete(*keys)


def wait_for(predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_stopped_auth_user_means_fallback_names_then_recovery(pair: Pair) -> None:
    alice, alice_token = pair.login("MAT1001")
    bob, bob_token = pair.login("MAT1002")
    conversation = pair.send(alice_token, bob, "avant la panne")["conversationId"]
    assert pair.history(bob_token, conversation)[0][0]["senderName"] == "Jean Dupont"
    pair.auth.stop()
    pair.forget_names()
    for attempt in range(3):
        messages, took = pair.history(bob_token, conversation)
        assert messages[0]["senderName"] == UNKNOWN and messages[0]["senderAvatar"] is None
        assert took < 3, f"attempt {attempt} took {took:.1f}s"
    during = pair.send(alice_token, bob, "pendant la panne")
    assert during["senderName"] == UNKNOWN and during["messageId"]
    checks = pair.ready()
    assert (checks["authUser"], checks["breaker"], checks["status"]) == (False, "open", "degraded")
    assert pair.redis.exists(f"{pair.prefix}user:profile:{alice}") == 0  # no placeholder cached
    pair.auth.start()  # same port; its in-process database is new, so new ids: log in again
    carol, carol_token = pair.login("MAT1003")
    new_bob, _ = pair.login("MAT1002")
    pair.forget_names()
    wait_for(lambda: pair.send(carol_token, new_bob, "retour")["senderName"] == "Paul Fotso")
    assert pair.ready()["breaker"] == "closed"
    assert pair.redis.hget(f"{pair.prefix}user:profile:{carol}", "fullName") == b"Paul Fotso"


def test_hung_auth_user_costs_one_timeout_then_the_breaker_answers_fast(pair: Pair) -> None:
    _, dave_token = pair.login("MAT1004")
    admin, _ = pair.login("ADMIN001")
    conversation = pair.send(dave_token, admin, "bonjour")["conversationId"]
    pair.forget_names()
    kill_process_group(pair.auth.proc, signal.SIGSTOP)
    try:
        timings = []
        for _ in range(4):
            messages, took = pair.history(dave_token, conversation)
            assert messages[0]["senderName"] == UNKNOWN
            timings.append(took)
        assert timings[0] < 3.5  # bounded by AUTH_USER_TIMEOUT=1 s (+ one retry at most)
        # breaker open: no call to the hung service (a call would cost AUTH_USER_TIMEOUT, 1 s)
        assert timings[-1] < 1.0, timings
        assert pair.ready()["breaker"] in {"open", "half_open"}
    finally:
        kill_process_group(pair.auth.proc, signal.SIGCONT)
    wait_for(lambda: pair.history(dave_token, conversation)[0][0]["senderName"] == "Alice Mbarga")
