"""`RedisMfaChallenges`: logins waiting for their second factor. One hash per challenge
(`{prefix}auth:mfa:<token>` = {user, attempts}) that expires with the challenge."""

from __future__ import annotations

import secrets

import redis


class RedisMfaChallenges:
    def __init__(self, client: redis.Redis, *, prefix: str) -> None:
        self._redis = client
        self._prefix = prefix

    def _key(self, token: str) -> str:
        return f"{self._prefix}auth:mfa:{token}"

    def create(self, user_id: str, ttl: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._redis.pipeline() as pipe:
            pipe.hset(self._key(token), mapping={"user": user_id, "attempts": 0})
            pipe.expire(self._key(token), ttl)
            pipe.execute()
        return token

    def user_of(self, token: str) -> str | None:
        if not token or len(token) > 100:
            return None
        user = self._redis.hget(self._key(token), "user")
        return user.decode() if isinstance(user, bytes) else user

    def failed(self, token: str) -> int:
        return int(self._redis.hincrby(self._key(token), "attempts", 1))

    def drop(self, token: str) -> None:
        self._redis.delete(self._key(token))
