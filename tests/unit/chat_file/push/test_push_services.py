"""PushNotifier, PushFanout and PushDelivery on fakes (no Redis, no provider)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.facade import (
    Conversation,
    Message,
    MessageLookup,
    MessageResult,
    MessageType,
)
from services.chat_file.push.application.delivery import PushDelivery
from services.chat_file.push.application.fanout import PushFanout, PushNotifier
from services.chat_file.push.domain.devices import Device, Platform, new_device_id
from services.chat_file.push.domain.notifications import Outcome, SendResult

from ..conftest import who
from ..fakes import RecordingNotifier
from .fakes import FakeOnlineUsers, FakeOutbox, FakePushJobs, FakeSender

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def device(user: str, platform: Platform = Platform.FCM) -> Device:
    return Device(new_device_id(), user, platform, f"tok-{user}-{new_device_id()}", user, "1", NOW)


def fanout(chat: ChatServices, *online: str) -> PushFanout:
    s = chat.adapters.stores
    return PushFanout(
        MessageLookup(s.conversations, s.messages, s.badges),
        s.devices,
        chat.directory,
        FakeOnlineUsers(*online),
        s.notification_settings,
    )


def test_the_notifier_hands_new_messages_only_to_the_outbox() -> None:
    inner, outbox = RecordingNotifier(), FakeOutbox()
    notifier = PushNotifier(inner, outbox)
    message = Message("m" * 24, "c" * 24, "alice", "x", MessageType.TEXT, NOW)
    sent = MessageResult(
        message, Conversation.private("c" * 24, "alice", "bob", NOW), {"name": "A"}
    )
    notifier.notify("newMessage", sent, ["bob"])
    notifier.notify("message:edited", {"id": "m" * 24, "content": "y"}, ["bob"])
    assert inner.names() == ["newMessage", "message:edited"]
    assert outbox.events == [
        {"messageId": "m" * 24, "conversationId": "c" * 24, "senderId": "alice"}
    ]


def test_fanout_skips_the_sender_online_users_and_users_without_devices(chat: ChatServices) -> None:
    for user in ("alice", "bob", "carol"):
        chat.adapters.stores.devices.register(device(user))
    cid = chat.conversations.create(
        who("alice"), "GROUP", name="G", members=["bob", "carol", "dave"]
    )[0]["id"]
    sent, _ = chat.messages.send(who("alice"), conversation_id=cid, content="Salut")
    jobs = fanout(chat, "carol").jobs_for({"messageId": sent["id"]})
    assert [j["userId"] for j in jobs] == ["bob"]
    assert jobs[0]["jobId"] == f"{sent['id']}:{jobs[0]['device']['id']}"
    assert jobs[0]["notification"]["badge"] == 1 and jobs[0]["attempt"] == 0


def test_fanout_of_a_vanished_or_deleted_message_is_empty(chat: ChatServices) -> None:
    chat.adapters.stores.devices.register(device("bob"))
    sent, _ = chat.messages.send(who("alice"), receiver_id="bob", content="Oups")
    chat.messages.delete(who("alice"), sent["id"], "everyone")
    assert fanout(chat).jobs_for({"messageId": sent["id"]}) == []
    assert fanout(chat).jobs_for({"messageId": "f" * 24}) == []
    assert fanout(chat).jobs_for({}) == []


def job(attempt: int = 0, platform: str = "fcm") -> dict[str, Any]:
    target = {"id": "d1", "platform": platform, "token": "tok", "keys": {}}
    return {
        "jobId": "m:d1",
        "messageId": "m",
        "userId": "bob",
        "device": target,
        "notification": {},
        "attempt": attempt,
    }


def delivery(jobs: FakePushJobs, sender: FakeSender, chat: ChatServices) -> PushDelivery:
    return PushDelivery(
        jobs,
        {"fcm": sender},
        chat.adapters.stores.devices,
        max_attempts=3,
        retry_base=1.0,
        retry_cap=10.0,
    )


def test_a_sent_job_is_marked_and_not_sent_again(chat: ChatServices) -> None:
    jobs, sender = FakePushJobs(), FakeSender()
    push = delivery(jobs, sender, chat)
    assert push.deliver(job()) is Outcome.SENT
    assert push.deliver(job()) is None
    assert len(sender.sent) == 1 and jobs.counts == {"sent": 1}


def test_a_dead_token_is_deleted(chat: ChatServices) -> None:
    dead = chat.adapters.stores.devices.register(device("bob"))
    jobs, sender = FakePushJobs(), FakeSender(SendResult(Outcome.GONE, 404))
    item = {**job(), "device": {**job()["device"], "token": dead.token}}
    assert delivery(jobs, sender, chat).deliver(item) is Outcome.GONE
    assert chat.adapters.stores.devices.list_for("bob") == [] and jobs.counts == {
        "token_deleted": 1
    }


@pytest.mark.parametrize(
    ("result", "delay"),
    [
        (SendResult(Outcome.RETRY, 429, 7.0), 7.0),
        (SendResult(Outcome.RETRY, 503), None),
        (RuntimeError("bug"), None),
    ],
)
def test_retryable_failures_are_scheduled(
    chat: ChatServices, result: Any, delay: float | None
) -> None:
    jobs = FakePushJobs()
    assert delivery(jobs, FakeSender(result), chat).deliver(job()) is Outcome.RETRY
    ((again, wait),) = jobs.retries
    assert again["attempt"] == 1
    assert wait == delay if delay is not None else 0.5 <= wait <= 1.0


def test_the_last_attempt_and_rejections_go_to_the_dead_letters(chat: ChatServices) -> None:
    jobs = FakePushJobs()
    push = delivery(
        jobs, FakeSender(SendResult(Outcome.RETRY, 500), SendResult(Outcome.REJECTED, 400)), chat
    )
    push.deliver(job(attempt=2))
    push.deliver(job())
    assert [reason for _, reason in jobs.dead] == ["retry 500", "rejected 400"]
    assert jobs.retries == [] and jobs.counts == {"failed": 2}


def test_a_job_for_an_unconfigured_provider_is_dead_lettered(chat: ChatServices) -> None:
    jobs = FakePushJobs()
    assert delivery(jobs, FakeSender(), chat).deliver(job(platform="webpush")) is Outcome.REJECTED
    assert jobs.dead[0][1] == "provider not configured"


def test_a_stored_message_reaches_the_outbox_once(
    chat: ChatServices, fakes: dict[str, Any]
) -> None:
    sent, _ = chat.messages.send(
        who("alice"), receiver_id="bob", content="Bonjour", temporary_id="t1"
    )
    chat.messages.send(
        who("alice"), receiver_id="bob", content="Bonjour", temporary_id="t1"
    )  # retry
    assert fakes["push_outbox"].events == [
        {"messageId": sent["id"], "conversationId": sent["conversationId"], "senderId": "alice"}
    ]
