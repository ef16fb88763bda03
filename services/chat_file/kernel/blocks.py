"""The `BlockList` port: who blocked whom (`POST /users/<id>/block`, the moderation context).
Conversations (opening and writing to a private conversation), the facade realtime reads
(presence, typing) and the push fan-out ask it; the moderation context's store answers."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol


class BlockList(Protocol):
    def has_blocked(self, blocker_id: str, blocked_id: str) -> bool: ...

    def blockers_of(self, user_id: str, among: Collection[str]) -> set[str]:
        """Those of `among` who blocked `user_id` (one query)."""
        ...

    def blocked_either_way(self, user_id: str, among: Collection[str]) -> set[str]:
        """Those of `among` who blocked `user_id` or whom `user_id` blocked (one query)."""
        ...
