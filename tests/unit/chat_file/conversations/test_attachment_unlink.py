"""Issue 23 row 10: deleting a message for everyone unlinks its attachment from the
conversation, unless another live message there still carries it."""

from __future__ import annotations

from services.chat_file.bootstrap import ChatServices

from ..conftest import who
from .test_conversations import private


def test_delete_for_everyone_unlinks_an_attachment_no_live_message_uses(
    chat: ChatServices, fakes
) -> None:
    cid = private(chat)["id"]
    fakes["attachments"].files["f1"] = {"id": "f1", "name": "a.pdf", "uploadedBy": None}
    first = chat.messages.send(who("alice"), conversation_id=cid, type="FILE", file_id="f1")[0]
    again = chat.messages.send(who("bob"), conversation_id=cid, type="FILE", file_id="f1")[0]
    chat.messages.delete(who("alice"), first["id"], "everyone")
    assert fakes["attachments"].unlinked == []  # bob's message still carries it
    chat.messages.delete(who("alice"), again["id"], "me")
    assert fakes["attachments"].unlinked == []  # hidden for alice only: still live
    chat.messages.delete(who("bob"), again["id"], "everyone")
    assert fakes["attachments"].unlinked == [("f1", cid)]
