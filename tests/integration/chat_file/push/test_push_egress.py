"""Web Push through the egress guard, on real Redis with the worker's loop and loopback servers
that misbehave: the endpoint is checked at registration and again at each send, redirects are
not followed, and a refused or failing endpoint is no port-scan oracle (its device stays)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import redis

from libs.egress import EgressSettings
from services.chat_file.bootstrap import ChatServices
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.errors import ChatError
from services.chat_file.push.domain.devices import Device, Platform, new_device_id
from services.chat_file.push.settings import DEFAULT_ENDPOINT_HOSTS
from services.chat_file.settings import Settings
from tests.support.egress_servers import MisbehavingServer
from tests.support.push_receivers import WebPushReceiver

from .conftest import chat_on, drain, who, with_push, worker_on


@pytest.fixture
def target() -> Iterator[MisbehavingServer]:
    server = MisbehavingServer().start()
    yield server
    server.stop()


def register(chat: ChatServices, user: str, endpoint: str, name: str = "laptop") -> str:
    keys = WebPushReceiver().subscription(name)["keys"]  # any valid subscriber keys
    body = {
        "platform": "webpush",
        "subscription": {"endpoint": endpoint, "keys": keys},
        "deviceId": name,
    }
    return str(chat.devices.register(who(user), body)["id"])


def devices_of(chat: ChatServices, user: str) -> list[str]:
    return [d["id"] for d in chat.devices.list_for(who(user))["devices"]]


def not_a_push_service(settings: Settings) -> Settings:
    """Loopback allowed (a local stack), but 127.0.0.1 is not one of the push services."""
    return with_push(settings, endpoint_hosts=DEFAULT_ENDPOINT_HOSTS)


def test_a_404_from_a_host_that_is_not_a_push_service_keeps_the_device(
    settings: Settings, redis_client: redis.Redis, target: MisbehavingServer
) -> None:
    local = not_a_push_service(settings)
    chat = chat_on(local, redis_client)
    worker = worker_on(local, chat)
    device = register(chat, "bob", target.url("/logout-all"))  # answers 404
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(worker, lambda: worker.queue.stats().get("failed") == 1)
    assert [h.path for h in target.hits] == ["/logout-all"]
    assert devices_of(chat, "bob") == [device]  # no oracle: the device did not vanish
    assert worker.queue.stats().get("token_deleted") is None


def test_a_redirect_is_not_followed(
    settings: Settings, redis_client: redis.Redis, target: MisbehavingServer
) -> None:
    other = MisbehavingServer().start()
    try:
        chat = chat_on(settings, redis_client)
        worker = worker_on(settings, chat)
        register(chat, "bob", target.url(f"/redirect?to={other.url('/ok')}"))
        chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
        drain(worker, lambda: worker.queue.stats().get("failed") == 1)
        assert [h.path for h in target.hits] == ["/redirect"] and other.hits == []
    finally:
        other.stop()


def test_the_endpoint_is_checked_again_at_send(
    settings: Settings, redis_client: redis.Redis, target: MisbehavingServer
) -> None:
    chat = chat_on(settings, redis_client)  # registered while loopback was allowed
    device = register(chat, "bob", target.url("/ok"))
    strict = replace(settings, egress=EgressSettings(allow_loopback=False))
    worker = worker_on(strict, chat)
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(worker, lambda: worker.queue.stats().get("failed") == 1)
    assert target.hits == []  # nothing left the process
    assert devices_of(chat, "bob") == [device]
    with pytest.raises(ChatError) as refused:
        register(chat_on(strict, redis_client), "carol", target.url("/ok"))
    assert refused.value.code == "PUSH_ENDPOINT_REFUSED"


@pytest.mark.parametrize(
    "endpoint", ["http://127.0.0.1:6379/", "http://10.0.0.1/push", "http://[::1]:8001/x"]
)
def test_internal_endpoints_are_refused_at_registration(
    settings: Settings, redis_client: redis.Redis, endpoint: str
) -> None:
    strict = replace(settings, egress=EgressSettings(allow_loopback=False))
    with pytest.raises(ChatError) as refused:
        register(chat_on(strict, redis_client), "bob", endpoint)
    assert refused.value.code in {"PUSH_ENDPOINT_REFUSED", "INVALID_DEVICE"}


def test_an_ipv6_loopback_endpoint_stored_earlier_fails_cleanly_at_send(
    settings: Settings, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    chat = chat_on(settings, redis_client)
    worker = worker_on(settings, chat)
    keys = WebPushReceiver().subscription("old")["keys"]
    stored = Device(
        new_device_id(), "bob", Platform.WEBPUSH, "http://[::1]:9/push", "old", "", utc_now(), keys
    )
    chat.adapters.stores.devices.register(stored)  # from before the guard (no registration)
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(worker, lambda: worker.queue.stats().get("failed") == 1)
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]
    assert devices_of(chat, "bob") == [stored.id]
