"""The old clients' shapes the services produce (issue 14): invitations, batch membership
changes, edit/delete events, pagination metadata."""

from __future__ import annotations

import pytest

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.api.aliases import page_metadata
from services.chat_file.conversations.domain import errors

from ..conftest import who
from .test_conversations import group, private
from .test_messages import send


def last(fakes, name: str) -> tuple[dict, list[str]]:
    event = [e for e in fakes["notifier"].events if e[0] == name][-1]
    return event[1], event[2]


def test_group_members_but_the_creator_get_an_invitation(chat: ChatServices, fakes) -> None:
    view = group(chat)
    payload, rooms = last(fakes, "group:invitation")
    assert rooms == ["bob", "carol"]
    assert payload["invitedBy"] == {"userId": "alice", "matricule": "MAT-alice"}
    assert payload["group"]["id"] == view["id"] and payload["group"]["participantCount"] == 3
    assert set(payload["group"]) == {
        "id", "_id", "name", "type", "participants", "createdBy", "createdAt",
        "participantCount",
    }  # fmt: skip
    group(chat, kind="BROADCAST")
    payload, _ = last(fakes, "broadcast:invitation")
    assert payload["broadcast"]["type"] == "BROADCAST"


def test_add_members_adds_the_new_and_reports_the_others(chat: ChatServices, fakes) -> None:
    cid = group(chat)["id"]
    result = chat.conversations.add_members(who("alice"), cid, ["dave", "bob", "b.o"])
    assert result["participantIds"] == ["dave"] and result["addedBy"] == "alice"
    assert [(f["userId"], f["code"]) for f in result["failed"]] == [
        ("bob", "ALREADY_PARTICIPANT"),
        ("b.o", "INVALID_ID"),
    ]
    for name in ("participant:added", "participants:added"):
        payload, rooms = last(fakes, name)
        assert payload["userIds"] == ["dave"] and "dave" in rooms
    with pytest.raises(errors.AlreadyParticipantError):
        chat.conversations.add_members(who("alice"), cid, ["dave"])
    with pytest.raises(errors.NotAdminError):
        chat.conversations.add_members(who("bob"), cid, ["carol"])


def test_remove_members_removes_what_it_may(chat: ChatServices, fakes) -> None:
    cid = group(chat)["id"]
    result = chat.conversations.remove_members(who("alice"), cid, ["bob", "dave"])
    assert result["participantIds"] == ["bob"] and result["removedBy"] == "alice"
    assert result["failed"][0]["code"] == "NOT_PARTICIPANT"
    assert result["remainingParticipants"] == 2
    payload, rooms = last(fakes, "participant:removed")
    assert payload["userIds"] == ["bob"] and payload["by"] == "alice" and "bob" in rooms


def test_leave_answers_the_remaining_count(chat: ChatServices) -> None:
    cid = group(chat)["id"]
    left = chat.conversations.leave(who("bob"), cid)
    assert (left["left"], left["userId"], left["remainingParticipants"]) == (True, "bob", 2)


def test_edit_event_carries_the_old_fields_beside_the_message(chat: ChatServices, fakes) -> None:
    cid = private(chat)["id"]
    mid = send(chat, "alice", cid, "v1")["id"]
    chat.messages.edit(who("alice"), mid, "v2")
    payload, rooms = last(fakes, "message:edited")
    assert payload["content"] == payload["newContent"] == "v2"
    assert (payload["editedBy"], payload["editedByMatricule"]) == ("alice", "MAT-alice")
    assert payload["editedAt"] and payload["senderName"] == "Alice Mbarga"
    assert set(rooms) == {"alice", "bob"}


def test_delete_for_me_reaches_only_the_callers_devices(chat: ChatServices, fakes) -> None:
    cid = private(chat)["id"]
    mid = send(chat, "alice", cid)["id"]
    result = chat.messages.delete(who("bob"), mid, "me")
    payload, rooms = last(fakes, "message:deleted")
    assert rooms == ["bob"] and payload == {**result, "success": True}
    assert (payload["deleteType"], payload["success"]) == ("me", True) and payload["deletedAt"]
    mine = send(chat, "alice", cid)["id"]
    chat.messages.delete(who("alice"), mine, "everyone")
    payload, rooms = last(fakes, "message:deleted")
    assert set(rooms) == {"alice", "bob"}
    assert (payload["deleteType"], payload["deleted"], payload["content"]) == ("everyone", True, "")


@pytest.mark.parametrize(
    ("page", "limit", "total", "expected"),
    [
        (1, 10, 25, (3, True, False, 2, None, 0)),
        (3, 10, 25, (3, False, True, None, 2, 20)),
        (1, 20, 0, (0, False, False, None, None, 0)),
    ],
)
def test_page_metadata(page: int, limit: int, total: int, expected: tuple) -> None:
    meta = page_metadata(page, limit, total)
    keys = ("totalPages", "hasNext", "hasPrevious", "nextPage", "previousPage", "offset")
    assert tuple(meta[k] for k in keys) == expected
    assert (meta["currentPage"], meta["totalCount"], meta["limit"]) == (page, total, limit)


def test_list_gives_metadata_pagination_beside_pagination(chat: ChatServices) -> None:
    for other in ("bob", "carol", "dave"):
        private(chat, "alice", other)
    listed = chat.conversations.list_for(who("alice"), 2, 2)
    assert listed["pagination"]["total"] == 3
    assert listed["metadata"]["pagination"]["previousPage"] == 1
    assert listed["metadata"]["pagination"]["hasNext"] is False
