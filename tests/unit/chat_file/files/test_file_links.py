"""Files meet the chat core: membership from the conversation store, message attachments."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest

from services.chat_file.conversations.application.ports import ConversationStore
from services.chat_file.conversations.domain.model import Conversation, ConversationType
from services.chat_file.conversations.facade import Participation
from services.chat_file.files.api.attachments import FileAttachments
from services.chat_file.files.application.files import FileService
from services.chat_file.files.domain.model import StoredFileNotFoundError

from . import samples
from .fakes import FakeFileStorage, FakeFileStore, FakeThumbnailer

ALICE, BOB, EVE = "a" * 24, "b" * 24, "e" * 24
CONV = "c" * 24
NOW = datetime(2026, 11, 27, tzinfo=UTC)


class OneConversationStore:
    """Only `get` of the ConversationStore port is used here."""

    def __init__(self, conversation: Conversation) -> None:
        self.conversation = conversation
        self.asked: list[str] = []

    def get(self, conversation_id: str) -> Conversation | None:
        self.asked.append(conversation_id)
        return self.conversation if conversation_id == self.conversation.id else None


def conversation_store() -> OneConversationStore:
    return OneConversationStore(
        Conversation(CONV, ConversationType.PRIVATE, [ALICE, BOB], [], ALICE, NOW, NOW)
    )


def test_membership_comes_from_the_conversation_store() -> None:
    store = conversation_store()
    access = Participation(cast(ConversationStore, store))
    assert access.is_participant(CONV, BOB) is True
    assert access.is_participant(CONV, EVE) is False
    assert access.is_participant("d" * 24, ALICE) is False
    assert access.is_participant("../x", ALICE) is False  # never reaches the store
    assert store.asked == [CONV, CONV, "d" * 24]


def test_attachment_resolves_to_file_metadata_and_opens_it_to_the_conversation() -> None:
    access = Participation(cast(ConversationStore, conversation_store()))
    files = FileService(
        store=FakeFileStore(),
        storage=FakeFileStorage(),
        thumbnailer=FakeThumbnailer(),
        conversations=access,
        max_upload_bytes=1_000_000,
    )
    record = files.upload(ALICE, "photo.png", [samples.png()])
    attachments = FileAttachments(files)
    assert attachments.resolve(record.id, EVE, CONV) is None
    resolved: dict[str, Any] | None = attachments.resolve(record.id, ALICE, CONV)
    assert resolved is not None
    assert resolved["id"] == record.id and resolved["mimeType"] == "image/png"
    assert resolved["thumbnailUrl"] == f"/files/{record.id}/thumbnail?size=medium"
    assert resolved["conversationId"] == CONV
    with pytest.raises(StoredFileNotFoundError):  # resolving writes nothing
        files.get(BOB, record.id)
    attachments.link(record.id, CONV)  # the message is stored: now it is readable there
    assert files.get(BOB, record.id).id == record.id
