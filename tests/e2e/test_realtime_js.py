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


def test_the_old_console_flows(node: str, server: ServiceProcess) -> None:
    """Issue 24: what the old web console does, the way its app.js does it."""
    alice, bob, carol = new_user(), new_user(), new_user()
    env = {
        **os.environ,
        "CHAT_URL": server.url,
        "ALICE_TOKEN": token_for(alice),
        "BOB_TOKEN": token_for(bob),
        "CAROL_TOKEN": token_for(carol),
        "BOB_ID": bob,
        "CAROL_ID": carol,
    }
    done = subprocess.run(
        [node, "old_console.js"], cwd=JS, env=env, capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    cid = seen["conversationId"]
    assert seen["login"] == {"userId": alice, "listed": 0, "hasStats": True}
    assert seen["firstMessage"] == {
        "success": True,
        "adopted": False,
        "ackConversation": cid,
        "sentConversation": cid,
        "bobConversation": cid,
        "content": "Premier message",
    }
    assert seen["http"] == {
        "status": 200,
        "underscoreId": True,
        "metadata": {"userId": alice, "currentPage": 1, "hasProcessingTime": True},
        "oldPagination": 1,
    }
    assert seen["quick"]["ids"] == [cid] and seen["quick"]["totalCount"] == 1
    assert seen["quick"]["categories"] == ["broadcasts", "groups", "private", "unread"]
    assert (seen["quick"]["stats"]["private"], seen["quick"]["stats"]["total"]) == (1, 1)
    assert seen["errors"] == {
        "edit": "NOT_MESSAGE_AUTHOR",
        "group": "INVALID_NAME",
        "broadcast": "MEMBERS_REQUIRED",
        "unknown": "UNKNOWN_EVENT",
    }
    assert seen["participants"] == {
        "added": [carol],
        "failed": [[bob, "ALREADY_PARTICIPANT", True]],
    }
    assert seen["online"] == {"users": [bob], "contacts": sorted([bob, carol])}
    assert seen["presence"] == {"connected": [carol, True], "disconnected": [carol, True]}
    assert seen["receipts"] == ["DELIVERED", "READ"]
