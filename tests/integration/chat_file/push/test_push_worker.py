"""The push pipeline inside one process: send → Redis outbox → worker fan-out → Web Push
(VAPID + RFC 8291) to a loopback push service that checks and decrypts it."""

from __future__ import annotations

import json
import time

import redis

from services.chat_file.bootstrap import ChatServices
from services.chat_file.push.worker import PushWorker
from services.chat_file.realtime.adapters.presence import RedisPresence
from services.chat_file.settings import Settings
from tests.support.push_receivers import WebPushReceiver

from .conftest import chat_on, drain, subscribe, who


def group(chat: ChatServices, name: str = "Équipe RH") -> str:
    created, _ = chat.conversations.create(
        who("alice"), "GROUP", name=name, members=["bob", "carol"]
    )
    return str(created["id"])


def stats(worker: PushWorker) -> dict[str, int]:
    return worker.queue.stats()


def test_an_offline_member_gets_title_body_and_exact_badge(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-laptop")
    cid = group(chat)
    chat.messages.send(who("alice"), conversation_id=cid, content="Réunion à 15 h")
    message, _ = chat.messages.send(who("alice"), conversation_id=cid, content="Salle B")
    drain(worker, lambda: receiver.received.qsize() >= 2)
    first, second = receiver.next_delivery(), receiver.next_delivery()
    if first.payload["messageId"] == message["id"]:
        first, second = second, first
    assert first.payload["body"] == "Alice Mbarga : Réunion à 15 h"
    assert second.payload == {
        "type": "newMessage",
        "title": "Équipe RH",
        "body": "Alice Mbarga : Salle B",
        "badge": 2,
        "conversationId": cid,
        "conversationName": "Équipe RH",
        "senderName": "Alice Mbarga",
        "messageId": message["id"],
        "collapseKey": cid,
    }
    assert second.headers["topic"] == cid and second.headers["urgency"] == "high"
    assert receiver.rejected == [] and set(receiver.attempts) == {"bob-laptop"}
    assert stats(worker)["sent"] == 2


def test_a_private_message_is_titled_by_the_sender(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    chat.messages.send(who("alice"), receiver_id="bob", content="Tu as le dossier ?")
    drain(worker, lambda: not receiver.received.empty())
    note = receiver.next_delivery().payload
    assert (note["title"], note["body"], note["badge"]) == ("Alice Mbarga", "Tu as le dossier ?", 1)


def test_a_recipient_with_a_live_socket_gets_nothing(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver, settings: Settings
) -> None:
    subscribe(chat, receiver, "bob", "bob-laptop")
    subscribe(chat, receiver, "carol", "carol-laptop")
    RedisPresence(chat.adapters.redis, prefix=settings.redis_key_prefix).device_connected(
        "bob", "sid1"
    )
    chat.messages.send(who("alice"), conversation_id=group(chat), content="Bonjour")
    drain(worker, lambda: not receiver.received.empty())
    assert receiver.next_delivery().name == "carol-laptop"
    assert receiver.nothing_for(0.3) and "bob-laptop" not in receiver.attempts


def test_a_410_deletes_the_subscription(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-old")
    receiver.respond("bob-old", 410)
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(worker, lambda: stats(worker).get("token_deleted") == 1)
    assert chat.devices.list_for(who("bob")) == {"devices": []}


def test_429_with_retry_after_and_5xx_are_retried_then_delivered(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-laptop")
    receiver.respond("bob-laptop", (429, {"Retry-After": "1"}), 503)
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(worker, lambda: not receiver.received.empty())
    assert receiver.attempts["bob-laptop"] == 3
    assert stats(worker)["retried"] == 2 and stats(worker)["sent"] == 1


def test_a_push_service_that_is_down_is_retried_until_it_is_back(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-laptop")
    receiver.stop()
    chat.messages.send(who("alice"), receiver_id="bob", content="Toujours là ?")
    drain(worker, lambda: stats(worker).get("retried", 0) >= 2)
    receiver.start()
    drain(worker, lambda: not receiver.received.empty())
    assert receiver.next_delivery().payload["body"] == "Toujours là ?"


def test_after_the_last_attempt_the_job_is_dead_lettered(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-laptop")
    receiver.respond("bob-laptop", 500, 500, 500, 500)
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(worker, lambda: stats(worker).get("dead_letter") == 1)
    assert receiver.attempts["bob-laptop"] == worker.delivery.max_attempts
    assert worker.queue.depths()["dead"] == 1


def test_a_job_delivered_twice_is_sent_once(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-laptop")
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    drain(worker, lambda: not receiver.received.empty())
    raw = worker.queue.key("sent:")
    (job_id,) = [k.decode().removeprefix(raw) for k in chat.adapters.redis.scan_iter(f"{raw}*")]
    message_id, device_id = job_id.split(":")
    replay = {
        "jobId": job_id,
        "messageId": message_id,
        "userId": "bob",
        "attempt": 0,
        "device": {"platform": "webpush", "id": device_id, "token": "x", "keys": {}},
        "notification": {},
    }
    worker.queue.enqueue([replay, replay])
    drain(worker, lambda: worker.queue.depths()["jobs"] == 0)
    assert receiver.attempts["bob-laptop"] == 1 and stats(worker)["sent"] == 1


def test_a_worker_that_died_mid_job_leaves_it_to_another(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver
) -> None:
    subscribe(chat, receiver, "bob", "bob-laptop")
    chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
    worker.queue.ensure_groups()
    deadline = time.monotonic() + 10
    while worker.queue.depths()["events"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)  # the outbox's flusher appends it within milliseconds
    taken = worker.queue.read("dead-worker", 10, 10)  # read, never acknowledged
    assert [kind for kind, _, _ in taken] == ["events"]
    worker.stale_ms = 0
    drain(worker, lambda: not receiver.received.empty())
    assert json.dumps(receiver.next_delivery().payload["body"]) == '"Bonjour"'


def test_a_send_succeeds_when_the_push_queue_is_unreachable(settings: Settings) -> None:
    dead = redis.Redis(port=1, socket_connect_timeout=0.2, socket_timeout=0.2)
    chat = chat_on(settings, dead)
    assert chat.adapters.push_outbox is not None
    try:
        message, created = chat.messages.send(who("alice"), receiver_id="bob", content="Bonjour")
        assert created and message["content"] == "Bonjour"
    finally:
        chat.adapters.push_outbox.stop()
