"""`RedisCircleCache`: each user's circle (conversation ids and contacts) as one Redis string
(`<prefix>circle:<user id>`, orjson) with a TTL, shared by every chat_file process, so a
membership change seen by one process is forgotten for all.

Forgetting does not delete the key: it writes a tombstone with a fresh token (for
`FORGOTTEN_SECONDS`). A miss returns what it found there (nothing, or that tombstone) as the
version, and a circle is written back only if the key still holds that same version (one Lua
call). A connect that read the store *before* a membership change and writes its answer *after*
the change was forgotten therefore cannot put the old circle back, while one that started after
the forget caches its fresh answer at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

import orjson
import redis

from services.chat_file.conversations.application.circles import CacheRead
from services.chat_file.conversations.domain.model import Circle

DEFAULT_CIRCLE_TTL = 600  # seconds (CONTACTS_CACHE_TTL)
FORGOTTEN_SECONDS = 60  # longer than a store read takes, even in a reconnect storm
TOMBSTONE = b"-"

# KEYS[1] the circle; ARGV: the circle, the version its reader saw ("" = no key), the TTL.
_PUT_IF_UNCHANGED = """
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[2] == '') or current == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
  return 1
end
return 0
"""


class RedisCircleCache:
    def __init__(
        self, client: redis.Redis, prefix: str = "", ttl: int = DEFAULT_CIRCLE_TTL
    ) -> None:
        self._client = client
        self._prefix = f"{prefix}circle:"
        self._ttl = ttl
        self._put: Any = None  # the script, registered on first use (no I/O at build)

    def get(self, user_id: str) -> CacheRead:
        raw = cast(bytes | None, self._client.get(self._prefix + user_id))
        if raw is None:
            return CacheRead(None, "")
        if raw.startswith(TOMBSTONE):
            return CacheRead(None, raw.decode())
        doc = orjson.loads(raw)
        return CacheRead(Circle(tuple(doc["c"]), frozenset(doc["u"])), "")

    def put(self, user_id: str, circle: Circle, version: str) -> None:
        doc = orjson.dumps({"c": list(circle.conversation_ids), "u": sorted(circle.contacts)})
        if self._put is None:
            self._put = self._client.register_script(_PUT_IF_UNCHANGED)
        self._put(keys=[self._prefix + user_id], args=[doc, version, self._ttl])

    def forget(self, user_ids: Iterable[str]) -> None:
        keys = [self._prefix + u for u in dict.fromkeys(user_ids) if u]
        if not keys:
            return
        with self._client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, TOMBSTONE + uuid.uuid4().hex.encode(), ex=FORGOTTEN_SECONDS)
            pipe.execute()
