"""Issue 23 row 15 (contacts): a private conversation makes its two people contacts (they see
each other's presence) only once both have written in it; groups and broadcasts as before."""

from __future__ import annotations

from services.chat_file.bootstrap import ChatServices
from services.chat_file.conversations.facade import Participation

from ..conftest import who
from .test_conversations import group, private


def test_a_private_conversation_makes_contacts_once_both_have_written(
    chat: ChatServices, fakes
) -> None:
    contacts = Participation(fakes["stores"].conversations).contacts_of
    cid = private(chat)["id"]  # opened with anyone: nothing yet
    assert "bob" not in contacts("alice") and "alice" not in contacts("bob")
    chat.messages.send(who("alice"), conversation_id=cid, content="allô ?")
    chat.messages.send(who("alice"), conversation_id=cid, content="allô ??")
    assert "bob" not in contacts("alice") and "alice" not in contacts("bob")  # one side only
    chat.messages.send(who("bob"), conversation_id=cid, content="oui")
    assert "bob" in contacts("alice") and "alice" in contacts("bob")


def test_groups_make_contacts_at_once(chat: ChatServices, fakes) -> None:
    group(chat, members=("carol",))
    assert "carol" in Participation(fakes["stores"].conversations).contacts_of("alice")
