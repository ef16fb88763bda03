"""nginx (deploy/nginx.conf.template, rendered and run by deploy/cluster.py) in front of two
chat_file processes sharing the Redis message queue, and auth_user under /auth/.

Clients are pinned to a backend by their route cookie (found through the X-Upstream header the
test rendering exposes): messages, typing and receipts cross backends; polling-only clients work
because every poll of a session reaches the same process; the proxy's own errors are JSON."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
import socketio

from deploy.cluster import Cluster
from tests.support.proxy import (
    ROUTE_COOKIE,
    cookie_header,
    delete_prefix,
    proxied_cluster,
    routed_session,
    routes_to_each_backend,
    upstream_of,
)
from tests.unit.chat_file.files import samples

from .realtime_support import Probe, chat_env, new_user, token_for

pytestmark = pytest.mark.e2e

MAX_UPLOAD = 1024 * 1024


class ProxiedProbe(Probe):
    """A Probe through nginx: a chosen route cookie (or none) and a chosen transport."""

    def __init__(self, url: str, route: str | None, transport: str = "websocket") -> None:
        super().__init__(url)
        self.client.eio.http = routed_session(route)  # its cookies go with every request
        self.transport = transport

    def connect(self, token: str | None = None, **kwargs: Any) -> Probe:
        self.client.connect(
            self.url, auth={"token": token}, transports=[self.transport], wait_timeout=5, **kwargs
        )
        return self


@pytest.fixture(scope="module")
def cluster(redis_url: str) -> Iterator[Cluster]:
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    env = {**os.environ, **chat_env(prefix, redis_url, "gevent")}
    with proxied_cluster(env, 2, MAX_UPLOAD) as running:
        yield running
    delete_prefix(redis_url, prefix)


@pytest.fixture(scope="module")
def routes(cluster: Cluster) -> list[str]:
    return routes_to_each_backend(cluster)


@pytest.fixture
def clients(cluster: Cluster) -> Iterator[list[ProxiedProbe]]:
    opened: list[ProxiedProbe] = []
    yield opened
    for probe in opened:
        probe.close()


def connect(
    cluster: Cluster, opened: list[ProxiedProbe], user: str, route: str | None, transport: str
) -> ProxiedProbe:
    probe = ProxiedProbe(cluster.url, route, transport)
    opened.append(probe)
    probe.connect(token_for(user))
    return probe


def test_route_cookie_is_given_once_and_pins_a_client_to_one_backend(cluster: Cluster) -> None:
    first = requests.get(f"{cluster.url}/health", timeout=5)
    route = first.cookies[ROUTE_COOKIE]
    assert "HttpOnly" in first.headers["Set-Cookie"]
    again = requests.get(f"{cluster.url}/health", cookies={ROUTE_COOKIE: route}, timeout=5)
    assert "Set-Cookie" not in again.headers
    assert {upstream_of(cluster.url, route) for _ in range(10)} == {first.headers["X-Upstream"]}
    assert requests.get(f"{cluster.url}/auth/health", timeout=5).status_code == 200


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_clients_on_different_backends_exchange_messages_typing_and_receipts(
    cluster: Cluster, routes: list[str], clients: list[ProxiedProbe], transport: str
) -> None:
    alice, bob = new_user(), new_user()
    on_a = connect(cluster, clients, alice, routes[0], transport)
    on_b = connect(cluster, clients, bob, routes[1], transport)
    ack = on_a.call("sendMessage", {"receiverId": bob, "content": "de A à B", "type": "TEXT"})
    assert ack["success"], ack
    assert (
        on_b.wait("newMessage", lambda m: m["messageId"] == ack["messageId"])["senderId"] == alice
    )
    conversation_id = ack["result"]["conversationId"]
    assert on_b.call("typing", {"conversationId": conversation_id})["success"]
    assert on_a.wait("userTyping") == {"userId": bob, "conversationId": conversation_id}
    ref = {"messageId": ack["messageId"], "conversationId": conversation_id}
    assert on_b.call("markMessageRead", ref)["success"]
    status = on_a.wait("message:status", lambda e: e["status"] == "READ")
    assert status["messageId"] == ack["messageId"]
    reply = on_b.call("sendMessage", {"receiverId": alice, "content": "reçu", "type": "TEXT"})
    assert on_a.wait("newMessage", lambda m: m["messageId"] == reply["messageId"])


def test_polling_clients_without_a_cookie_are_given_one_and_stay_put(
    cluster: Cluster, clients: list[ProxiedProbe]
) -> None:
    alice, bob = new_user(), new_user()
    on_a = connect(cluster, clients, alice, None, "polling")
    on_b = connect(cluster, clients, bob, None, "polling")
    for n in range(5):  # many long polls and posts, each one on the session's own process
        ack = on_a.call("sendMessage", {"receiverId": bob, "content": f"p{n}", "type": "TEXT"})
        assert on_b.wait("newMessage", lambda m, i=ack["messageId"]: m["messageId"] == i)
    assert on_a.client.connected and on_b.client.connected


def test_uploads_over_the_proxy_limit_get_the_json_413(cluster: Cluster, routes: list[str]) -> None:
    auth = {"Authorization": f"Bearer {token_for(new_user())}", **cookie_header(routes[0])}
    too_big = requests.post(
        f"{cluster.url}/files/upload",
        files={"file": ("gros.pdf", samples.PDF + b"x" * (MAX_UPLOAD + 200_000))},
        headers=auth,
        timeout=30,
    )
    assert too_big.status_code == 413
    assert too_big.json() == {
        "success": False,
        "message": "Fichier trop volumineux",
        "code": "FILE_TOO_LARGE",
    }
    just_over = requests.post(  # under the proxy's margin: chat_file's own exact limit
        f"{cluster.url}/files/upload",
        files={"file": ("juste.pdf", samples.PDF + b"x" * MAX_UPLOAD)},
        headers=auth,
        timeout=30,
    )
    assert (just_over.status_code, just_over.json()["code"]) == (413, "FILE_TOO_LARGE")
    content = samples.PDF + bytes(range(256)) * 1000
    created = requests.post(
        f"{cluster.url}/files/upload", files={"file": ("ok.pdf", content)}, headers=auth, timeout=30
    )
    assert created.status_code == 201, created.text
    part = requests.get(
        f"{cluster.url}/files/{created.json()['data']['id']}/download",
        headers={**auth, "Range": "bytes=100-199"},
        timeout=10,
    )
    assert part.status_code == 206 and part.content == content[100:200]


def test_polling_session_upgrades_to_a_websocket_through_the_proxy(
    cluster: Cluster, routes: list[str]
) -> None:
    client = socketio.Client(reconnection=False, http_session=routed_session(routes[1]))
    client.connect(
        cluster.url,
        auth={"token": token_for(new_user())},
        transports=["polling", "websocket"],  # the handshake polls, then upgrades
        wait_timeout=5,
    )
    try:
        deadline = time.monotonic() + 5
        while client.transport() != "websocket" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.transport() == "websocket"
        assert client.call("ping", timeout=5) is not None
    finally:
        client.disconnect()
