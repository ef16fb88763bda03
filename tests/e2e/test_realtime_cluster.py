"""Two chat_file processes, one Redis: Socket.IO events cross processes through the queue.

Both processes (gevent under gunicorn, or eventlet under its own server) share
SOCKETIO_MESSAGE_QUEUE (Redis) and REDIS_KEY_PREFIX (presence counts, last activity).
Both also share the module's database (DATABASE_URL, see tests/e2e/conftest.py): the process
that persists a write emits to the recipients' user rooms and the queue carries it to the other
process's sockets.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from tests.support.servers import ServiceProcess

from .realtime_support import (
    ASYNC_MODES,
    Probe,
    chat_servers,
    new_user,
    post_message,
    probes,
    token_for,
)

pytestmark = pytest.mark.e2e

IDLE_TIMEOUT = 3.0


@pytest.fixture(scope="module", params=ASYNC_MODES)
def cluster(
    request: pytest.FixtureRequest, redis_url: str
) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    extra = {"SOCKETIO_MESSAGE_QUEUE": redis_url, "IDLE_TIMEOUT": str(IDLE_TIMEOUT)}
    with chat_servers(redis_url, request.param, 2, **extra) as (a, b):
        yield a, b


@pytest.fixture
def on_a(cluster: tuple[ServiceProcess, ServiceProcess]) -> Iterator[Callable[..., Probe]]:
    with probes(cluster[0].url) as connect:
        yield connect


@pytest.fixture
def on_b(cluster: tuple[ServiceProcess, ServiceProcess]) -> Iterator[Callable[..., Probe]]:
    with probes(cluster[1].url) as connect:
        yield connect


def test_message_sent_through_a_reaches_devices_on_b(
    on_a: Callable[..., Probe], on_b: Callable[..., Probe]
) -> None:
    alice, bob = new_user(), new_user()
    alice_on_a = on_a(token_for(alice))
    alice_on_b, bob_on_b = on_b(token_for(alice)), on_b(token_for(bob))
    ack = alice_on_a.call(
        "sendMessage", {"receiverId": bob, "content": "de A vers B", "type": "TEXT"}
    )
    assert ack["success"], ack
    for device in (bob_on_b, alice_on_b):
        event = device.wait("newMessage", lambda m: m["messageId"] == ack["messageId"])
        assert event["content"] == "de A vers B" and event["senderId"] == alice


def test_http_write_on_b_reaches_a_socket_on_a(
    cluster: tuple[ServiceProcess, ServiceProcess], on_a: Callable[..., Probe]
) -> None:
    alice, bob = new_user(), new_user()
    bob_on_a = on_a(token_for(bob))
    post_message(cluster[1], alice, bob, "HTTP sur B")
    assert bob_on_a.wait("newMessage", lambda m: m["content"] == "HTTP sur B")["senderId"] == alice


def test_presence_counts_devices_across_processes(
    cluster: tuple[ServiceProcess, ServiceProcess],
    on_a: Callable[..., Probe],
    on_b: Callable[..., Probe],
) -> None:
    alice, bob, carol, dave = new_user(), new_user(), new_user(), new_user()
    for server in cluster:  # each process's own database learns that they share a conversation
        for friend in (alice, carol, dave):  # carol's and dave's presence are markers below
            post_message(server, friend, bob, "bonjour")
            post_message(server, bob, friend, "salut")  # contacts once both have written
    watcher = on_a(token_for(bob))
    dave_on_a = on_a(token_for(dave))
    phone = on_a(token_for(alice))
    assert watcher.wait("user_online", lambda e: e["userId"] == alice)["lastSeen"]
    laptop = on_b(token_for(alice))
    on_b(token_for(carol))  # B announces carol through the queue after anything alice caused
    watcher.quiet_until(
        "user_online", lambda e: e["userId"] == alice, "user_online", lambda e: e["userId"] == carol
    )
    phone.close()
    dave_on_a.close()  # A announces dave after anything alice's phone caused
    watcher.quiet_until(
        "user_offline",
        lambda e: e["userId"] == alice,
        "user_offline",
        lambda e: e["userId"] == dave,
    )
    laptop.close()  # the last device, on the other process: B announces it through the queue
    assert watcher.wait("user_offline", lambda e: e["userId"] == alice)["lastSeen"]


def test_idle_follows_activity_on_any_process(
    cluster: tuple[ServiceProcess, ServiceProcess],
    on_a: Callable[..., Probe],
    on_b: Callable[..., Probe],
) -> None:
    alice, bob = new_user(), new_user()
    for server in cluster:
        post_message(server, alice, bob, "bonjour")
        post_message(server, bob, alice, "salut")  # contacts once both have written
    watcher = on_a(token_for(bob))
    on_a(token_for(alice))  # a quiet phone on A
    laptop = on_b(token_for(alice))  # busy on B: A must not call alice idle
    busy_until = time.monotonic() + IDLE_TIMEOUT * 1.5
    while time.monotonic() < busy_until:
        laptop.call("ping")
        time.sleep(0.3)
    assert watcher.call("ping")["success"]  # `pong` comes after anything the busy time caused
    watcher.quiet_until("user_idle", lambda e: e["userId"] == alice, "pong", lambda _: True)
    idle = watcher.wait("user_idle", lambda e: e["userId"] == alice, timeout=IDLE_TIMEOUT * 4)
    assert idle["matricule"]
    watcher.quiet("user_idle", lambda e: e["userId"] == alice, for_s=1.0)  # announced once
    laptop.call("ping")
    assert watcher.wait("user_online", lambda e: e["userId"] == alice)["lastSeen"]
