"""Behind nginx (deploy/), one of two chat_file processes is SIGKILLed while clients are on it.

Its clients reconnect on their own to the same public address; nginx cannot reach the dead
process and hands them to the other one (same route cookie), where they catch up from history
(`getMessages` newer than the last message they saw) and receive live messages again. Nothing
acknowledged is lost. HTTP through the proxy keeps answering throughout.
"""

from __future__ import annotations

import os
import signal
import socket
from typing import Any

import pytest
import requests

from tests.support.proxy import proxied_cluster, routed_session, routes_to_each_backend

from .support import Device, chat_env, kill_process_group, new_user, token_for, wait_for

pytestmark = pytest.mark.e2e


def post(url: str, route: str, sender: str, receiver: str, content: str) -> dict[str, Any]:
    response = routed_session(route).post(
        f"{url}/messages",
        json={"type": "TEXT", "receiverId": receiver, "content": content},
        headers={"Authorization": f"Bearer {token_for(sender)}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


def refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return True
    return False


def test_clients_of_a_killed_backend_reconnect_through_nginx_and_miss_nothing(
    redis_url: str, key_prefix: str
) -> None:
    env = {**os.environ, **chat_env(redis_url, key_prefix, SOCKETIO_MESSAGE_QUEUE=redis_url)}
    with proxied_cluster(env, 2) as cluster:
        to_a, to_b = routes_to_each_backend(cluster)
        alice, bob = new_user(), new_user()
        bob_device = Device(bob, http_session=routed_session(to_a)).connect(cluster.url)
        try:
            sent = [post(cluster.url, to_b, alice, bob, f"m{i}") for i in range(5)]
            seen = [
                bob_device.wait("newMessage", lambda d, m=m: d["messageId"] == m["messageId"])
                for m in sent
            ]
            victim = cluster.chat(0).proc
            kill_process_group(victim, signal.SIGKILL)
            assert victim is not None and victim.wait(timeout=5) is not None
            # its worker too: a connection its listening socket still accepted would be reset,
            # and nginx (rightly) does not replay a POST that may have reached a backend
            wait_for(lambda: refused(cluster.proxy.chat_ports[0]))
            # meanwhile, through the same proxy, the conversation goes on (every route answers)
            gap = [post(cluster.url, to_a, alice, bob, f"g{i}") for i in range(5)]
            wait_for(lambda: bob_device.connects >= 2 and bob_device.client.connected)
            page = bob_device.client.call(
                "getMessages",
                {
                    "conversationId": sent[0]["conversationId"],
                    "cursor": seen[-1]["messageId"],
                    "direction": "newer",
                },
                timeout=10,
            )
            recovered = {m["messageId"] for m in page["messages"]}
            live = post(cluster.url, to_b, alice, bob, "en direct")
            bob_device.wait("newMessage", lambda d: d["messageId"] == live["messageId"])
            assert {m["messageId"] for m in gap} <= recovered
            every = {m["messageId"] for m in [*sent, *gap, live]}
            assert {d["messageId"] for d in seen} | recovered | {live["messageId"]} == every
            upstream = requests.get(
                f"{cluster.url}/health", cookies={"chat_route": to_a}, timeout=5
            ).headers["X-Upstream"]
            assert upstream.endswith(f":{cluster.proxy.chat_ports[1]}")
        finally:
            if bob_device.client.connected:
                bob_device.client.disconnect()
