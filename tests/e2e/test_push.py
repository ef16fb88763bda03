"""Push notifications with real processes: auth_user and chat_file under gunicorn, the push
worker (`python -m services.chat_file.push_worker`), and a loopback Web Push service
that verifies the VAPID JWT and decrypts the RFC 8291 payload with the subscriber's key."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import socketio

from services.chat_file.push_keys import new_vapid_keys
from tests.support.fcm_receiver import FakeFcm
from tests.support.push_receivers import WebPushReceiver
from tests.support.servers import ROOT, ServiceProcess

from .realtime_support import chat_env as realtime_env
from .realtime_support import chat_process, token_for
from .test_chat_core import auth_env, call, chat_env, login

pytestmark = pytest.mark.e2e

PRIVATE_KEY, PUBLIC_KEY = new_vapid_keys()
PUSH_ENV = {
    "VAPID_PRIVATE_KEY": PRIVATE_KEY,
    "VAPID_PUBLIC_KEY": PUBLIC_KEY,
    "VAPID_SUBJECT": "mailto:ops@ngomna.test",
    "PUSH_RETRY_BASE_SECONDS": "0.2",
    "PUSH_RETRY_MAX_SECONDS": "1",
    "PUSH_MAX_ATTEMPTS": "30",
    "PUSH_TIMEOUT": "3",
    # the loopback receiver stands in for a push service (the egress guard's test allowance)
    "EGRESS_ALLOW_LOOPBACK": "true",
    "WEBPUSH_ENDPOINT_HOSTS": "127.0.0.1",
}


@pytest.fixture(scope="module")
def prefix(module_key_prefix: str) -> str:
    return module_key_prefix


@pytest.fixture(scope="module")
def auth_user(prefix: str, redis_url: str) -> Iterator[ServiceProcess]:
    process = ServiceProcess("auth_user", auth_env(prefix, redis_url)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def fcm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeFcm]:
    server = FakeFcm().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def env(
    prefix: str,
    redis_url: str,
    auth_user: ServiceProcess,
    fcm: FakeFcm,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, str]:
    credentials = fcm.service_account_file(tmp_path_factory.mktemp("fcm"))
    fcm_env = {
        "FCM_PROJECT_ID": fcm.project,
        "FCM_CREDENTIALS_FILE": str(credentials),
        "FCM_ENDPOINT": fcm.origin,
    }
    return chat_env(prefix, redis_url, auth_user.url, **PUSH_ENV, **fcm_env)


@pytest.fixture(scope="module")
def chat(env: dict[str, str]) -> Iterator[ServiceProcess]:
    process = ServiceProcess("chat_file", env).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def worker(env: dict[str, str], chat: ServiceProcess) -> Iterator[subprocess.Popen[bytes]]:
    log = (ROOT / "var" / "test-logs" / f"push-worker-{os.getpid()}.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.chat_file.push_worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield proc
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def receiver() -> Iterator[WebPushReceiver]:
    server = WebPushReceiver().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def users(auth_user: ServiceProcess) -> dict[str, dict[str, Any]]:
    return {m: login(auth_user, m) for m in ("MAT1001", "MAT1002")}


def subscribe(
    chat: ServiceProcess, user: dict[str, Any], receiver: WebPushReceiver, name: str
) -> None:
    body = {"platform": "webpush", "subscription": receiver.subscription(name), "deviceId": name}
    assert call("POST", f"{chat.url}/devices", user, json=body).status_code == 201


def send(chat: ServiceProcess, author: dict[str, Any], to: dict[str, Any], text: str) -> str:
    sent = call(
        "POST", f"{chat.url}/messages", author, json={"receiverId": to["id"], "content": text}
    )
    assert sent.status_code == 201, sent.text
    return str(sent.json()["data"]["id"])


def fanned_out(redis_url: str, prefix: str, outcome: str = "fanned_out") -> int:
    """Messages the worker has turned into jobs so far (or jobs with another `outcome`)."""
    value = redis.Redis.from_url(redis_url).hget(f"{prefix}push:stats", outcome)
    return int(value or 0)


def wait_for(condition: Any, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")


def test_offline_recipient_gets_the_notification_through_web_push(
    chat, worker, users, receiver
) -> None:
    jean, marie = users["MAT1001"], users["MAT1002"]
    subscribe(chat, marie, receiver, "marie-laptop")
    message_id = send(chat, jean, marie, "Le rapport est prêt")
    delivery = receiver.next_delivery(timeout=30)
    assert delivery.payload["title"] == "Jean Dupont"
    assert delivery.payload["body"] == "Le rapport est prêt"
    assert delivery.payload["messageId"] == message_id
    unread = call("GET", f"{chat.url}/conversations", marie).json()["data"]["totalUnreadMessages"]
    assert delivery.payload["badge"] == unread >= 1
    assert delivery.claims["aud"] == receiver.origin and receiver.rejected == []
    metrics = requests.get(f"{chat.url}/metrics", timeout=10).text
    assert 'chat_push_notifications{outcome="sent"}' in metrics
    assert 'chat_push_queue_length{queue="dead"}' in metrics
    assert 'chat_push_outbox_events{state="dropped"} 0.0' in metrics


def test_online_recipient_gets_no_push(chat, worker, users, receiver, redis_url, prefix) -> None:
    jean, marie = users["MAT1001"], users["MAT1002"]
    subscribe(chat, marie, receiver, "marie-laptop")
    token = marie["headers"]["Authorization"].split()[1]
    client = socketio.Client(reconnection=False)
    client.connect(chat.url, auth={"token": token}, transports=["websocket"], wait_timeout=5)
    try:
        before = fanned_out(redis_url, prefix)
        send(chat, jean, marie, "Tu es là ?")
        wait_for(lambda: fanned_out(redis_url, prefix) > before)  # the worker saw it
        assert receiver.nothing_for(0.5)
    finally:
        client.disconnect()
    assert receiver.attempts == {}


def test_a_410_deletes_the_subscription(chat, worker, users, receiver) -> None:
    jean, marie = users["MAT1001"], users["MAT1002"]
    subscribe(chat, marie, receiver, "marie-gone")
    receiver.respond("marie-gone", 410)
    send(chat, jean, marie, "Encore là ?")
    devices = lambda: call("GET", f"{chat.url}/devices", marie).json()["data"]["devices"]  # noqa: E731
    wait_for(lambda: all(d["deviceId"] != "marie-gone" for d in devices()))


def test_push_service_down_then_back_gets_the_notification(
    chat, worker, users, receiver, redis_url, prefix
) -> None:
    jean, marie = users["MAT1001"], users["MAT1002"]
    subscribe(chat, marie, receiver, "marie-phone")
    receiver.stop()
    retried = fanned_out(redis_url, prefix, "retried")
    sent_at = time.monotonic()
    send(chat, jean, marie, "Message pendant la panne")
    assert time.monotonic() - sent_at < 5  # the send never waits for the provider
    wait_for(lambda: fanned_out(redis_url, prefix, "retried") > retried)  # an attempt failed
    receiver.start()
    assert receiver.next_delivery(timeout=30).payload["body"] == "Message pendant la panne"


def test_an_android_device_gets_an_fcm_v1_message(chat, worker, users, fcm) -> None:
    jean, marie = users["MAT1001"], users["MAT1002"]
    body = {"platform": "fcm", "token": "marie-android", "deviceId": "marie-android"}
    assert call("POST", f"{chat.url}/devices", marie, json=body).status_code == 201
    message_id = send(chat, jean, marie, "Bonjour depuis le bureau")
    message = fcm.received.get(timeout=30)
    assert message["token"] == "marie-android" and fcm.rejected == []
    assert message["notification"] == {"title": "Jean Dupont", "body": "Bonjour depuis le bureau"}
    assert message["data"]["messageId"] == message_id


def test_muted_recipient_gets_only_mentions(chat, worker, users, receiver) -> None:
    jean, marie = users["MAT1001"], users["MAT1002"]
    subscribe(chat, marie, receiver, "marie-tablet")
    body = {"type": "GROUP", "name": "Cellule RH", "members": [marie["id"]]}
    cid = call("POST", f"{chat.url}/conversations", jean, json=body).json()["data"]["id"]
    until = "2099-01-01T00:00:00Z"
    muted = call(
        "PUT", f"{chat.url}/conversations/{cid}/notifications", marie, json={"mutedUntil": until}
    )
    assert muted.status_code == 200
    for text in ("Ordre du jour", "@MAT1002 ton avis ?"):
        sent = call(
            "POST", f"{chat.url}/messages", jean, json={"conversationId": cid, "content": text}
        )
        assert sent.status_code == 201
    mention_id = sent.json()["data"]["id"]
    assert sent.json()["data"]["mentions"] == [marie["id"]]
    delivery = receiver.next_delivery(timeout=30)
    assert delivery.payload["messageId"] == mention_id  # the muted plain message never came
    assert delivery.payload["title"] == "Cellule RH"
    listing = call("GET", f"{chat.url}/conversations", marie).json()["data"]["conversations"]
    assert next(c for c in listing if c["id"] == cid)["unreadMentions"] == 1


def test_settings_changes_reach_the_users_other_devices(chat, worker, users) -> None:
    marie = users["MAT1002"]
    token = marie["headers"]["Authorization"].split()[1]
    events: list[dict[str, Any]] = []
    client = socketio.Client(reconnection=False)
    client.on("notificationSettings:updated", events.append)
    client.connect(chat.url, auth={"token": token}, transports=["websocket"], wait_timeout=5)
    try:
        body = {"previews": False, "dndUntil": "2099-01-01T08:00:00+01:00"}
        assert (
            call("PUT", f"{chat.url}/notifications/settings", marie, json=body).status_code == 200
        )
        wait_for(lambda: bool(events))
    finally:
        client.disconnect()
    assert events[0] == {
        "scope": "user",
        "dndUntil": "2099-01-01T07:00:00.000Z",
        "quietHours": None,
        "previews": False,
        "seq": events[0].get("seq"),  # the change's number in the user's log (GET /sync)
    }
    assert isinstance(events[0]["seq"], int) and events[0]["seq"] >= 1
    call(
        "PUT",
        f"{chat.url}/notifications/settings",
        marie,
        json={"previews": True, "dndUntil": None},
    )


def test_the_outbox_flushes_under_eventlet_too(redis_url: str, tmp_path: Path) -> None:
    """The flusher is a thread: under eventlet's monkey patching it must still reach Redis."""
    prefix = f"test:push-eventlet:{uuid.uuid4().hex[:8]}:"
    env = realtime_env(prefix, redis_url, "eventlet", DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}")
    process = chat_process(env).start()
    client = redis.Redis.from_url(redis_url)
    try:
        headers = {"Authorization": f"Bearer {token_for(uuid.uuid4().hex[:24])}"}
        body = {"receiverId": uuid.uuid4().hex[:24], "content": "Bonjour"}
        sent = requests.post(f"{process.url}/messages", json=body, headers=headers, timeout=10)
        assert sent.status_code == 201, sent.text
        wait_for(lambda: client.xlen(f"{prefix}push:events") == 1)
    finally:
        process.stop()
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
