"""Where files meet the chat core: conversation membership for FileService, attachments for
messages (the core's AttachmentResolver port)."""

from __future__ import annotations

from typing import Any

from services.chat_file.conversations.application.ports import ConversationStore
from services.chat_file.files.application.files import FileService, describe
from services.chat_file.kernel.errors import InvalidIdError
from services.chat_file.kernel.ids import check_object_id


class StoreConversationAccess:
    """FileService's ConversationAccess port over the core's ConversationStore."""

    def __init__(self, conversations: ConversationStore) -> None:
        self._conversations = conversations

    def is_participant(self, conversation_id: str, user_id: str) -> bool:
        try:
            conversation = self._conversations.get(check_object_id(conversation_id))
        except InvalidIdError:
            return False
        return conversation is not None and conversation.is_participant(user_id)


class FileAttachments:
    """The core's AttachmentResolver: `resolve` checks (no write) while the message is validated;
    `link` makes the file readable in the conversation once the message is stored."""

    def __init__(self, files: FileService) -> None:
        self._files = files

    def resolve(self, file_id: str, user_id: str, conversation_id: str) -> dict[str, Any] | None:
        record = self._files.attachable(file_id, user_id, conversation_id)
        return describe(record) if record is not None else None

    def link(self, file_id: str, conversation_id: str) -> None:
        self._files.link(file_id, conversation_id)
