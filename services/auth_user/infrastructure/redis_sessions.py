"""RedisSessionRegistry: each user's logged-in devices, one Redis hash per user.

Field = session id (the refresh-token family), value = JSON `{ua, ip, created, last, until}`.
An entry past `until` (its refresh token expired unused) is dropped when read. The hash lives
as long as its newest session. This is bookkeeping for listing and "end all but this one";
whether a session may still refresh is decided by the refresh-token allow-list alone.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import redis

from ..domain.model import DeviceSession


class RedisSessionRegistry:
    def __init__(
        self, client: redis.Redis, *, prefix: str, clock: Callable[[], float] = time.time
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._clock = clock

    def _key(self, user_id: str) -> str:
        return f"{self._prefix}auth:sessions:{user_id}"

    def add(self, user_id: str, session: DeviceSession, ttl: int) -> None:
        entry = {
            "ua": session.user_agent,
            "ip": session.ip,
            "created": session.created_at_ms,
            "last": session.last_used_ms,
            "until": session.last_used_ms + ttl * 1000,
        }
        self._write(user_id, session.id, entry, ttl)

    def touch(self, user_id: str, session_id: str, at_ms: int, ttl: int) -> None:
        raw = self._redis.hget(self._key(user_id), session_id)
        if raw is None:
            return
        entry = json.loads(raw)
        entry.update(last=at_ms, until=at_ms + ttl * 1000)
        self._write(user_id, session_id, entry, ttl)

    def list(self, user_id: str) -> list[DeviceSession]:
        now_ms = int(self._clock() * 1000)
        sessions, dead = [], []
        for field, raw in self._redis.hgetall(self._key(user_id)).items():
            session_id, entry = _text(field), json.loads(raw)
            if int(entry.get("until", 0)) < now_ms:
                dead.append(session_id)
                continue
            sessions.append(_session(session_id, entry))
        if dead:
            self._redis.hdel(self._key(user_id), *dead)
        return sorted(sessions, key=lambda s: s.last_used_ms, reverse=True)

    def remove(self, user_id: str, session_id: str) -> bool:
        return bool(self._redis.hdel(self._key(user_id), session_id))

    def _write(self, user_id: str, session_id: str, entry: dict[str, Any], ttl: int) -> None:
        key = self._key(user_id)
        with self._redis.pipeline() as pipe:
            pipe.hset(key, session_id, json.dumps(entry))
            pipe.expire(key, max(1, ttl), gt=True)
            pipe.expire(key, max(1, ttl), nx=True)
            pipe.execute()


def _session(session_id: str, entry: dict[str, Any]) -> DeviceSession:
    return DeviceSession(
        id=session_id,
        user_agent=str(entry.get("ua", "")),
        ip=str(entry.get("ip", "")),
        created_at_ms=int(entry.get("created", 0)),
        last_used_ms=int(entry.get("last", 0)),
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
