"""Revocations while Redis dies and comes back empty (our own redis-server, SIGKILL).

Default: chat_file keeps serving on the last known revocation state, shows the staleness in
/ready and /metrics, and keeps refusing what it knew was revoked even after Redis lost it.
With REVOCATION_MAX_STALENESS set, it fails closed (503) once the mirror is older than that.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from libs.sessions import RedisRevocations
from tests.support.servers import ServiceProcess
from tests.support.tokens import mint
from tests.support.waiting import wait_until

from .support import JWT_SECRET, OwnRedis, chat_env

pytestmark = pytest.mark.e2e


@dataclass
class Stack:
    redis: OwnRedis
    lenient: ServiceProcess  # default: serves on the last known state
    strict: ServiceProcess  # REVOCATION_MAX_STALENESS=1
    prefix: str

    def revocations(self) -> RedisRevocations:
        return RedisRevocations(self.redis.client(), prefix=self.prefix)


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    own = OwnRedis().start()
    prefix = f"test:rev:{uuid.uuid4().hex[:6]}:"
    lenient = ServiceProcess("chat_file", chat_env(own.url, prefix))
    strict = ServiceProcess("chat_file", chat_env(own.url, prefix, REVOCATION_MAX_STALENESS="1"))
    try:
        lenient.start()
        strict.start()
        yield Stack(own, lenient, strict, prefix)
    finally:
        strict.stop()
        lenient.stop()
        own.kill()


def token(session: str) -> str:
    return mint(uuid.uuid4().hex[:24], JWT_SECRET, sid=session)


def answer(process: ServiceProcess, access: str) -> tuple[int, str | None]:
    response = requests.get(
        f"{process.url}/conversations", headers={"Authorization": f"Bearer {access}"}, timeout=5
    )
    return response.status_code, response.json().get("code")


def revocation_state(process: ServiceProcess) -> dict[str, object]:
    body = requests.get(f"{process.url}/ready", timeout=5).json()["data"]
    state: dict[str, object] = body["revocations"]
    return state


def stale_metric(process: ServiceProcess) -> float:
    for line in requests.get(f"{process.url}/metrics", timeout=5).text.splitlines():
        if line.startswith("revocation_mirror_stale_seconds"):
            return float(line.split()[-1])
    raise AssertionError("revocation_mirror_stale_seconds missing from /metrics")


def test_redis_outage_serves_on_the_last_state_or_fails_closed_when_configured(
    stack: Stack,
) -> None:
    revoked, kept = token("session-revoked"), token("session-kept")
    for process in (stack.lenient, stack.strict):
        wait_until(lambda p=process: revocation_state(p)["fresh"], 10)  # type: ignore[misc]
    stack.revocations().revoke_session("session-revoked", "logout")
    for process in (stack.lenient, stack.strict):
        wait_until(lambda p=process: answer(p, revoked) == (401, "TOKEN_REVOKED"), 1)  # type: ignore[misc]
    stack.redis.kill()
    wait_until(lambda: not revocation_state(stack.lenient)["fresh"], 10)
    assert answer(stack.lenient, kept) == (200, None)  # serving on the last known state
    assert answer(stack.lenient, revoked) == (401, "TOKEN_REVOKED")
    assert wait_until(lambda: stale_metric(stack.lenient) > 0, 5)
    wait_until(lambda: answer(stack.strict, kept) == (503, "REVOCATION_STATE_STALE"), 10)
    stack.redis.start()  # back on the same port, empty: the revocation is lost in Redis
    for process in (stack.lenient, stack.strict):
        wait_until(lambda p=process: revocation_state(p)["fresh"], 15)  # type: ignore[misc]
        assert answer(process, kept) == (200, None)
        assert answer(process, revoked) == (401, "TOKEN_REVOKED")  # still known locally
    assert stale_metric(stack.lenient) == 0
    stack.revocations().revoke_session("session-kept", "logout")
    for process in (stack.lenient, stack.strict):
        wait_until(lambda p=process: answer(p, kept) == (401, "TOKEN_REVOKED"), 1)  # type: ignore[misc]
