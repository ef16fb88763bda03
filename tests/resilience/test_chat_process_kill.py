"""A chat_file process is SIGKILLed while Socket.IO clients are connected.

Two processes on one database (the module's PostgreSQL database, SQLite when PostgreSQL is
absent locally) and one Redis queue: the clients of the killed one reconnect to the other and,
by fetching history newer than the last message they saw, miss nothing sent meanwhile. One
process: the clients reconnect on their own to the restarted process, which still has the
history (durable storage), and whose presence is not haunted by the killed process's sockets
once PRESENCE_TTL has passed.
"""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest
import redis
import requests

from tests.support.servers import ServiceProcess

from .support import Device, chat_env, kill_process_group, new_user, token_for, wait_for

pytestmark = pytest.mark.e2e
PRESENCE_TTL = 2


@pytest.fixture
def prefix(key_prefix: str) -> str:
    return key_prefix


def post(url: str, sender: str, body: dict[str, Any]) -> dict[str, Any]:
    response = requests.post(
        f"{url}/messages",
        json={"type": "TEXT", **body},
        headers={"Authorization": f"Bearer {token_for(sender)}"},
        timeout=10,
    )
    assert response.status_code in (200, 201), response.text
    return dict(response.json()["data"])


def test_clients_reconnect_to_a_restarted_process_and_presence_recovers(
    redis_url: str, prefix: str
) -> None:
    env = chat_env(redis_url, prefix, PRESENCE_TTL=str(PRESENCE_TTL))
    chat = ServiceProcess("chat_file", env).start()
    alice, bob = new_user(), new_user()
    devices = [Device(alice).connect(chat.url), Device(bob).connect(chat.url)]
    try:
        post(chat.url, alice, {"receiverId": bob, "content": "bonjour"})
        devices[1].wait("newMessage")
        # both have written: a private chat makes its people contacts (presence) only then
        post(chat.url, bob, {"receiverId": alice, "content": "avant"})
        devices[0].wait("newMessage", lambda d: d["content"] == "avant")
        kill_process_group(chat.proc, signal.SIGKILL)
        chat.proc.wait(timeout=5)  # type: ignore[union-attr]
        chat.start()  # same port: the clients' own reconnection finds it
        wait_for(lambda: all(d.connects >= 2 and d.client.connected for d in devices))
        conversations = requests.get(
            f"{chat.url}/conversations", headers={"Authorization": f"Bearer {token_for(bob)}"}
        ).json()["data"]["conversations"]
        # durable storage: the conversation and its message outlived the killed process
        assert [c["lastMessage"]["content"] for c in conversations] == ["avant"]
        after = post(chat.url, alice, {"receiverId": bob, "content": "après"})
        assert devices[1].wait("newMessage", lambda d: d["messageId"] == after["messageId"])
        # the killed process's sockets stop counting once their entries expire (PRESENCE_TTL)
        devices_of_alice = f"{prefix}presence:devices:{alice}"
        live = lambda: redis.Redis.from_url(redis_url).zcount(  # noqa: E731
            devices_of_alice, f"({time.time()}", "+inf"
        )
        wait_for(lambda: live() == 1, timeout=PRESENCE_TTL * 5)  # only the reconnected socket
        devices[0].close()
        offline = devices[1].wait("user_offline", lambda d: d["userId"] == alice)
        assert offline["lastSeen"]
    finally:
        for device in devices:
            device.close()
        chat.stop()


def test_clients_of_a_killed_process_fail_over_and_miss_nothing(
    redis_url: str, prefix: str
) -> None:
    env = chat_env(
        redis_url,
        prefix,
        SOCKETIO_MESSAGE_QUEUE=redis_url,
    )
    first, second = ServiceProcess("chat_file", env).start(), ServiceProcess("chat_file", env)
    second.start()
    alice, bob = new_user(), new_user()
    bob_device = Device(bob, reconnection=False).connect(first.url)
    seen: list[str] = []
    try:
        sent = [post(second.url, alice, {"receiverId": bob, "content": f"m{i}"}) for i in range(5)]
        for message in sent:
            seen.append(
                bob_device.wait(
                    "newMessage", lambda d, m=message: d["messageId"] == m["messageId"]
                )["messageId"]
            )
        kill_process_group(first.proc, signal.SIGKILL)
        gap = [post(second.url, alice, {"receiverId": bob, "content": f"g{i}"}) for i in range(5)]
        failover = Device(bob, reconnection=False).connect(second.url)  # "another process"
        page = failover.client.call(
            "getMessages",
            {"conversationId": sent[0]["conversationId"], "cursor": seen[-1], "direction": "newer"},
            timeout=5,
        )
        recovered = [m["messageId"] for m in page["messages"]]
        live = post(second.url, alice, {"receiverId": bob, "content": "live"})
        failover.wait("newMessage", lambda d: d["messageId"] == live["messageId"])
        assert set(recovered) == {m["messageId"] for m in gap}
        assert set(seen) | set(recovered) | {live["messageId"]} == {
            m["messageId"] for m in [*sent, *gap, live]
        }
        failover.close()
    finally:
        bob_device.close()
        first.stop()
        second.stop()
