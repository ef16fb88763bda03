"""Redis behind Sentinel loses its primary (SIGKILL) under traffic; a replica is promoted.

auth_user and two chat_file processes reach Redis only through REDIS_SENTINELS (cache,
presence, rate limits, refresh tokens, and the Socket.IO queue as `redis+sentinel://`). While
the primary is gone they keep answering on their Redis-outage paths; once the sentinels have
promoted the replica they use it without a restart: logins and refresh tokens work again,
presence is written there, and events cross processes through it. No acknowledged message lost.
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

from tests.support.figures import record_figures
from tests.support.servers import ServiceProcess

from .sentinel import SERVICE, SentinelGroup, wait_until
from .support import JWT_SECRET, Traffic, chat_env, history_ids, new_user, token_for

pytestmark = pytest.mark.e2e
PASSWORD = "Ngomna2026!"


@dataclass
class Stack:
    group: SentinelGroup
    auth: ServiceProcess
    chats: list[ServiceProcess]
    prefix: str


def sentinel_env(group: SentinelGroup) -> dict[str, str]:
    # REDIS_URL's host and port are ignored with sentinels: only its db (and credentials) count
    return {
        "REDIS_URL": "redis://unused-with-sentinels:6399/0",
        "REDIS_SENTINELS": group.env_value,
        "REDIS_SENTINEL_SERVICE": SERVICE,
    }


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    group = SentinelGroup().start()
    prefix = f"test:sentinel:{uuid.uuid4().hex[:6]}:"
    redis_env = sentinel_env(group)
    auth = ServiceProcess(
        "auth_user",
        {
            "APP_ENV": "test",
            "JWT_SECRET": JWT_SECRET,
            "REDIS_KEY_PREFIX": prefix,
            "USER_CACHE_PREFIX": f"{prefix}user:profile:",
            "SEED_DEMO_USERS": "true",
            "PASSWORD_TIME_COST": "1",
            "PASSWORD_MEMORY_COST": "8",
            "PASSWORD_PARALLELISM": "1",
            "LOG_LEVEL": "warning",
            **redis_env,
        },
    )
    env = {**chat_env("", prefix, SOCKETIO_MESSAGE_QUEUE=redis_env["REDIS_URL"]), **redis_env}
    chats = [ServiceProcess("chat_file", env), ServiceProcess("chat_file", env)]
    try:
        auth.start()
        for chat in chats:
            chat.start()
        yield Stack(group, auth, chats, prefix)
    finally:
        for process in (*chats, auth):
            process.stop()
        group.stop()


def login(stack: Stack) -> requests.Response:
    return requests.post(
        f"{stack.auth.url}/login", json={"matricule": "MAT1001", "password": PASSWORD}, timeout=10
    )


def redis_ready(process: ServiceProcess) -> bool:
    answer = requests.get(f"{process.url}/ready", timeout=5)
    return bool(answer.json()["data"]["redis"])


def delivered_through_the_queue(stack: Stack, receiver: str, box: list[str]) -> bool:
    """A message posted on process B reaches `receiver`'s socket on process A (Redis queue)."""
    sender = new_user()
    response = requests.post(
        f"{stack.chats[1].url}/messages",
        json={"receiverId": receiver, "content": "après bascule", "type": "TEXT"},
        headers={"Authorization": f"Bearer {token_for(sender)}"},
        timeout=10,
    )
    message_id = response.json()["data"]["messageId"]
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        if message_id in box:
            return True
        time.sleep(0.05)
    return False


def test_services_ride_through_a_primary_failover_and_lose_no_message(stack: Stack) -> None:
    assert login(stack).status_code == 200
    pairs = [(new_user(), new_user()) for _ in range(3)]
    listener, receiver = socketio.Client(reconnection=False), new_user()
    box: list[str] = []
    listener.on("newMessage", lambda data: box.append(data["messageId"]))
    listener.connect(
        stack.chats[0].url, auth={"token": token_for(receiver)}, transports=["websocket"]
    )
    assert delivered_through_the_queue(stack, receiver, box)
    traffic = Traffic(stack.chats[1].url, pairs).start()
    try:
        wait_until(lambda: traffic.sent() >= 10, 20, "traffic flows before the fault")
        old_primary = stack.group.primary.port
        stack.group.primary.kill()
        killed_at = time.monotonic()
        before = traffic.sent()
        time.sleep(0.5)
        assert requests.get(f"{stack.chats[0].url}/health", timeout=5).status_code == 200
        assert login(stack).status_code in (200, 503)  # a clean 503 at worst, never a 500
        stack.group.wait_for_failover()
        assert stack.group.primary_port() != old_primary
        for chat in stack.chats:
            wait_until(lambda c=chat: redis_ready(c), 20, "chat_file sees the new primary")
        during = traffic.sent() - before
        wait_until(
            lambda: delivered_through_the_queue(stack, receiver, box), 30, "queue on new primary"
        )
        recovered_in = time.monotonic() - killed_at
    finally:
        traffic.stop()
    after_login = login(stack)
    assert after_login.status_code == 200, after_login.text
    refreshed = requests.post(
        f"{stack.auth.url}/refresh",
        json={"refreshToken": after_login.json()["refreshToken"]},
        timeout=10,
    )
    assert refreshed.status_code == 200, refreshed.text
    fresh = new_user()
    late = socketio.Client(reconnection=False)
    late.connect(stack.chats[0].url, auth={"token": token_for(fresh)}, transports=["websocket"])
    presence_key = f"{stack.prefix}presence:devices:{fresh}"
    assert stack.group.replica.client().exists(presence_key) == 1  # written on the new primary
    late.disconnect()
    listener.disconnect()
    assert during > 0, "no traffic while the primary was down"
    assert set(traffic.statuses) <= {200, 201}, (traffic.statuses, traffic.failures[:5])
    stored: Counter[str] = Counter()
    for sender, _ in pairs:
        for conversation_id in traffic.conversations_by_sender.get(sender, set()):
            stored.update(history_ids(stack.chats[0].url, sender, conversation_id))
    assert set(traffic.acked) <= set(stored), "acknowledged messages missing from history"
    assert all(count == 1 for count in stored.values())
    # how long from the kill to events crossing processes again (down-after-milliseconds = 1 s)
    record_figures(redis_sentinel_failover_recovery_s=round(recovered_in, 1))
