"""pywebpush sends through the guard's session: a real Web Push (RFC 8291 + VAPID) reaches an
allowed loopback push service, and nothing reaches it when loopback is not allowed."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from py_vapid import Vapid02
from pywebpush import WebPusher

from libs.egress import EgressGuard, EgressPolicy, EgressRefusedError, GuardedSession
from tests.support.push_receivers import WebPushReceiver


@pytest.fixture
def receiver() -> Iterator[WebPushReceiver]:
    running = WebPushReceiver().start()
    yield running
    running.stop()


def push(receiver: WebPushReceiver, policy: EgressPolicy) -> int:
    vapid = Vapid02()
    vapid.generate_keys()
    claims = {
        "sub": "mailto:ops@ngomna.test",
        "aud": receiver.origin,
        "exp": int(time.time()) + 600,
    }
    pusher = WebPusher(
        receiver.subscription("alice"), requests_session=GuardedSession(EgressGuard(policy))
    )
    body = json.dumps({"title": "Nouveau message"}).encode()
    answer = pusher.send(
        body, dict(vapid.sign(claims)), ttl=60, content_encoding="aes128gcm", timeout=5
    )
    return int(answer.status_code)


def test_web_push_reaches_an_allowed_push_service_through_the_guard(
    receiver: WebPushReceiver,
) -> None:
    assert push(receiver, EgressPolicy(allow_loopback=True)) == 201
    assert receiver.next_delivery(timeout=5).payload == {"title": "Nouveau message"}


def test_web_push_to_loopback_is_refused_without_the_allowance(receiver: WebPushReceiver) -> None:
    with pytest.raises(EgressRefusedError):
        push(receiver, EgressPolicy())
    assert receiver.attempts == {}
