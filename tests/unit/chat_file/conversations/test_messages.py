"""MessageService and ReceiptService with fakes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.conversations.domain import errors
from services.chat_file.settings import Settings
from tests.support.wire import wire

from ..conftest import who
from .test_conversations import group, private


def send(chat: ChatServices, user: str, cid: str, content: str = "salut", **kw) -> dict:
    return chat.messages.send(who(user), conversation_id=cid, content=content, **kw)[0]


def test_send_persists_then_notifies_every_participant(chat: ChatServices, fakes) -> None:
    cid = private(chat)["id"]
    message = send(chat, "alice", cid)
    assert chat.adapters.stores.messages.get(message["id"]) is not None
    event, payload, rooms = fakes["notifier"].events[-1]
    assert event == "newMessage" and payload["senderName"] == "Alice Mbarga"
    assert set(rooms) == {"alice", "bob"}  # current participants' devices only


def test_receiver_id_gets_or_creates_the_private_conversation(chat: ChatServices) -> None:
    first, _ = chat.messages.send(who("alice"), receiver_id="bob", content="hello")
    second, _ = chat.messages.send(who("bob"), receiver_id="alice", content="re")
    assert first["conversationId"] == second["conversationId"]
    with pytest.raises(errors.SelfConversationError):
        chat.messages.send(who("alice"), receiver_id="alice", content="moi")
    with pytest.raises(errors.InvalidIdError):
        chat.messages.send(who("alice"), content="nowhere")


def test_same_temporary_id_is_the_same_message(chat: ChatServices, fakes) -> None:
    cid = private(chat)["id"]
    first, created = chat.messages.send(
        who("alice"), conversation_id=cid, content="a", temporary_id="t-1"
    )
    again, created_again = chat.messages.send(
        who("alice"), conversation_id=cid, content="a", temporary_id="t-1"
    )
    assert created and not created_again and first["id"] == again["id"]
    assert chat.conversations.get(who("bob"), cid)["unreadCount"] == 1  # counted once
    assert fakes["notifier"].names().count("newMessage") == 1
    other, _ = chat.messages.send(who("bob"), conversation_id=cid, content="b", temporary_id="t-1")
    assert other["id"] != first["id"]  # the key is per sender


def test_bad_messages_are_refused_with_specific_codes(chat: ChatServices) -> None:
    cid = private(chat)["id"]
    with pytest.raises(errors.EmptyContentError):
        send(chat, "alice", cid, "  ")
    with pytest.raises(errors.ContentTooLongError):
        send(chat, "alice", cid, "x" * 10_001)
    send(chat, "alice", cid, "x" * 10_000)
    with pytest.raises(errors.InvalidMessageTypeError):
        send(chat, "alice", cid, type="GIF")
    with pytest.raises(errors.ConversationNotFoundError):
        send(chat, "carol", cid)
    with pytest.raises(errors.AttachmentNotFoundError):
        send(chat, "alice", cid, "", type="IMAGE", file_id="f" * 24)
    with pytest.raises(errors.MessageNotFoundError):
        send(chat, "alice", cid, reply_to="0" * 24)


@pytest.mark.parametrize(
    ("refusal", "overrides"),
    [
        (errors.MessageNotFoundError, {"reply_to": "0" * 24}),  # unknown quoted message
        (errors.EmptyContentError, {"type": "TEXT", "content": "   "}),
        (errors.InvalidIdError, {"reply_to": "pas-un-id"}),
    ],
)
def test_a_refused_send_stores_links_and_announces_nothing(
    chat: ChatServices, fakes, refusal: type[Exception], overrides: dict
) -> None:
    cid = private(chat)["id"]
    fakes["attachments"].files["f1"] = {"id": "f1", "name": "a.png", "uploadedBy": "alice"}
    before = fakes["notifier"].names()
    body = {"content": "regarde", "type": "IMAGE", "file_id": "f1", **overrides}
    with pytest.raises(refusal):
        chat.messages.send(who("alice"), conversation_id=cid, temporary_id="t-1", **body)
    assert chat.adapters.stores.messages.find_by_temporary_id("alice", "t-1") is None
    assert fakes["attachments"].links == []
    assert fakes["notifier"].names() == before
    assert chat.messages.history(who("alice"), cid)["messages"] == []


def test_a_send_refused_for_its_content_opens_no_private_conversation(
    chat: ChatServices,
) -> None:
    with pytest.raises(errors.EmptyContentError):
        chat.messages.send(who("alice"), receiver_id="dave", content=" ")
    assert chat.conversations.list_for(who("alice"))["conversations"] == []


def test_attachments_are_resolved_and_kept_on_the_message(chat: ChatServices, fakes) -> None:
    cid = private(chat)["id"]
    fakes["attachments"].files["f1"] = {"id": "f1", "name": "a.png", "uploadedBy": "alice"}
    message = send(chat, "alice", cid, "", type="IMAGE", file_id="f1")
    assert message["file"]["name"] == "a.png"
    history = chat.messages.history(who("bob"), cid)
    assert history["messages"][0]["file"]["name"] == "a.png"


def test_only_broadcast_admins_post(chat: ChatServices) -> None:
    cid = group(chat, kind="BROADCAST")["id"]
    send(chat, "alice", cid)
    with pytest.raises(errors.BroadcastReadOnlyError):
        send(chat, "bob", cid)


def test_history_pages_by_id_without_gaps_or_repeats(chat: ChatServices) -> None:
    cid = private(chat)["id"]
    sent = [send(chat, "alice" if n % 2 else "bob", cid, f"m{n}")["id"] for n in range(7)]
    seen: list[str] = []
    cursor = None
    while True:
        page = chat.messages.history(who("alice"), cid, cursor=cursor, limit="3")
        seen += [m["id"] for m in page["messages"]]
        cursor = page["nextCursor"]
        if not page["hasMore"]:
            break
    assert seen == list(reversed(sent))
    newer = chat.messages.history(who("alice"), cid, cursor=sent[2], limit="2", direction="newer")
    assert [m["id"] for m in newer["messages"]] == [sent[4], sent[3]] and newer["hasMore"]
    with pytest.raises(errors.InvalidCursorError):
        chat.messages.history(who("alice"), cid, cursor="garbage")
    with pytest.raises(errors.ConversationNotFoundError):
        chat.messages.history(who("carol"), cid)


def test_a_page_resolves_senders_in_one_read_and_no_call_when_warm(chat, fakes) -> None:
    cid = group(chat, members=("bob", "carol", "dave"))["id"]
    for n in range(50):
        send(chat, ["alice", "bob", "carol", "dave"][n % 4], cid, f"m{n}")
    cache, source = fakes["cache"], fakes["auth_client"]
    calls, cache.reads = len(source.calls), 0
    page = chat.messages.history(who("alice"), cid, limit="50")
    assert len(page["messages"]) == 50 and cache.reads == 1
    assert len(source.calls) == calls
    assert page["messages"][0]["senderName"] == "Bob Ngono"


def test_edit_is_author_only_and_keeps_history(chat: ChatServices) -> None:
    cid = private(chat)["id"]
    mid = send(chat, "alice", cid, "v1")["id"]
    with pytest.raises(errors.NotAuthorError):
        chat.messages.edit(who("bob"), mid, "hack")
    chat.messages.edit(who("alice"), mid, "v2")
    edited = chat.messages.edit(who("alice"), mid, "v3")
    assert edited["content"] == "v3" and edited["edited"]
    assert [h["content"] for h in edited["editHistory"]] == ["v1", "v2"]
    with pytest.raises(errors.EmptyContentError):
        chat.messages.edit(who("alice"), mid, "")


def test_delete_for_me_hides_delete_for_everyone_blanks(chat: ChatServices) -> None:
    cid = private(chat)["id"]
    mine = send(chat, "alice", cid, "secret")["id"]
    chat.messages.delete(who("bob"), mine, "me")
    assert chat.messages.history(who("bob"), cid)["messages"] == []
    assert len(chat.messages.history(who("alice"), cid)["messages"]) == 1
    with pytest.raises(errors.MessageNotFoundError):
        chat.messages.get(who("bob"), mine)
    other = send(chat, "bob", cid, "oops")["id"]
    with pytest.raises(errors.NotAuthorError):
        chat.messages.delete(who("alice"), other, "everyone")
    chat.messages.delete(who("bob"), other, "everyone")
    blank = chat.messages.get(who("alice"), other)
    assert blank["deleted"] and blank["content"] == ""
    with pytest.raises(errors.MessageDeletedError):
        chat.messages.edit(who("bob"), other, "back")
    with pytest.raises(errors.InvalidQueryError):
        chat.messages.delete(who("bob"), other, "galaxy")


def test_receipts_per_recipient_and_aggregate_status(chat: ChatServices, fakes) -> None:
    cid = group(chat)["id"]
    mid = send(chat, "alice", cid)["id"]
    chat.receipts.set_status(who("bob"), mid, "DELIVERED")
    assert chat.messages.get(who("alice"), mid)["status"] == "SENT"
    chat.receipts.set_status(who("carol"), mid, "delivered")
    assert chat.messages.get(who("alice"), mid)["status"] == "DELIVERED"
    chat.receipts.set_status(who("bob"), mid, "READ")
    event = chat.receipts.set_status(who("carol"), mid, "READ")
    assert event["messageStatus"] == "READ"
    assert "message:status" in fakes["notifier"].names()
    with pytest.raises(errors.InvalidStatusError):
        chat.receipts.set_status(who("bob"), mid, "SEEN")
    with pytest.raises(errors.InvalidStatusError):
        chat.receipts.set_status(who("alice"), mid, "READ")


def test_unread_counts_are_exact_and_reading_up_to_marks_all_before(chat) -> None:
    cid = group(chat)["id"]
    ids = [send(chat, "alice", cid, f"m{n}")["id"] for n in range(5)]
    assert chat.conversations.get(who("bob"), cid)["unreadCount"] == 5
    assert chat.conversations.get(who("alice"), cid)["unreadCount"] == 0
    result = chat.receipts.mark_read(who("bob"), cid, ids[2])
    assert result == {"conversationId": cid, "lastReadMessageId": ids[2], "unreadCount": 2}
    assert chat.messages.get(who("alice"), ids[1])["readBy"].keys() == {"bob"}
    chat.receipts.mark_read(who("bob"), cid, ids[0])  # never backwards
    assert chat.conversations.get(who("bob"), cid)["unreadCount"] == 2
    chat.receipts.set_status(who("bob"), ids[3], "READ")
    assert chat.conversations.get(who("bob"), cid)["unreadCount"] == 1
    assert chat.receipts.mark_read(who("bob"), cid)["unreadCount"] == 0
    send(chat, "carol", cid, "x")
    assert chat.conversations.get(who("bob"), cid)["unreadCount"] == 1
    chat.conversations.add_participants(who("alice"), cid, ["dave"])
    assert chat.conversations.get(who("dave"), cid)["unreadCount"] == 0


def test_reactions_toggle_per_user(chat: ChatServices) -> None:
    cid = private(chat)["id"]
    mid = send(chat, "alice", cid)["id"]
    chat.messages.react(who("bob"), mid, "👍", add=True)
    view = chat.messages.react(who("bob"), mid, "👍", add=True)
    assert view["reactions"] == [{"userId": "bob", "emoji": "👍"}]
    assert chat.messages.react(who("bob"), mid, "👍", add=False)["reactions"] == []
    with pytest.raises(errors.InvalidEmojiError):
        chat.messages.react(who("bob"), mid, "xx", add=True)


def test_search_is_bounded_to_the_callers_conversations(chat: ChatServices) -> None:
    mine = private(chat)["id"]
    theirs = private(chat, "carol", "dave")["id"]
    send(chat, "alice", mine, "Réunion à 10h (salle A.B)")
    send(chat, "carol", theirs, "réunion secrète a.b")
    found = chat.messages.search(who("alice"), "a.b")
    assert [m["content"] for m in found["messages"]] == ["Réunion à 10h (salle A.B)"]
    assert chat.messages.search(who("alice"), "(salle")["count"] == 1  # regex escaped
    with pytest.raises(errors.ConversationNotFoundError):
        chat.messages.search(who("alice"), "réunion", conversation_id=theirs)
    with pytest.raises(errors.InvalidQueryError):
        chat.messages.search(who("alice"), " ")


def test_events_are_sent_only_after_the_write_is_stored(
    settings: Settings, fakes: dict[str, Any]
) -> None:
    seen: list[bool] = []
    stored = fakes["stores"].messages

    class CheckingNotifier:
        def notify(self, event: str, payload: Any, rooms: list[str]) -> None:
            if event == "newMessage":
                seen.append(stored.get(payload.message.id) is not None)

    chat = wire(build(settings, **{**fakes, "notifier": CheckingNotifier()}))
    send(chat, "alice", private(chat)["id"])
    assert seen == [True]


def test_search_results_carry_the_same_status_as_history(chat: ChatServices) -> None:
    cid = private(chat)["id"]
    mid = send(chat, "alice", cid, "zébulon unique")["id"]
    chat.receipts.set_status(who("bob"), mid, "READ")
    found = chat.messages.search(who("alice"), "zébulon")["messages"]
    assert [m["status"] for m in found] == ["READ"]
    assert chat.messages.get(who("alice"), mid)["status"] == "READ"


def test_a_stored_message_whose_numbering_failed_is_numbered_by_the_retry(
    chat: ChatServices,
) -> None:
    cid = private(chat)["id"]
    store = chat.adapters.stores.messages
    original = store.set_seq

    def failing(message_id: str, seq: int) -> None:
        raise RuntimeError("store down")

    store.set_seq = failing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        send(chat, "alice", cid, "retry me", temporary_id="t-9")
    store.set_seq = original  # type: ignore[method-assign]
    again = send(chat, "alice", cid, "retry me", temporary_id="t-9")
    assert store.get(again["id"]).seq > 0
    assert chat.conversations.get(who("bob"), cid)["unreadCount"] >= 1


def test_a_temporary_id_dedupes_within_its_window_only(settings, fakes) -> None:
    """#23 row 17: a resend within TEMPORARY_ID_WINDOW returns the stored message; the same
    temporaryId weeks later is a new message (and dedupes from then on)."""
    now = [datetime(2026, 3, 1, 12, 0, tzinfo=UTC)]
    chat = wire(build(replace(settings, temporary_id_window=3600.0), **fakes, clock=lambda: now[0]))
    cid = private(chat)["id"]
    first, created = chat.messages.send(
        who("alice"), conversation_id=cid, content="a", temporary_id="t"
    )
    assert created
    now[0] += timedelta(minutes=59)
    again, created = chat.messages.send(
        who("alice"), conversation_id=cid, content="b", temporary_id="t"
    )
    assert (again["id"], created) == (first["id"], False)
    now[0] += timedelta(days=30)
    later, created = chat.messages.send(
        who("alice"), conversation_id=cid, content="c", temporary_id="t"
    )
    assert created and later["id"] != first["id"] and later["content"] == "c"
    retry, created = chat.messages.send(
        who("alice"), conversation_id=cid, content="d", temporary_id="t"
    )
    assert (retry["id"], created) == (later["id"], False)
    assert [m["content"] for m in chat.messages.history(who("alice"), cid)["messages"]] in (
        ["a", "c"],
        ["c", "a"],
    )
