"""#23 row 3 with real socket clients against chat_file under gunicorn (two processes sharing
Redis and the Socket.IO message queue): `SOCKETS_PER_USER` (past it the oldest socket is told
`session:replaced` and closed, on whichever process it is), anonymous legacy sockets capped
per address, the grace to `authenticate` configurable."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import socketio

from tests.e2e.realtime_support import Probe, chat_servers, new_user, token_for
from tests.support.servers import ServiceProcess
from tests.support.waiting import wait_until

CAP = 3
ANONYMOUS = 2
GRACE = 1.5


@pytest.fixture(scope="module")
def servers(redis_url: str) -> Iterator[list[ServiceProcess]]:
    extra = {
        "SOCKETS_PER_USER": str(CAP),
        "ANONYMOUS_SOCKETS_PER_IP": str(ANONYMOUS),
        "SOCKET_AUTH_GRACE": str(GRACE),
        "SOCKETIO_MESSAGE_QUEUE": redis_url,
    }
    with chat_servers(redis_url, "gevent", count=2, **extra) as started:
        yield started


@pytest.fixture
def opened() -> Iterator[list[Probe]]:
    probes: list[Probe] = []
    yield probes
    for probe in probes:
        probe.close()


def connect(url: str, opened: list[Probe], token: str | None) -> Probe:
    probe = Probe(url)
    opened.append(probe)
    return probe.connect(token)


def test_past_the_cap_the_oldest_socket_is_replaced_across_processes(
    servers: list[ServiceProcess], opened: list[Probe]
) -> None:
    token = token_for(new_user())
    first = connect(servers[0].url, opened, token)  # the oldest, on process 0
    others = [connect(servers[i % 2].url, opened, token) for i in range(1, CAP)]
    assert first.call("ping")["timestamp"]
    newest = connect(servers[1].url, opened, token)  # one over the cap, on process 1
    replaced = first.wait("session:replaced")
    assert replaced["code"] == "SESSION_REPLACED"
    wait_until(lambda: not first.client.connected, timeout=10)
    for probe in [*others, newest]:  # the cap's worth stay up and work
        assert probe.client.connected and probe.call("ping")["timestamp"]


def test_a_second_replacement_takes_the_next_oldest(
    servers: list[ServiceProcess], opened: list[Probe]
) -> None:
    token = token_for(new_user())
    probes = [connect(servers[0].url, opened, token) for _ in range(CAP)]
    for _ in range(2):
        connect(servers[0].url, opened, token)
    for old in probes[:2]:
        assert old.wait("session:replaced")["code"] == "SESSION_REPLACED"
        wait_until(lambda old=old: not old.client.connected, timeout=10)
    assert probes[2].client.connected


def test_anonymous_sockets_are_capped_per_address_and_must_authenticate_in_time(
    servers: list[ServiceProcess], opened: list[Probe]
) -> None:
    url = servers[0].url
    waiting = [connect(url, opened, None) for _ in range(ANONYMOUS)]
    refused = socketio.Client(reconnection=False)
    errors: list[object] = []
    refused.on("connect_error", lambda data: errors.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(url, transports=["websocket"], wait_timeout=5)
    assert errors and "TOO_MANY_CONNECTIONS" in str(errors[0])
    user = new_user()  # one of them authenticates: a place frees up
    assert waiting[0].call("authenticate", {"token": token_for(user)})["userId"] == user
    late = connect(url, opened, None)
    started = time.monotonic()
    wait_until(lambda: not waiting[1].client.connected, timeout=GRACE + 10)
    wait_until(lambda: not late.client.connected, timeout=GRACE + 10)
    assert time.monotonic() - started >= 0.5  # not refused: dropped after the grace
    assert waiting[0].client.connected  # the authenticated one stays
