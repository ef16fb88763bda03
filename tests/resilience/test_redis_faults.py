"""Redis dies mid-traffic (SIGKILL of our own redis-server, no persistence) and comes back empty.

chat_file (its cache, presence and Socket.IO queue all on that Redis) must keep answering
while it is down, recover without a restart, and lose no acknowledged message; auth_user must
refuse logins with a clean 503 while it is down and accept them again afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import socketio

from tests.support.servers import ServiceProcess

from .support import JWT_SECRET, OwnRedis, Traffic, chat_env, history_ids, token_for

pytestmark = pytest.mark.e2e
PASSWORD = "Ngomna2026!"


@dataclass
class Stack:
    redis: OwnRedis
    auth: ServiceProcess
    chat: ServiceProcess
    prefix: str


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    own = OwnRedis().start()
    prefix = f"test:res:{uuid.uuid4().hex[:6]}:"
    auth = ServiceProcess(
        "auth_user",
        {
            "APP_ENV": "test",
            "JWT_SECRET": JWT_SECRET,
            "REDIS_URL": own.url,
            "REDIS_KEY_PREFIX": prefix,
            "USER_CACHE_PREFIX": f"{prefix}user:profile:",
            "MONGODB_URI": "",
            "SEED_DEMO_USERS": "true",
            "PASSWORD_TIME_COST": "1",
            "PASSWORD_MEMORY_COST": "8",
            "PASSWORD_PARALLELISM": "1",
            "LOG_LEVEL": "warning",
        },
    )
    env = chat_env(own.url, prefix, SOCKETIO_MESSAGE_QUEUE=own.url)
    chat = ServiceProcess("chat_file", env)
    try:
        auth.start()
        env["AUTH_USER_SERVICE_URL"] = auth.url
        chat.start()
        yield Stack(own, auth, chat, prefix)
    finally:
        chat.stop()
        auth.stop()
        own.kill()


def ready(stack: Stack) -> dict:
    response = requests.get(f"{stack.chat.url}/ready", timeout=5)
    assert response.status_code == 200, response.text  # degraded is still serving
    return dict(response.json()["data"])


def wait_for(predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def create_users(stack: Stack, count: int) -> list[str]:
    """Real accounts (auth_user knows them, so the receivers of private messages exist)."""
    admin = requests.post(
        f"{stack.auth.url}/login", json={"matricule": "ADMIN001", "password": PASSWORD}, timeout=5
    ).json()["accessToken"]
    ids = []
    for _ in range(count):
        matricule = f"RES{uuid.uuid4().hex[:8].upper()}"
        body = {"matricule": matricule, "nom": "R", "prenom": matricule, "password": PASSWORD}
        created = requests.post(
            f"{stack.auth.url}/",
            json=body,
            headers={"Authorization": f"Bearer {admin}"},
            timeout=5,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    return ids


def test_chat_file_serves_through_a_redis_restart_and_loses_no_message(stack: Stack) -> None:
    users = create_users(stack, 8)
    pairs = [(users[i], users[i + 4]) for i in range(4)]
    listener = socketio.Client(reconnection=False)
    received: list[str] = []
    listener.on("newMessage", lambda data: received.append(data["messageId"]))
    listener.connect(stack.chat.url, auth={"token": token_for(users[4])}, transports=["websocket"])
    pid = stack.chat.proc.pid if stack.chat.proc else None
    traffic = Traffic(stack.chat.url, pairs).start()
    try:
        wait_for(lambda: traffic.sent() >= 10)  # traffic flows before the fault
        stack.redis.kill()
        before_outage = traffic.sent()
        wait_for(lambda: ready(stack)["redis"] is False)
        late = socketio.Client(reconnection=False)  # connecting needs presence (Redis): degraded
        late.connect(stack.chat.url, auth={"token": token_for(users[5])}, transports=["websocket"])
        assert late.connected
        late.disconnect()
        wait_for(lambda: traffic.sent() - before_outage > 20)  # sends go on during the outage
        during_outage = traffic.sent() - before_outage
        stack.redis.start()
        wait_for(lambda: ready(stack)["redis"] is True)
        mark = len(received)
        wait_for(lambda: len(received) > mark)  # deliveries to sockets resume
    finally:
        traffic.stop()
        listener.disconnect()
    assert stack.chat.proc is not None and stack.chat.proc.pid == pid  # never restarted
    assert during_outage > 20, "no traffic was sent while Redis was down"
    assert set(traffic.statuses) <= {200, 201}, (traffic.statuses, traffic.failures[:5])
    assert len(received) > mark, "no delivery to sockets after Redis came back"
    stored: Counter[str] = Counter()
    for conversation_id in set(traffic.acked.values()):
        sender = next(s for s, r in pairs if conversation_id in _conversations_of(traffic, s))
        stored.update(history_ids(stack.chat.url, sender, conversation_id))
    missing = set(traffic.acked) - set(stored)
    duplicated = [m for m, n in stored.items() if n > 1]
    print(f"redis fault: {len(traffic.acked)} acknowledged, {during_outage} during the outage")
    assert (len(missing), duplicated) == (0, [])


def _conversations_of(traffic: Traffic, sender: str) -> set[str]:
    return set(traffic.conversations_by_sender.get(sender, ()))


def test_auth_user_refuses_logins_cleanly_while_redis_is_down_then_recovers(
    stack: Stack,
) -> None:
    login = {"matricule": "MAT1001", "password": PASSWORD}
    first = requests.post(f"{stack.auth.url}/login", json=login, timeout=5)
    assert first.status_code == 200
    user = first.json()["user"]
    stack.redis.kill()
    try:
        refused = requests.post(f"{stack.auth.url}/login", json=login, timeout=10)
        assert refused.status_code == 503
        assert refused.json()["code"] == "SERVICE_UNAVAILABLE"
        assert "accessToken" not in refused.text
        profile = requests.get(  # the database and the in-memory revocation mirror only
            f"{stack.auth.url}/{user['id']}",
            headers={"Authorization": f"Bearer {first.json()['accessToken']}"},
            timeout=5,
        )
        assert profile.status_code == 200
    finally:
        stack.redis.start()
    wait_for(
        lambda: requests.post(f"{stack.auth.url}/login", json=login, timeout=5).status_code == 200
    )
    # chat_file warms the (now empty) cache again on its next lookup of that user
    token = first.json()["accessToken"]
    other = create_users(stack, 1)[0]
    sent = requests.post(
        f"{stack.chat.url}/messages",
        json={"receiverId": other, "content": "après la panne"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["data"]["senderName"] == "Jean Dupont"
    key = f"{stack.prefix}user:profile:{user['id']}"
    assert stack.redis.client().hget(key, "fullName") == b"Jean Dupont"


def test_revoked_refresh_tokens_stay_revoked_when_redis_loses_its_data(stack: Stack) -> None:
    login = {"matricule": "MAT1004", "password": PASSWORD}
    session = requests.post(f"{stack.auth.url}/login", json=login, timeout=5).json()
    spent = session["refreshToken"]
    rotated = requests.post(f"{stack.auth.url}/refresh", json={"refreshToken": spent}, timeout=5)
    logged_out = requests.post(
        f"{stack.auth.url}/logout", json={"refreshToken": rotated.json()["refreshToken"]}, timeout=5
    )
    assert logged_out.json()["revoked"] is True
    stack.redis.kill()
    stack.redis.start()  # empty: no persistence
    wait_for(
        lambda: requests.post(f"{stack.auth.url}/login", json=login, timeout=5).status_code == 200
    )
    for token in (spent, rotated.json()["refreshToken"]):
        replay = requests.post(f"{stack.auth.url}/refresh", json={"refreshToken": token}, timeout=5)
        assert replay.status_code == 401, "a spent or logged-out refresh token works again"
