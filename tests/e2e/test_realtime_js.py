"""The official JavaScript client (socket.io-client from npm): happy path, old clients' events."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.node import require_node
from tests.support.servers import ServiceProcess

from .realtime_support import ASYNC_MODES, chat_servers, new_user, token_for

pytestmark = pytest.mark.e2e

JS = Path(__file__).with_name("js")


@pytest.fixture(scope="module")
def node() -> str:
    """Node, with socket.io-client from the root package.json (installed by `make install`)."""
    return require_node("socket.io-client")


@pytest.fixture(scope="module", params=ASYNC_MODES)
def server(request: pytest.FixtureRequest, redis_url: str) -> Iterator[ServiceProcess]:
    with chat_servers(redis_url, request.param) as (process,):
        yield process


def test_official_js_client_happy_path(node: str, server: ServiceProcess) -> None:
    alice, bob = new_user(), new_user()
    env = {
        **os.environ,
        "CHAT_URL": server.url,
        "ALICE_TOKEN": token_for(alice),
        "BOB_TOKEN": token_for(bob),
        "BOB_ID": bob,
        "BAD_TOKEN": token_for(bob, kind="refresh"),
    }
    done = subprocess.run(
        [node, "happy_path.js"], cwd=JS, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["refused"] == "INVALID_TOKEN"
    assert seen["ack"]["temporaryId"] == "js-1"
    assert seen["newMessage"] == {
        "messageId": seen["ack"]["messageId"],
        "content": "Bonjour depuis JS",
        "senderId": alice,
    }
    assert seen["status"] == "READ"
    assert seen["typing"] is True
    assert seen["history"] == ["Bonjour depuis JS"]


def test_official_js_client_loads_in_two_steps_and_types(node: str, server: ServiceProcess) -> None:
    alice, bob = new_user(), new_user()
    env = {
        **os.environ,
        "CHAT_URL": server.url,
        "ALICE_TOKEN": token_for(alice),
        "BOB_TOKEN": token_for(bob),
        "BOB_ID": bob,
    }
    done = subprocess.run(
        [node, "legacy_events.js"], cwd=JS, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["messages"] == {
        "quick": ["trois", "deux"],
        "quickHasMore": True,
        "full": ["un"],
        "fullHasMore": False,
        "totalCount": 3,
    }
    assert seen["conversations"] == {"quick": [seen["conversationId"]], "full": 1}
    assert seen["typing"] == {"userId": alice, "conversationId": seen["conversationId"]}
