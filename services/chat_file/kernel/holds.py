"""The `LegalHolds` port: what a compliance officer put under legal hold (an agent, or a
conversation). Retention skips held data; deleting a held message for everyone still hides it
from participants, but its content and edit history are kept first. The moderation context's
stores answer; conversations (deletes) and retention ask."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol


class LegalHolds(Protocol):
    def is_held(self, conversation_id: str, sender_id: str) -> bool:
        """True when the conversation or the message's author is under an active hold."""
        ...

    def keep(
        self,
        message_id: str,
        conversation_id: str,
        sender_id: str,
        content: str,
        edit_history: list[dict[str, Any]],
        at: datetime,
    ) -> None:
        """Stores a held message's content and edit history before it is blanked."""
        ...
