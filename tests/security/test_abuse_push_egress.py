"""#23 row 1 against real processes: chat_file under gunicorn, the push worker
(`python -m services.chat_file.push_worker`), shared Redis, and loopback servers that
misbehave. Internal endpoints are refused at registration (400 with a code); with loopback
allowed (a local stack), a 404 from a host that is not a push service leaves the device listed
(no port-scan oracle) and a 307 is not followed."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import pytest
import redis
import requests

from services.chat_file.push_keys import new_vapid_keys
from tests.e2e.realtime_support import chat_env, chat_process, new_user, token_for
from tests.support.egress_servers import MisbehavingServer
from tests.support.push_receivers import WebPushReceiver
from tests.support.servers import ROOT, ServiceProcess
from tests.support.waiting import wait_until

PRIVATE_KEY, PUBLIC_KEY = new_vapid_keys()
PUSH_ENV = {
    "VAPID_PRIVATE_KEY": PRIVATE_KEY,
    "VAPID_PUBLIC_KEY": PUBLIC_KEY,
    "VAPID_SUBJECT": "mailto:ops@ngomna.test",
    "PUSH_RETRY_BASE_SECONDS": "0.2",
    "PUSH_RETRY_MAX_SECONDS": "1",
    "PUSH_TIMEOUT": "3",
}


def headers(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(user)}"}


def register(url: str, user: str, endpoint: str, name: str = "laptop") -> requests.Response:
    keys = WebPushReceiver().subscription(name)["keys"]
    body = {"platform": "webpush", "subscription": {"endpoint": endpoint, "keys": keys},
            "deviceId": name}  # fmt: skip
    return requests.post(f"{url}/devices", json=body, headers=headers(user), timeout=10)


@pytest.fixture(scope="module")
def prefix() -> Iterator[str]:
    value = f"test:egress:{uuid.uuid4().hex[:8]}:"
    yield value
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    keys = list(client.scan_iter(match=f"{value}*", count=500))
    if keys:
        client.delete(*keys)


@pytest.fixture(scope="module")
def strict(redis_url: str, prefix: str) -> Iterator[ServiceProcess]:
    """chat_file as in production: no loopback allowance."""
    process = chat_process(chat_env(f"{prefix}strict:", redis_url, "gevent", **PUSH_ENV)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def local(redis_url: str, prefix: str) -> Iterator[tuple[ServiceProcess, dict[str, str]]]:
    """A local stack: loopback allowed, 127.0.0.1 not a push service; and its push worker."""
    env = chat_env(prefix, redis_url, "gevent", **PUSH_ENV, EGRESS_ALLOW_LOOPBACK="true")
    chat = chat_process(env).start()
    log = (ROOT / "var" / "test-logs" / f"push-worker-egress-{os.getpid()}.log").open("ab")
    worker = subprocess.Popen(
        [sys.executable, "-m", "services.chat_file.push_worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield chat, env
    worker.terminate()
    worker.wait(timeout=20)
    chat.stop()


@pytest.fixture
def target() -> Iterator[MisbehavingServer]:
    server = MisbehavingServer().start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    ("endpoint", "code"),
    [
        ("http://127.0.0.1:6379/", "PUSH_ENDPOINT_REFUSED"),
        ("http://127.0.0.1:8001/logout-all", "PUSH_ENDPOINT_REFUSED"),
        ("https://169.254.169.254/latest/meta-data", "PUSH_ENDPOINT_REFUSED"),
        ("https://10.0.0.1/push", "PUSH_ENDPOINT_REFUSED"),
        ("http://[::1]:8001/x", "INVALID_DEVICE"),
        ("https://[::ffff:127.0.0.1]/x", "INVALID_DEVICE"),
    ],
)
def test_internal_endpoints_are_refused_at_registration(
    strict: ServiceProcess, endpoint: str, code: str
) -> None:
    answer = register(strict.url, new_user(), endpoint)
    assert (answer.status_code, answer.json()["code"]) == (400, code)


def failed_jobs(env: dict[str, str]) -> int:
    stats = redis.Redis.from_url(env["REDIS_URL"]).hget(
        f"{env['REDIS_KEY_PREFIX']}push:stats", "failed"
    )
    return int(stats or 0)


def send_to(chat: ServiceProcess, receiver: str) -> None:
    body = {"receiverId": receiver, "content": "Bonjour"}
    sent = requests.post(f"{chat.url}/messages", json=body, headers=headers(new_user()), timeout=10)
    assert sent.status_code == 201, sent.text


def test_a_404_from_a_non_push_host_keeps_the_device(
    local: tuple[ServiceProcess, dict[str, str]], target: MisbehavingServer
) -> None:
    chat, env = local
    bob = new_user()
    assert register(chat.url, bob, target.url("/logout-all")).status_code == 201
    before = failed_jobs(env)
    send_to(chat, bob)
    wait_until(lambda: failed_jobs(env) > before, timeout=30)  # tried once, dead-lettered
    assert [h.path for h in target.hits] == ["/logout-all"]
    devices = requests.get(f"{chat.url}/devices", headers=headers(bob), timeout=10).json()
    assert len(devices["data"]["devices"]) == 1  # still listed: nothing learnt from the 404


def test_a_redirect_is_not_followed_by_the_worker(
    local: tuple[ServiceProcess, dict[str, str]], target: MisbehavingServer
) -> None:
    chat, env = local
    inner = MisbehavingServer().start()
    try:
        bob = new_user()
        endpoint = target.url(f"/redirect?to={inner.url('/ok')}")
        assert register(chat.url, bob, endpoint).status_code == 201
        before = failed_jobs(env)
        send_to(chat, bob)
        wait_until(lambda: failed_jobs(env) > before, timeout=30)
        assert [h.path for h in target.hits] == ["/redirect"]
        assert inner.hits == []  # the 307's target never reached
    finally:
        inner.stop()
