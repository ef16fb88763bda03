"""Legal holds: a compliance officer keeps an agent's or a conversation's messages from
retention and keeps the content of the held messages deleted for everyone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.chat_file.kernel.errors import ChatError

HOLD_KINDS = ("user", "conversation")
MAX_REASON = 500


@dataclass(frozen=True)
class LegalHold:
    kind: str  # user | conversation
    target_id: str
    reason: str
    created_by: str
    created_at: datetime
    id: str = ""
    released_by: str | None = None
    released_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.released_at is None


class HoldNotFoundError(ChatError):
    code = "HOLD_NOT_FOUND"
    message = "Conservation légale introuvable"


class HoldReleasedError(ChatError):
    code = "HOLD_RELEASED"
    message = "Cette conservation légale est déjà levée"
