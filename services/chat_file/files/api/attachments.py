"""`FileAttachments`: files as message attachments (the conversations context's
`AttachmentResolver` port, implemented here and handed over by the composition root)."""

from __future__ import annotations

from typing import Any

from services.chat_file.files.api.views import describe
from services.chat_file.files.application.files import FileService


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

    def unlink(self, file_id: str, conversation_id: str) -> None:
        self._files.unlink(file_id, conversation_id)
