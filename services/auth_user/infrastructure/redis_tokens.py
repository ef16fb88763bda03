"""RedisRefreshTokenStore: an allow-list of the one current refresh token of each session.

A session (a login) is a token family; Redis holds its current refresh-token id. Rotation swaps
it atomically; presenting any other token of the family is reuse and ends the session. An
unknown family (logged out, expired, or Redis lost its data) is refused: the store fails closed
and the user logs in again, so no spent or revoked token can come back to life.
"""

from __future__ import annotations

import redis

from ..application.ports import Rotation

# KEYS[1] = the family. ARGV[1] = presented jti, ARGV[2] = new jti, ARGV[3] = new token's life.
_ROTATE = """
local current = redis.call('GET', KEYS[1])
if not current then
  return 'revoked'
end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 'reused'
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 'ok'
"""


class RedisRefreshTokenStore:
    """One atomic script per rotation: two concurrent uses of a token cannot both succeed."""

    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix
        self._rotate = client.register_script(_ROTATE)

    def family_key(self, family: str) -> str:
        return f"{self._prefix}auth:refresh:family:{family}"

    def start(self, family: str, jti: str, ttl: int) -> None:
        self._redis.set(self.family_key(family), jti, ex=max(1, ttl))

    def rotate(self, family: str, jti: str, new_jti: str, ttl: int) -> Rotation:
        reply = self._rotate(keys=[self.family_key(family)], args=[jti, new_jti, max(1, ttl)])
        return Rotation(reply.decode() if isinstance(reply, bytes) else reply)

    def revoke_family(self, family: str) -> None:
        self._redis.delete(self.family_key(family))

    def ping(self) -> None:
        self._redis.ping()
