"""The `Suspensions` port: agents a moderator suspended (they read, they do not write). Every
write of `ChatCommands` asks it first; the moderation context's Redis adapter answers."""

from __future__ import annotations

from typing import Protocol


class Suspensions(Protocol):
    def is_suspended(self, user_id: str) -> bool: ...
