"""`RedisSocketRegistry`: every authenticated socket of each user, across processes (a sorted
set per user, scored by connect time), so that `SOCKETS_PER_USER` holds however many
processes a user spreads sockets over. Entries of a crashed process are the oldest and so
are the first evicted (telling a dead socket costs nothing): the set heals itself."""

from __future__ import annotations

import logging
import time

import redis

logger = logging.getLogger(__name__)

# KEYS[1]: the user's set. ARGV: sid, now (ms), the cap, the key's lifetime (s).
# Adds the socket, returns the sids beyond the cap (oldest first) after removing them.
_ADMIT = """
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[4])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if over <= 0 then return {} end
local evicted = redis.call('ZRANGE', KEYS[1], 0, over - 1)
for _, sid in ipairs(evicted) do
  if sid ~= ARGV[1] then redis.call('ZREM', KEYS[1], sid) end
end
return evicted
"""

KEY_LIFETIME = 7 * 24 * 3600  # renewed at every connect; a user gone for a week is forgotten


class RedisSocketRegistry:
    def __init__(self, client: redis.Redis, *, prefix: str = "", per_user: int = 10) -> None:
        self.per_user = per_user
        self._client = client
        self._prefix = prefix
        self._admit = client.register_script(_ADMIT)

    def _key(self, user_id: str) -> str:
        return f"{self._prefix}sockets:{user_id}"

    def admitted(self, user_id: str, sid: str) -> list[str]:
        """Count `sid` in; the user's sockets beyond `per_user` (oldest first), to close.
        Redis failing: nothing to close (the cap is best effort, like presence)."""
        if self.per_user <= 0:
            return []
        now_ms = int(time.time() * 1000)
        try:
            found = self._admit(
                keys=[self._key(user_id)], args=[sid, now_ms, self.per_user, KEY_LIFETIME]
            )
        except redis.RedisError as exc:
            logger.warning("sockets per user not counted: Redis failed (%s)", exc)
            return []
        evicted = [s.decode() if isinstance(s, bytes) else str(s) for s in found]
        return [s for s in evicted if s != sid]

    def released(self, user_id: str, sid: str) -> None:
        if self.per_user <= 0:
            return
        try:
            self._client.zrem(self._key(user_id), sid)
        except redis.RedisError as exc:
            logger.warning("socket not counted out: Redis failed (%s)", exc)
