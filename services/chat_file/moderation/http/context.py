"""What the moderation routes read: the context's use cases."""

from __future__ import annotations

from services.chat_file.http.context import provided
from services.chat_file.moderation.application.bundle import ModerationServices


def moderation() -> ModerationServices:
    return provided(ModerationServices)
