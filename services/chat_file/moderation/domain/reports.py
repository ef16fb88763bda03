"""Reports of messages: why a participant reported one, the message as it was then (a snapshot
that outlives a later edit or delete), and how a moderator closed it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from services.chat_file.kernel.errors import ChatError

REASONS = ("spam", "harassment", "hate", "violence", "sexual", "personal_data", "other")
MAX_COMMENT = 1000  # characters of a reporter's comment
MAX_NOTE = 1000  # characters of a moderator's closing note


class ReportStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # a moderator acted on it
    DISMISSED = "dismissed"  # a moderator found nothing to act on


@dataclass(frozen=True)
class MessageSnapshot:
    """The reported message as the reporter saw it."""

    sender_id: str
    content: str
    type: str
    created_at: datetime
    file_id: str | None = None
    edited: bool = False

    def to_doc(self) -> dict[str, Any]:
        return {
            "senderId": self.sender_id,
            "content": self.content,
            "type": self.type,
            "createdAt": self.created_at,
            "fileId": self.file_id,
            "edited": self.edited,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> MessageSnapshot:
        return cls(
            sender_id=doc["senderId"],
            content=doc["content"],
            type=doc["type"],
            created_at=doc["createdAt"],
            file_id=doc.get("fileId"),
            edited=bool(doc.get("edited")),
        )


@dataclass
class Report:
    message_id: str
    conversation_id: str
    reporter_id: str
    reason: str
    comment: str
    snapshot: MessageSnapshot
    created_at: datetime
    id: str = ""
    status: ReportStatus = ReportStatus.OPEN
    closed_by: str | None = None
    closed_at: datetime | None = None
    note: str = ""

    def check_open(self) -> None:
        if self.status is not ReportStatus.OPEN:
            raise ReportClosedError()


@dataclass(frozen=True)
class ReportFilter:
    """What `GET /moderation/reports` narrows to (None: any)."""

    status: ReportStatus | None = None
    reason: str | None = None
    conversation_id: str | None = None
    reporter_id: str | None = None
    sender_id: str | None = None


class ReportedMessageNotFoundError(ChatError):
    code = "MESSAGE_NOT_FOUND"  # the same answer as the conversations context's
    message = "Message introuvable"


class AlreadyReportedError(ChatError):
    code = "ALREADY_REPORTED"
    message = "Vous avez déjà signalé ce message"


class ReportNotFoundError(ChatError):
    code = "REPORT_NOT_FOUND"
    message = "Signalement introuvable"


class ReportClosedError(ChatError):
    code = "REPORT_CLOSED"
    message = "Ce signalement est déjà traité"
