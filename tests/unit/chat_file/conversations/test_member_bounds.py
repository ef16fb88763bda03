"""Issue 23 row 6 and issue 24 item 5: members are capped, checked against auth_user in one
batch lookup (unknown ones listed in USER_NOT_FOUND), matricules resolved to ids, and the
participant ids of a view paged past 200."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from services.chat_file.bootstrap import build
from services.chat_file.conversations.domain import errors
from services.chat_file.settings import Settings
from tests.support.wire import wire

from ..conftest import who
from ..fakes import bearer, profile
from .test_conversations import group


def test_unknown_members_are_listed_and_nothing_is_created(chat, fakes) -> None:
    before = len(fakes["notifier"].events)
    with pytest.raises(errors.UserNotFoundError) as refused:
        group(chat, members=("bob", "ghost1", "carol", "ghost2"))
    assert refused.value.details["errors"] == {"members": ["ghost1", "ghost2"]}
    assert len(fakes["notifier"].events) == before
    assert fakes["stores"].conversations.list_for("bob", 0, 10)[1] == 0


def test_matricules_are_resolved_to_ids(chat, fakes) -> None:
    view = group(chat, members=("MAT-bob", "carol", "MAT-carol"), kind="BROADCAST")
    assert view["participantIds"] == ["alice", "bob", "carol"]
    created = chat.conversations.create(
        who("alice"), "BROADCAST", name="Infos", members=["MAT-bob"], admins=["MAT-bob"]
    )[0]
    assert created["admins"] == ["alice", "bob"]
    private = chat.conversations.create(who("alice"), "PRIVATE", participant_id="MAT-dave")[0]
    assert private["participantIds"] == ["alice", "dave"]
    with pytest.raises(errors.SelfConversationError):
        chat.conversations.create(who("alice"), "PRIVATE", participant_id="MAT-alice")


def test_the_members_are_looked_up_in_one_batch(chat, fakes) -> None:
    source = fakes["auth_client"]
    calls = len(source.calls)
    group(chat, members=("bob", "carol", "dave"))
    assert source.calls[calls] == ["bob", "carol", "dave"]  # the members: one batch
    assert not any(c in source.calls[calls + 1 :] for c in (["bob"], ["carol"], ["dave"]))


def test_past_the_cap_nothing_is_looked_up(settings: Settings, fakes) -> None:
    chat = wire(build(replace(settings, max_group_members=3), **fakes))
    source = fakes["auth_client"]
    calls = len(source.calls)
    with pytest.raises(errors.TooManyMembersError):
        group(chat, members=("bob", "carol", "dave"))  # 4 with the creator
    assert len(source.calls) == calls
    cid = group(chat, members=("bob", "carol"))["id"]
    with pytest.raises(errors.TooManyMembersError):
        chat.services.conversations_bundle.membership.add_participants(who("alice"), cid, ["dave"])
    with pytest.raises(errors.TooManyMembersError):
        chat.services.conversations_bundle.membership.add_members(who("alice"), cid, ["dave"])


def test_auth_user_down_refuses_the_group_rather_than_trusting_the_ids(chat, fakes) -> None:
    fakes["auth_client"].failing = True
    with pytest.raises(errors.DirectoryUnavailableError):
        group(chat, members=("someone", "else"))


def test_partial_adds_report_unknown_ids_and_resolve_matricules(chat, fakes) -> None:
    cid = group(chat, members=("bob",))["id"]
    added = chat.services.conversations_bundle.membership.add_members(
        who("alice"), cid, ["MAT-carol", "ghost", "bob", "b.o"]
    )
    assert added.user_ids == ["carol"]
    assert [(raw, e.code) for raw, e in added.failed] == [
        ("ghost", "USER_NOT_FOUND"),
        ("bob", "ALREADY_PARTICIPANT"),
        ("b.o", "INVALID_ID"),
    ]
    with pytest.raises(errors.UserNotFoundError):
        chat.services.conversations_bundle.membership.add_participants(who("alice"), cid, ["ghost"])


@pytest.fixture
def crowd(fakes) -> list[str]:
    ids = [f"user{n:04d}" for n in range(260)]
    fakes["auth_client"].users.update({u: profile(u) for u in ids})
    return ids


def test_participant_ids_are_paged_past_200(chat, client, crowd: list[str]) -> None:
    view = group(chat, members=crowd)
    assert len(view["participantIds"]) == 200 and view["participantCount"] == 261
    url = f"/conversations/{view['id']}/participants"
    first = client.get(f"{url}?offset=200&limit=50", headers=bearer("user0000")).get_json()
    page: dict[str, Any] = first["data"]
    assert page["participantIds"] == crowd[199:249] and page["nextOffset"] == 250
    assert page["hasMore"] and page["total"] == 261
    last = client.get(f"{url}?offset=250", headers=bearer("user0000")).get_json()["data"]
    assert last["participantIds"] == crowd[249:] and not last["hasMore"]
    bad = client.get(f"{url}?offset=-1", headers=bearer("user0000"))
    assert bad.status_code == 400 and bad.get_json()["code"] == "INVALID_PAGINATION"
    outsider = client.get(url, headers=bearer("bob"))
    assert outsider.status_code == 404
