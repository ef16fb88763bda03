"""A reconnect storm against one chat_file process whose database pool is tiny: every socket
connects at once, and none is refused.

chat_file under gunicorn (gevent) on a fresh PostgreSQL database with `DB_POOL_SIZE=2`, no
overflow and a pool wait of 0.3 s (`DB_POOL_TIMEOUT`), so a connect that waited for a pooled
connection longer than that would be refused with `STORE_UNAVAILABLE`. `STORM` sockets of
users in groups of 20 (each connect reads their rooms and contacts: nothing cached yet) open
together from one asyncio client. Admission (`SOCKET_CONNECT_CONCURRENCY`, here the pool's 2)
makes them queue for their turn instead: all connect. The control runs the same storm with
admission as wide as the storm, and the pool then runs dry.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
import requests
import socketio

from tests.support.databases import postgres_database
from tests.support.servers import ServiceProcess

from .realtime_support import chat_servers, new_user, token_for

pytestmark = pytest.mark.e2e

STORM = 300
GROUP = 20


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def tiny_pool(database: str, concurrency: int) -> dict[str, str]:
    return {
        "DATABASE_URL": database,
        "DB_POOL_SIZE": "2",
        "DB_POOL_OVERFLOW": "0",
        "DB_POOL_TIMEOUT": "0.3",
        "SOCKET_CONNECT_CONCURRENCY": str(concurrency),
        "WORKER_CONNECTIONS": "1000",
    }


def seeded_users(server: ServiceProcess) -> list[str]:
    """`STORM` users in groups of `GROUP` (one GROUP conversation each)."""
    users = [new_user() for _ in range(STORM)]
    for start in range(0, STORM, GROUP):
        members = users[start : start + GROUP]
        made = requests.post(
            f"{server.url}/groups",
            json={"name": f"g{start}", "members": members[1:]},
            headers={"Authorization": f"Bearer {token_for(members[0])}"},
            timeout=10,
        )
        assert made.status_code == 201, made.text
    return users


async def storm(url: str, users: list[str]) -> Counter[str]:
    """Every user's socket opened at once; how many connected, and the refusals by code."""
    outcome: Counter[str] = Counter()
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
    clients: list[socketio.AsyncClient] = []

    async def open_one(user: str) -> None:
        client = socketio.AsyncClient(reconnection=False, http_session=session)
        refusal: list[Any] = []
        client.on("connect_error", lambda data: refusal.append(data))
        clients.append(client)
        try:
            await client.connect(
                url, auth={"token": token_for(user)}, transports=["websocket"], wait_timeout=60
            )
        except socketio.exceptions.ConnectionError:
            outcome[f"refused:{refusal_code(refusal[0] if refusal else None)}"] += 1
        else:
            outcome["connected"] += 1

    try:
        await asyncio.gather(*(open_one(u) for u in users))
    finally:
        await asyncio.gather(*(c.disconnect() for c in clients if c.connected))
        await session.close()
    return outcome


def refusal_code(data: Any) -> str:
    """The `code` of a `connect_error` (`{message, data: {message, code}}`), else the data."""
    if isinstance(data, dict):
        inner = data.get("data")
        if isinstance(inner, dict) and inner.get("code"):
            return str(inner["code"])
    return str(data)


def test_a_storm_on_a_two_connection_pool_queues_and_nobody_is_refused(
    redis_url: str, database: str
) -> None:
    with chat_servers(redis_url, "gevent", **tiny_pool(database, 2)) as (server,):
        outcome = asyncio.run(storm(server.url, seeded_users(server)))
    assert outcome == Counter({"connected": STORM}), outcome


def test_control_without_admission_the_same_storm_is_refused(redis_url: str, database: str) -> None:
    with chat_servers(redis_url, "gevent", **tiny_pool(database, STORM)) as (server,):
        outcome = asyncio.run(storm(server.url, seeded_users(server)))
    assert outcome["refused:STORE_UNAVAILABLE"] > 0, outcome
