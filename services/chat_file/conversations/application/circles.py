"""Who a user meets, cached: `CircleCache` (the port) and `CachedCircles`, the conversation
store as the use cases see it once a cache is wired.

A socket connect needs the user's conversations (its rooms) and contacts (who hears of its
presence); a disconnect and the idle sweep need the contacts again. `CachedCircles.circle_of`
answers from the cache, and on a miss asks the store (one query) and keeps the answer. Every
change of membership goes through this same store (a conversation created, participants added
or removed), so `CachedCircles` forgets the circle of everyone concerned right after the write.
The cache is best effort: when it fails the store answers, and an entry a failed `forget` left
behind expires after the cache's TTL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from services.chat_file.conversations.application.ports import ConversationStore
from services.chat_file.conversations.domain.model import Circle, Conversation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CacheRead:
    """A cached circle, or None and the version of what the cache holds instead: `put` writes
    the store's answer only while the cache still holds that version (no forget since)."""

    circle: Circle | None
    version: str = ""


class CircleCache(Protocol):
    def get(self, user_id: str) -> CacheRead: ...

    def put(self, user_id: str, circle: Circle, version: str) -> None: ...

    def forget(self, user_ids: Iterable[str]) -> None: ...


class CachedCircles:
    """A `ConversationStore`: `circle_of` through the cache, membership writes forget it."""

    def __init__(self, store: ConversationStore, cache: CircleCache) -> None:
        self._store = store
        self._cache = cache

    def circle_of(self, user_id: str) -> Circle:
        try:
            cached = self._cache.get(user_id)
        except Exception as exc:  # one line per connect during an outage, no traceback
            logger.warning("circle cache unreadable, asking the store: %s", exc)
            return self._store.circle_of(user_id)
        if cached.circle is not None:
            return cached.circle
        circle = self._store.circle_of(user_id)
        try:
            self._cache.put(user_id, circle, cached.version)
        except Exception as exc:
            logger.warning("circle cache not written: %s", exc)
        return circle

    def forget(self, user_ids: Iterable[str]) -> None:
        """Drop these users' circles (a write outside this store changed who they see)."""
        self._forget(user_ids)

    def _forget(self, user_ids: Iterable[str]) -> None:
        try:
            self._cache.forget(user_ids)
        except Exception as exc:  # the entries expire with their TTL
            logger.warning("circle cache not invalidated (stale up to its TTL): %s", exc)

    # Membership writes: the store first, then the circles of everyone concerned.
    def create(self, conversation: Conversation, key: str | None = None) -> Conversation:
        created = self._store.create(conversation, key)
        self._forget(created.participants)
        return created

    def get_or_create_private(self, a: str, b: str, now: datetime) -> tuple[Conversation, bool]:
        conversation, created = self._store.get_or_create_private(a, b, now)
        if created:
            self._forget([a, b])
        return conversation, created

    def add_participants(
        self, conversation_id: str, user_ids: list[str], admins: list[str]
    ) -> Conversation | None:
        updated = self._store.add_participants(conversation_id, user_ids, admins)
        if updated is not None:
            self._forget([*updated.participants, *user_ids])
        return updated

    def remove_participant(self, conversation_id: str, user_id: str) -> Conversation | None:
        updated = self._store.remove_participant(conversation_id, user_id)
        if updated is not None:
            self._forget([*updated.participants, user_id])
        return updated

    # Everything else is the store's own.
    def get(self, conversation_id: str) -> Conversation | None:
        return self._store.get(conversation_id)

    def get_many(self, conversation_ids: list[str]) -> dict[str, Conversation]:
        return self._store.get_many(conversation_ids)

    def list_for(self, user_id: str, skip: int, limit: int) -> tuple[list[Conversation], int]:
        return self._store.list_for(user_id, skip, limit)

    def unread_totals(self, user_id: str) -> tuple[int, int]:
        return self._store.unread_totals(user_id)

    def ids_for(self, user_id: str) -> list[str]:
        return self._store.ids_for(user_id)

    def next_seq(self, conversation_id: str, summary: dict[str, Any], at: datetime) -> int:
        return self._store.next_seq(conversation_id, summary, at)

    def mark_read(
        self, conversation_id: str, user_id: str, seq: int, message_id: str, at: datetime
    ) -> bool:
        return self._store.mark_read(conversation_id, user_id, seq, message_id, at)

    def mark_delivered(self, conversation_id: str, user_id: str, seq: int, at: datetime) -> bool:
        return self._store.mark_delivered(conversation_id, user_id, seq, at)

    def ping(self) -> bool:
        return self._store.ping()
