"""A profile written while Redis is down still reaches every reader once Redis is back.

Our own redis-server, persistent (a crash keeps the old hash): without the replay of failed
cache writes, chat_file would serve the old name from Redis for the whole cache TTL.
"""

from __future__ import annotations

import signal
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from libs.usercache import LocalProfiles, UserCache
from tests.e2e.test_chat_core import auth_env, call, chat_env, login
from tests.e2e.test_usercache_l1 import sender_names
from tests.support.figures import record_figures
from tests.support.servers import ServiceProcess

from .support import OwnRedis
from .test_redis_faults import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    own = OwnRedis(data_dir=tmp_path_factory.mktemp("redis-aof")).start()
    prefix = f"test:outage:{uuid.uuid4().hex[:6]}:"
    auth = ServiceProcess("auth_user", auth_env(prefix, own.url))
    chat = ServiceProcess("chat_file", chat_env(prefix, own.url, ""))
    try:
        auth.start()
        chat.env = chat_env(prefix, own.url, auth.url)
        chat.start()
        yield Stack(own, auth, chat, prefix)
    finally:
        chat.stop()
        auth.stop()
        own.kill()


def wait_until_up(own: OwnRedis) -> None:
    client = own.client()
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return
        except redis.RedisError:
            assert time.monotonic() < deadline, "own redis-server did not come back"
            time.sleep(0.05)


def test_a_failed_cache_write_is_replayed_as_soon_as_redis_is_back(tmp_path: Path) -> None:
    own = OwnRedis(data_dir=tmp_path).start()
    try:
        cache = UserCache(own.client(), prefix="p:")
        cache.set_many([{"id": "u1", "nom": "Dupont", "prenom": "Jean"}, {"id": "u2", "nom": "X"}])
        own.kill()
        cache.set({"id": "u1", "nom": "Mballa", "prenom": "Jean"})  # suppressed: Redis is down
        assert cache.pending == 1
        own.start()
        deadline = time.monotonic() + 10
        while cache.pending:
            assert time.monotonic() < deadline, "the failed write was never replayed"
            time.sleep(0.01)
        assert own.client().exists("p:u1") == 0  # readers reload it from its owner
        assert own.client().hget("p:u2", "fullName") == b"X"  # the restart kept the data
    finally:
        own.kill()


def test_a_rename_made_while_redis_is_down_is_served_within_seconds_of_its_return(
    stack: Stack,
) -> None:
    jean, marie = login(stack.auth, "MAT1001"), login(stack.auth, "MAT1002")
    admin = login(stack.auth, "ADMIN001")  # names are HR data: an admin renames (issue 23)
    created = call(
        "POST",
        f"{stack.chat.url}/conversations",
        jean,
        json={"type": "PRIVATE", "participantId": marie["id"]},
    )
    cid = created.json()["data"]["id"]
    body = {"conversationId": cid, "content": "Bonjour"}
    assert call("POST", f"{stack.chat.url}/messages", jean, json=body).status_code == 201
    assert sender_names(stack.chat, marie, cid) == ["Jean Dupont"]
    key = f"{stack.prefix}user:profile:{jean['id']}"
    assert stack.redis.client().hget(key, "fullName") == b"Jean Dupont"

    stack.redis.kill()
    renamed = call("PUT", f"{stack.auth.url}/{jean['id']}", admin, json={"nom": "Mballa"})
    assert renamed.status_code == 200, renamed.text  # stored; the cache write failed
    stack.redis.start()
    wait_until_up(stack.redis)
    started = time.monotonic()
    while sender_names(stack.chat, marie, cid) != ["Jean Mballa"]:
        assert time.monotonic() - started < 10, "chat_file still serves the old name"
        time.sleep(0.05)
    delay_ms = (time.monotonic() - started) * 1000
    record_figures(usercache_rename_after_redis_outage_visible_ms=round(delay_ms, 1))


def test_the_l1_stops_serving_while_its_redis_is_dead_or_frozen(tmp_path: Path) -> None:
    own = OwnRedis(data_dir=tmp_path).start()
    local = LocalProfiles(max_size=10, ttl=600)
    cache = UserCache(own.client(), prefix="p:", local=local, health_interval=0.2)
    try:
        cache.set({"id": "u1", "nom": "Dupont", "prenom": "Jean"})
        warm(cache, local)
        own.kill()
        wait_for(lambda: not local.active)
        assert len(local) == 0 and cache.get("u1") is None  # a miss, never the old copy
        own.start()
        warm(cache, local)
        assert own.proc is not None
        own.proc.send_signal(signal.SIGSTOP)  # frozen: the socket stays open, nothing answers
        try:
            wait_for(lambda: not local.active)  # the unanswered PING gave it away
            assert len(local) == 0
        finally:
            own.proc.send_signal(signal.SIGCONT)
        warm(cache, local)
    finally:
        cache.close()
        own.kill()


def warm(cache: UserCache, local: LocalProfiles) -> None:
    """Wait for tracking, then fill the L1 with u1 and check it is served from memory."""
    cache.get("u1")
    wait_for(lambda: local.active)
    assert cache.get("u1") is not None and "u1" in local.lookup(["u1"])[0]


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)
