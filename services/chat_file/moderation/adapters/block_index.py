"""`RedisBlockIndex`: who is blocked either way with whom, as one Redis set per agent, so the
presence path (a socket connect, the circle of contacts) reads it without a database query.

The database stays the truth: writes and pushes ask it (`has_blocked`, `blockers_of`). The
index is written through by `BlockService` on every block and unblock, and rebuilt from the
database whenever its marker key is missing (a fresh Redis, a restart that lost the data): at
`warm()` (the composition root calls it) or at the first read that finds no marker. A Redis
failure falls back to the database for that read."""

from __future__ import annotations

import logging
from collections.abc import Collection

import redis

from services.chat_file.moderation.application.ports import BlockStore

logger = logging.getLogger(__name__)


class RedisBlockIndex:
    def __init__(self, client: redis.Redis, store: BlockStore, prefix: str = "") -> None:
        self._client = client
        self._store = store
        self._prefix = f"{prefix}moderation:blocks:"
        self._marker = f"{self._prefix}indexed"

    def warm(self) -> None:
        """Fill the index from the database unless it is there already (best effort)."""
        try:
            if not self._client.exists(self._marker):
                self._rebuild()
        except redis.RedisError as exc:
            logger.warning("block index not warmed (reads fall back to the database): %s", exc)

    def added(self, blocker_id: str, blocked_id: str) -> None:
        try:
            pipe = self._client.pipeline(transaction=False)
            pipe.sadd(self._key(blocker_id), blocked_id)
            pipe.sadd(self._key(blocked_id), blocker_id)
            pipe.execute()
        except redis.RedisError as exc:
            logger.warning("block index not updated: %s", exc)
            self._forget()

    def removed(self, blocker_id: str, blocked_id: str) -> None:
        if self._store.has_blocked(blocked_id, blocker_id):  # still blocked the other way
            return
        try:
            pipe = self._client.pipeline(transaction=False)
            pipe.srem(self._key(blocker_id), blocked_id)
            pipe.srem(self._key(blocked_id), blocker_id)
            pipe.execute()
        except redis.RedisError as exc:
            logger.warning("block index not updated: %s", exc)
            self._forget()

    def has_blocked(self, blocker_id: str, blocked_id: str) -> bool:
        return self._store.has_blocked(blocker_id, blocked_id)

    def blockers_of(self, user_id: str, among: Collection[str]) -> set[str]:
        return self._store.blockers_of(user_id, among)

    def blocked_either_way(self, user_id: str, among: Collection[str]) -> set[str]:
        wanted = set(among)
        if not wanted:
            return set()
        try:
            pipe = self._client.pipeline(transaction=False)
            pipe.exists(self._marker)
            pipe.smembers(self._key(user_id))
            indexed, members = pipe.execute()
            if not indexed:
                self._rebuild()
                members = self._client.smembers(self._key(user_id))
        except redis.RedisError as exc:
            logger.warning("block index unreadable, asking the database: %s", exc)
            return self._store.blocked_either_way(user_id, wanted)
        found = {m.decode() if isinstance(m, bytes) else str(m) for m in members}
        return found & wanted

    def _rebuild(self) -> None:
        pipe = self._client.pipeline(transaction=False)
        for blocker_id, blocked_id in self._store.pairs():
            pipe.sadd(self._key(blocker_id), blocked_id)
            pipe.sadd(self._key(blocked_id), blocker_id)
        pipe.set(self._marker, "1")
        pipe.execute()

    def _forget(self) -> None:
        """An update that failed: drop the marker so the next read rebuilds from the database."""
        try:
            self._client.delete(self._marker)
        except redis.RedisError:
            logger.warning("block index marker not dropped")

    def _key(self, user_id: str) -> str:
        return f"{self._prefix}{user_id}"
