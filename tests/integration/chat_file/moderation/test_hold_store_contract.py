"""The storage contract of legal holds (HoldStore, the kernel's LegalHolds) and of the purge's
`kept_senders`, on every backend (the `stores` fixture)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from services.chat_file.moderation.domain.holds import LegalHold
from services.chat_file.storage.stores import ChatStores

from .test_purge_contract import CUT, OLD, group, post, users

AT = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def oid() -> str:
    return uuid.uuid4().hex[:24]


def test_holds_are_active_until_released_once(stores: ChatStores) -> None:
    chat, agent = oid(), f"h{uuid.uuid4().hex[:8]}"
    on_chat = stores.holds.add(LegalHold("conversation", chat, "enquête", "cora", AT))
    on_agent = stores.holds.add(LegalHold("user", agent, "", "cora", AT))
    assert len(on_chat.id) == 24 and stores.holds.get(on_chat.id) == on_chat
    assert stores.holds.is_held(chat, "anyone") and stores.holds.is_held(oid(), agent)
    assert not stores.holds.is_held(oid(), "anyone")
    assert not stores.holds.is_held(agent, chat)  # kinds are not mixed up
    active = [h.id for h in stores.holds.active()]
    assert on_chat.id in active and on_agent.id in active
    later = AT + timedelta(days=1)
    released = stores.holds.release(on_chat.id, "cora2", later)
    assert released is not None and (released.released_by, released.released_at) == ("cora2", later)
    assert stores.holds.release(on_chat.id, "cora3", later) is None
    assert stores.holds.release(oid(), "cora", later) is None
    assert not stores.holds.is_held(chat, "anyone")
    assert on_chat.id not in [h.id for h in stores.holds.active()]
    assert stores.holds.get(oid()) is None


def test_kept_copies_keep_the_first_version(stores: ChatStores) -> None:
    mid, chat = oid(), oid()
    history = [{"content": "v1", "editedAt": AT}]
    stores.holds.keep(mid, chat, "alice", "v2", history, AT)
    stores.holds.keep(mid, chat, "alice", "", [], AT + timedelta(hours=1))  # kept already
    kept = stores.holds.kept(mid)
    assert kept is not None
    assert (kept["conversationId"], kept["senderId"], kept["content"]) == (chat, "alice", "v2")
    assert kept["editHistory"] == history and kept["keptAt"] == AT
    assert stores.holds.kept(oid()) is None


def test_the_purge_never_chooses_a_kept_senders_message(stores: ChatStores) -> None:
    a, b, _ = users()
    g = group(stores, [a, b])
    mine = post(stores, g.id, a, OLD, "a")
    theirs = post(stores, g.id, b, OLD + timedelta(minutes=1), "b")
    done = stores.purge.purge(CUT, 10, conversation_id=g.id, kept_senders=[b])
    assert done.messages == 1
    assert stores.messages.get(mine.id) is None and stores.messages.get(theirs.id) is not None
    # leave no old message in the session's shared databases (the global purge test counts)
    assert stores.purge.purge(CUT, 10, conversation_id=g.id).messages == 1
