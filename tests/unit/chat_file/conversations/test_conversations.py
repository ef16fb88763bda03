"""ConversationService with fakes (mongomock store, fake directory ports, recording notifier)."""

from __future__ import annotations

import pytest

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.domain import errors

from ..conftest import who


def private(chat: ChatServices, a: str = "alice", b: str = "bob") -> dict:
    return chat.conversations.create(who(a), "PRIVATE", participant_id=b)[0]


def group(chat: ChatServices, members=("bob", "carol"), kind: str = "GROUP", **kw) -> dict:
    return chat.conversations.create(
        who("alice"), kind, name="Équipe", members=list(members), **kw
    )[0]


def test_private_is_one_per_pair_whatever_the_order(chat: ChatServices) -> None:
    first, created = chat.conversations.create(who("alice"), "PRIVATE", participant_id="bob")
    again, created_again = chat.conversations.create(who("bob"), "private", participant_id="alice")
    assert created and not created_again
    assert first["id"] == again["id"]
    assert {p["name"] for p in first["participants"]} == {"Alice Mbarga", "Bob Ngono"}


def test_private_with_oneself_or_unknown_user_is_refused(chat: ChatServices) -> None:
    with pytest.raises(errors.SelfConversationError):
        private(chat, "alice", "alice")
    with pytest.raises(errors.UserNotFoundError):
        private(chat, "alice", "nobody")
    with pytest.raises(errors.InvalidConversationTypeError):
        chat.conversations.create(who("alice"), "CHANNEL")


def test_group_needs_a_name_and_members(chat: ChatServices) -> None:
    with pytest.raises(errors.InvalidNameError):
        chat.conversations.create(who("alice"), "GROUP", name=" ", members=["bob"])
    with pytest.raises(errors.MembersRequiredError):
        chat.conversations.create(who("alice"), "GROUP", name="x", members=["alice"])
    with pytest.raises(errors.InvalidIdError):
        chat.conversations.create(who("alice"), "GROUP", name="x", members=["b.o"])
    view = group(chat)
    assert view["admins"] == ["alice"] and view["participantIds"] == ["alice", "bob", "carol"]


def test_creation_is_announced_to_every_member(chat: ChatServices, fakes) -> None:
    view = group(chat)
    event, payload, rooms = fakes["notifier"].events[-2]
    assert event == "conversation:created" and payload["id"] == view["id"]
    assert {"alice", "bob", "carol"} <= set(rooms)


def test_admin_adds_and_removes_members_others_cannot(chat: ChatServices) -> None:
    cid = group(chat)["id"]
    with pytest.raises(errors.NotAdminError):
        chat.conversations.add_participants(who("bob"), cid, ["dave"])
    view = chat.conversations.add_participants(who("alice"), cid, ["dave"])
    assert "dave" in view["participantIds"]
    view = chat.conversations.remove_participant(who("alice"), cid, "carol")
    assert "carol" not in view["participantIds"]
    with pytest.raises(errors.ConversationNotFoundError):
        chat.conversations.get(who("carol"), cid)
    with pytest.raises(errors.NotAGroupError):
        chat.conversations.add_participants(who("alice"), private(chat)["id"], ["dave"])


def test_last_admin_hands_over_before_leaving(chat: ChatServices) -> None:
    cid = group(chat)["id"]
    chat.conversations.leave(who("carol"), cid)
    with pytest.raises(errors.LastAdminError):
        chat.conversations.leave(who("alice"), cid)
    chat.conversations.add_participants(who("alice"), cid, ["bob"], role="admin")
    assert chat.conversations.leave(who("alice"), cid)["left"]
    assert chat.conversations.get(who("bob"), cid)["admins"] == ["bob"]


def test_non_participant_and_missing_look_the_same(chat: ChatServices) -> None:
    cid = private(chat)["id"]
    with pytest.raises(errors.ConversationNotFoundError):
        chat.conversations.get(who("carol"), cid)
    with pytest.raises(errors.ConversationNotFoundError):
        chat.conversations.get(who("alice"), "0" * 24)
    with pytest.raises(errors.InvalidIdError):
        chat.conversations.get(who("alice"), "nope")


def test_list_has_last_message_unread_counts_and_pagination(chat: ChatServices) -> None:
    first = private(chat)["id"]
    second = private(chat, "alice", "carol")["id"]
    chat.messages.send(who("bob"), conversation_id=first, content="un")
    chat.messages.send(who("bob"), conversation_id=first, content="deux")
    chat.messages.send(who("carol"), conversation_id=second, content="trois")
    page = chat.conversations.list_for(who("alice"), page="1", limit="1")
    today = {"page": 1, "limit": 1, "total": 2, "pages": 2, "hasMore": True}
    assert {k: page["pagination"][k] for k in today} == today  # the old keys beside them
    latest = page["conversations"][0]
    assert latest["id"] == second and latest["lastMessage"]["senderName"] == "Carol Fotso"
    assert page["totalUnreadMessages"] == 3 and page["unreadConversations"] == 2
    rest = chat.conversations.list_for(who("alice"), page="2", limit="1")["conversations"]
    assert rest[0]["unreadCount"] == 2 and rest[0]["lastMessage"]["content"] == "deux"
    with pytest.raises(errors.InvalidPaginationError):
        chat.conversations.list_for(who("alice"), limit="500")


def test_list_resolves_all_display_data_in_one_cache_read(chat: ChatServices, fakes) -> None:
    for other in ("bob", "carol", "dave"):
        private(chat, "alice", other)
    fakes["cache"].reads = 0
    chat.conversations.list_for(who("alice"))
    assert fakes["cache"].reads == 1
