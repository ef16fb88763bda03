"""Notification settings decide who gets pushed (worker on real Redis, loopback push service)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.chat_file.bootstrap import ChatServices
from services.chat_file.push.worker import PushWorker
from tests.support.push_receivers import WebPushReceiver

from .conftest import drain, subscribe, who


def group(chat: ChatServices) -> str:
    created, _ = chat.conversations.create(
        who("alice"), "GROUP", name="RH", members=["bob", "carol"]
    )
    return str(created["id"])


def soon(hours: int = 1) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def only_carol_is_pushed(
    chat: ChatServices, worker: PushWorker, receiver: WebPushReceiver, cid: str
) -> None:
    chat.messages.send(who("alice"), conversation_id=cid, content="Point d'équipe")
    drain(worker, lambda: not receiver.received.empty())
    assert receiver.next_delivery().name == "carol-phone"
    drain(worker, lambda: worker.queue.depths()["jobs"] == 0)
    assert "bob-phone" not in receiver.attempts


def test_a_muted_conversation_sends_nothing(chat, worker, receiver) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    subscribe(chat, receiver, "carol", "carol-phone")
    cid = group(chat)
    chat.notification_settings.update_conversation(who("bob"), cid, {"mutedUntil": soon()})
    only_carol_is_pushed(chat, worker, receiver, cid)


def test_level_none_sends_nothing(chat, worker, receiver) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    subscribe(chat, receiver, "carol", "carol-phone")
    cid = group(chat)
    chat.notification_settings.update_conversation(who("bob"), cid, {"level": "none"})
    only_carol_is_pushed(chat, worker, receiver, cid)


def test_do_not_disturb_sends_nothing_until_it_ends(chat, worker, receiver) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    subscribe(chat, receiver, "carol", "carol-phone")
    cid = group(chat)
    chat.notification_settings.update(who("bob"), {"dndUntil": soon()})
    only_carol_is_pushed(chat, worker, receiver, cid)
    chat.notification_settings.update(who("bob"), {"dndUntil": None})
    chat.messages.send(who("alice"), conversation_id=cid, content="Après")
    drain(worker, lambda: receiver.received.qsize() >= 2)
    assert {receiver.next_delivery().name for _ in range(2)} == {"bob-phone", "carol-phone"}


def test_quiet_hours_covering_now_send_nothing(chat, worker, receiver) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    subscribe(chat, receiver, "carol", "carol-phone")
    cid = group(chat)
    now = datetime.now(UTC)
    start, end = (
        (now - timedelta(hours=1)).strftime("%H:%M"),
        (now + timedelta(hours=1)).strftime("%H:%M"),
    )
    quiet = {"start": start, "end": end, "timeZone": "UTC"}
    chat.notification_settings.update(who("bob"), {"quietHours": quiet})
    only_carol_is_pushed(chat, worker, receiver, cid)


def test_private_previews_hide_the_text(chat, worker, receiver) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    chat.notification_settings.update(who("bob"), {"previews": False})
    chat.messages.send(who("alice"), receiver_id="bob", content="Mon code est 1234")
    drain(worker, lambda: not receiver.received.empty())
    note = receiver.next_delivery().payload
    assert note["body"] == "Nouveau message" and "1234" not in str(note)


def test_a_mention_gets_through_a_mute_and_the_mentions_level(chat, worker, receiver) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    subscribe(chat, receiver, "carol", "carol-phone")
    cid = group(chat)
    chat.notification_settings.update_conversation(who("bob"), cid, {"mutedUntil": soon()})
    chat.notification_settings.update_conversation(who("carol"), cid, {"level": "mentions"})
    chat.messages.send(who("alice"), conversation_id=cid, content="Pour tous")
    mention, _ = chat.messages.send(who("alice"), conversation_id=cid, content="@tous urgent")
    drain(worker, lambda: receiver.received.qsize() >= 2)
    got = [receiver.next_delivery() for _ in range(2)]
    assert {d.name for d in got} == {"bob-phone", "carol-phone"}
    assert {d.payload["messageId"] for d in got} == {mention["id"]}
    assert receiver.nothing_for(0.2)


def test_a_mention_does_not_break_do_not_disturb(chat, worker, receiver) -> None:
    subscribe(chat, receiver, "bob", "bob-phone")
    subscribe(chat, receiver, "carol", "carol-phone")
    cid = group(chat)
    chat.notification_settings.update(who("bob"), {"dndUntil": soon()})
    chat.messages.send(who("alice"), conversation_id=cid, content="@MAT-bob @MAT-carol vite")
    drain(worker, lambda: not receiver.received.empty())
    assert receiver.next_delivery().name == "carol-phone"
    drain(worker, lambda: worker.queue.depths()["jobs"] == 0)
    assert "bob-phone" not in receiver.attempts
