"""RedisRefreshTokenStore: spent refresh-token ids and revoked families, with TTLs."""

from __future__ import annotations

import redis

from ..application.ports import Rotation

# KEYS[1] = spent marker of the presented jti, KEYS[2] = revoked marker of its family.
# ARGV[1] = remaining life of the presented token, ARGV[2] = life of the family marker.
_CONSUME = """
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 'revoked'
end
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return 'ok'
end
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
return 'reused'
"""


class RedisRefreshTokenStore:
    """One atomic script per rotation: two concurrent uses of a token cannot both succeed."""

    def __init__(self, client: redis.Redis, *, prefix: str, family_ttl: int) -> None:
        self._redis = client
        self._prefix = prefix
        self._family_ttl = family_ttl
        self._consume = client.register_script(_CONSUME)

    def used_key(self, jti: str) -> str:
        return f"{self._prefix}auth:refresh:used:{jti}"

    def family_key(self, family: str) -> str:
        return f"{self._prefix}auth:refresh:revoked:{family}"

    def consume(self, jti: str, family: str, ttl: int) -> Rotation:
        keys = [self.used_key(jti), self.family_key(family)]
        reply = self._consume(keys=keys, args=[max(1, ttl), self._family_ttl])
        return Rotation(reply.decode() if isinstance(reply, bytes) else reply)

    def revoke_family(self, family: str) -> None:
        self._redis.set(self.family_key(family), "1", ex=self._family_ttl)

    def ping(self) -> None:
        self._redis.ping()
