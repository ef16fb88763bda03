"""FCM HTTP v1 from the worker to a loopback FCM: service-account OAuth, v1 message shape,
UNREGISTERED deletes the token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from services.chat_file.bootstrap import ChatServices
from services.chat_file.push.worker import PushWorker
from services.chat_file.settings import Settings
from tests.support.fcm_receiver import UNREGISTERED, FakeFcm

from .conftest import chat_on, drain, who, with_push, worker_on


@pytest.fixture
def fcm() -> Iterator[FakeFcm]:
    server = FakeFcm().start()
    yield server
    server.stop()


@pytest.fixture
def fcm_settings(settings: Settings, fcm: FakeFcm, tmp_path: Path) -> Settings:
    return with_push(
        settings,
        fcm_project_id=fcm.project,
        fcm_credentials_file=str(fcm.service_account_file(tmp_path)),
        fcm_endpoint=fcm.origin,
    )


@pytest.fixture
def fcm_chat(fcm_settings: Settings, redis_client: redis.Redis) -> ChatServices:
    return chat_on(fcm_settings, redis_client)


@pytest.fixture
def fcm_worker(fcm_settings: Settings, fcm_chat: ChatServices) -> PushWorker:
    return worker_on(fcm_settings, fcm_chat)


def register(chat: ChatServices, token: str) -> None:
    chat.devices.register(who("bob"), {"platform": "fcm", "token": token, "deviceId": token})


def test_fcm_gets_a_v1_message_with_an_oauth_bearer(
    fcm_chat: ChatServices, fcm_worker: PushWorker, fcm: FakeFcm
) -> None:
    register(fcm_chat, "bob-android-token")
    sent, _ = fcm_chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour Bob")
    drain(fcm_worker, lambda: not fcm.received.empty())
    message = fcm.received.get()
    cid = sent["conversationId"]
    assert message["token"] == "bob-android-token"
    assert message["notification"] == {"title": "Alice Mbarga", "body": "Bonjour Bob"}
    assert message["data"]["messageId"] == sent["id"] and message["data"]["badge"] == "1"
    assert message["android"]["collapse_key"] == cid
    assert message["android"]["notification"] == {"tag": cid, "notification_count": 1}
    assert message["apns"]["headers"]["apns-collapse-id"] == cid
    assert message["apns"]["payload"]["aps"]["badge"] == 1
    assert fcm.rejected == [] and len(fcm.issued) == 1


def test_one_access_token_serves_many_sends(
    fcm_chat: ChatServices, fcm_worker: PushWorker, fcm: FakeFcm
) -> None:
    register(fcm_chat, "bob-tok")
    for text in ("un", "deux", "trois"):
        fcm_chat.messages.send(who("alice"), receiver_id="bob", content=text)
    drain(fcm_worker, lambda: fcm.received.qsize() == 3)
    assert len(fcm.issued) == 1


def test_unregistered_deletes_the_token(
    fcm_chat: ChatServices, fcm_worker: PushWorker, fcm: FakeFcm
) -> None:
    register(fcm_chat, "bob-old-token")
    fcm.respond("bob-old-token", 404, UNREGISTERED)
    fcm_chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(fcm_worker, lambda: fcm_worker.queue.stats().get("token_deleted") == 1)
    assert fcm_chat.devices.list_for(who("bob")) == {"devices": []}


def test_an_unavailable_fcm_is_retried(
    fcm_chat: ChatServices, fcm_worker: PushWorker, fcm: FakeFcm
) -> None:
    register(fcm_chat, "bob-tok")
    fcm.respond("bob-tok", 503, {"error": {"code": 503, "status": "UNAVAILABLE"}})
    fcm_chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(fcm_worker, lambda: not fcm.received.empty())
    assert fcm_worker.queue.stats()["retried"] == 1
