"""Push pipeline on real Redis: chat_file's services over the store fakes, the worker built on
the same composition root, a loopback Web Push service."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
import redis

from libs.egress import EgressSettings
from libs.servicekit.settings import DEV_JWT_SECRET
from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.kernel.identity import Identity
from services.chat_file.push.settings import PushSettings
from services.chat_file.push.worker import PushWorker
from services.chat_file.push_keys import new_vapid_keys
from services.chat_file.push_worker import build_worker
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.push_receivers import WebPushReceiver
from tests.support.wire import wire
from tests.unit.chat_file.fakes import FakeProfileCache, FakeProfileSource, profile

USERS = {
    u: profile(u, p, n)
    for u, p, n in [
        ("alice", "Alice", "Mbarga"),
        ("bob", "Bob", "Ngono"),
        ("carol", "Carol", "Fotso"),
    ]
}


@pytest.fixture
def receiver() -> Iterator[WebPushReceiver]:
    server = WebPushReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def settings(key_prefix: str, redis_url: str) -> Settings:
    private, public = new_vapid_keys()
    push = PushSettings(
        vapid_private_key=private,
        vapid_public_key=public,
        vapid_subject="mailto:ops@ngomna.test",
        retry_base_seconds=0.05,
        retry_max_seconds=0.5,
        max_attempts=4,
        timeout=2.0,
        # the loopback receiver stands in for a push service (its 404/410 delete a device)
        endpoint_hosts=("127.0.0.1",),
    )
    return Settings(
        app_env="test",
        jwt_secret=DEV_JWT_SECRET,
        redis_url=redis_url,
        redis_key_prefix=key_prefix,
        push=push,
        egress=EgressSettings(allow_loopback=True),
    )


def chat_on(settings: Settings, client: redis.Redis) -> ChatServices:
    """chat_file's services over the store fakes, on real Redis."""
    built = build(
        settings,
        stores=fake_chat_stores(),
        redis=client,
        cache=FakeProfileCache(),
        auth_client=FakeProfileSource(USERS),
    )
    return wire(built)  # use-case results as the transports shape them


def worker_on(settings: Settings, chat: ChatServices) -> PushWorker:
    built = build_worker(settings, chat)
    built.block_ms = 20
    return built


@pytest.fixture
def chat(settings: Settings, redis_client: redis.Redis) -> ChatServices:
    return chat_on(settings, redis_client)


@pytest.fixture
def worker(settings: Settings, chat: ChatServices) -> PushWorker:
    return worker_on(settings, chat)


def who(user_id: str) -> Identity:
    return Identity(user_id=user_id, matricule=None)


def subscribe(chat: ChatServices, receiver: WebPushReceiver, user: str, name: str) -> str:
    body = {"platform": "webpush", "subscription": receiver.subscription(name), "deviceId": name}
    return str(chat.devices.register(who(user), body)["id"])


def drain(worker: PushWorker, until: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker.run_once()
        if until():
            return
    raise AssertionError("the worker did not get there in time")


def with_push(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, push=replace(settings.push, **changes))
