"""What the push routes read: the context's use cases and settings."""

from __future__ import annotations

from services.chat_file.http.context import provided
from services.chat_file.push.application.bundle import PushServices


def push() -> PushServices:
    return provided(PushServices)
