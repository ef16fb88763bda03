"""Issue 23 row 9: a broadcast's recipients read it. They cannot react, type or upload into
it (BROADCAST_READ_ONLY), they see its admins only in participant lists, and no one else's
receipts."""

from __future__ import annotations

import pytest

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.domain import errors
from services.chat_file.conversations.facade import Participation

from ..conftest import who
from .test_conversations import group


def broadcast(chat: ChatServices) -> dict:
    return group(chat, members=("bob", "carol"), kind="BROADCAST")


def test_recipients_see_the_admins_only(chat: ChatServices, fakes) -> None:
    view = broadcast(chat)
    assert view["participantIds"] == ["alice", "bob", "carol"]  # the admin sees everyone
    seen = chat.conversations.get(who("bob"), view["id"])
    assert seen["participantIds"] == ["alice"] and seen["participantCount"] == 1
    assert [p["userId"] for p in seen["participants"]] == ["alice"]
    listed = chat.conversations.list_for(who("carol"))["conversations"][0]
    assert listed["participantIds"] == ["alice"]
    created = [
        (p, rooms) for e, p, rooms in fakes["notifier"].events if e == "conversation:created"
    ]
    for payload, rooms in created:
        if "bob" in rooms:
            assert payload["participantIds"] == ["alice"] and "alice" not in rooms
    invited = [p for e, p, rooms in fakes["notifier"].events if e == "broadcast:invitation"]
    assert invited and all(
        [u["userId"] for u in p["broadcast"]["participants"]] == ["alice"] for p in invited
    )
    with_ids = chat.services.conversations_bundle.conversations.participant_ids(
        who("bob"), view["id"]
    )
    assert with_ids.ids == ["alice"]


def test_recipients_cannot_react_or_type(chat: ChatServices, fakes) -> None:
    cid = broadcast(chat)["id"]
    mid = chat.messages.send(who("alice"), conversation_id=cid, content="annonce")[0]["id"]
    with pytest.raises(errors.BroadcastReadOnlyError):
        chat.messages.react(who("bob"), mid, "👍", add=True)
    assert chat.messages.react(who("alice"), mid, "👍", add=True)["reactions"]
    participation = Participation(fakes["stores"].conversations)
    with pytest.raises(errors.BroadcastReadOnlyError):
        participation.typing_audience(who("bob"), cid)
    assert participation.typing_audience(who("alice"), cid) == ["alice", "bob", "carol"]
    assert not participation.may_post(cid, "bob") and participation.may_post(cid, "alice")


def test_recipients_see_no_one_elses_receipts(chat: ChatServices, fakes) -> None:
    cid = broadcast(chat)["id"]
    mid = chat.messages.send(who("alice"), conversation_id=cid, content="annonce")[0]["id"]
    chat.receipts.mark_read(who("carol"), cid)
    for event in ("conversation:read", "messageStatusChanged"):
        chat.receipts.set_status(
            who("carol"), mid, "READ"
        ) if event != "conversation:read" else None
        rooms = [r for e, _, r in fakes["notifier"].events if e == event]
        assert rooms and all("bob" not in r for r in rooms), event
    assert set(chat.messages.get(who("alice"), mid)["readBy"]) == {"carol"}
    assert chat.messages.get(who("bob"), mid)["readBy"] == {}
    page = chat.messages.history(who("bob"), cid)["messages"]
    assert page[0]["readBy"] == {} and page[0]["deliveredTo"] == {}
    chat.messages.edit(who("alice"), mid, "annonce corrigée")
    edits = [(p, r) for e, p, r in fakes["notifier"].events if e == "message:edited"]
    for payload, rooms in edits:
        expected = {} if "bob" in rooms else {"carol": payload["readBy"].get("carol")}
        assert payload["readBy"] == expected
    deleted = chat.messages.delete(who("alice"), mid, "everyone")
    assert deleted["messageId"] == mid
    gone = [(p, r) for e, p, r in fakes["notifier"].events if e == "message:deleted"]
    assert any("bob" in r and p["readBy"] == {} for p, r in gone)


def test_recipients_are_not_each_others_contacts(chat: ChatServices, fakes) -> None:
    broadcast(chat)
    contacts = Participation(fakes["stores"].conversations).contacts_of
    assert contacts("bob") == {"alice", "bob"}  # the admin, and the user as every circle has
    assert {"bob", "carol"} <= contacts("alice")
