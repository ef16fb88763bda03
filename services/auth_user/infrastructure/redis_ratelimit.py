"""RedisRateLimiter: fixed-window counters, INCR and EXPIRE in one atomic script."""

from __future__ import annotations

import redis

# Returns 0 while under the limit, else the seconds left in the window.
_HIT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
if count > tonumber(ARGV[1]) then
  local ttl = redis.call('TTL', KEYS[1])
  if ttl < 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
  end
  return ttl
end
return 0
"""


class RedisRateLimiter:
    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._hit = client.register_script(_HIT)

    def key(self, name: str) -> str:
        return f"{self._prefix}ratelimit:{name}"

    def hit(self, key: str, limit: int, window: int) -> int:
        return int(self._hit(keys=[self.key(key)], args=[limit, window]))

    def reset(self, key: str) -> None:
        self._redis.delete(self.key(key))
