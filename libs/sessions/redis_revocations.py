"""Revocations in Redis: two sorted sets (id → watermark ms) and one pub/sub channel.

`RedisRevocations` is the writer (auth_user) and the loader (every process); each revocation
is one MULTI (ZADD GT, prune, PUBLISH). `RevocationListener` keeps a `RevocationMirror` in step:
subscribe, load both sets once the subscription is confirmed (so nothing published in between
is missed), then apply each message; on a lost connection it marks the mirror stale and starts
over.
"""

from __future__ import annotations

import json
import logging
import time
import weakref
from collections.abc import Callable
from typing import Any

import redis

from .mirror import SESSION, USER, Revocation, RevocationMirror

logger = logging.getLogger(__name__)


class RedisRevocations:
    def __init__(
        self,
        client: redis.Redis,
        *,
        prefix: str,
        retention_seconds: int = 7 * 86_400,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = client
        self._keys = {
            USER: f"{prefix}auth:revoked:users",
            SESSION: f"{prefix}auth:revoked:sessions",
        }
        self.channel = f"{prefix}auth:revocations"
        self._retention_ms = retention_seconds * 1000
        self._clock = clock

    def revoke_user(self, user_id: str, reason: str) -> Revocation:
        return self._write(Revocation(USER, user_id, self._now_ms(), reason))

    def revoke_session(self, session_id: str, reason: str) -> Revocation:
        return self._write(Revocation(SESSION, session_id, self._now_ms(), reason))

    def load(self) -> tuple[dict[str, int], dict[str, int]]:
        """Every live watermark: `(users, sessions)`."""
        with self._redis.pipeline(transaction=False) as pipe:
            for key in self._keys.values():
                pipe.zrange(key, 0, -1, withscores=True)
            users, sessions = pipe.execute()
        return _as_map(users), _as_map(sessions)

    def _write(self, revocation: Revocation) -> Revocation:
        key = self._keys[revocation.kind]
        payload = {"kind": revocation.kind, "id": revocation.id, "at": revocation.at_ms}
        with self._redis.pipeline() as pipe:
            pipe.zadd(key, {revocation.id: revocation.at_ms}, gt=True)
            pipe.zremrangebyscore(key, "-inf", revocation.at_ms - self._retention_ms)
            pipe.publish(self.channel, json.dumps({**payload, "reason": revocation.reason}))
            pipe.execute()
        return revocation

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)


def _as_map(rows: list[tuple[Any, float]]) -> dict[str, int]:
    return {_text(member): int(score) for member, score in rows}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def parse(data: Any) -> Revocation | None:
    """A channel message, or None if it is not one of ours."""
    try:
        body = json.loads(_text(data))
        kind, ident, at = body["kind"], str(body["id"]), int(body["at"])
    except (ValueError, KeyError, TypeError):
        return None
    if kind not in (USER, SESSION):
        return None
    return Revocation(kind, ident, at, str(body.get("reason", "")))


class RevocationListener:
    """Follows the channel on a background task of the server's concurrency model.

    `spawn(fn)`: a thread under gthread, Socket.IO's background task under gevent or eventlet
    (`time.sleep` is cooperative there: the workers monkey-patch it). The loop holds the
    mirror weakly and ends once the app owning it is gone (tests build many apps).
    """

    def __init__(
        self,
        client: redis.Redis,
        revocations: RedisRevocations,
        mirror: RevocationMirror,
        *,
        spawn: Callable[[Callable[[], None]], Any],
        sleep: Callable[[float], Any] = time.sleep,
        retry_seconds: float = 0.5,
    ) -> None:
        self._redis = client
        self._revocations = revocations
        self._mirror_ref = weakref.ref(mirror)
        self._spawn: Callable[[Callable[[], None]], Any] | None = spawn
        self._sleep = sleep
        self._retry = retry_seconds
        self.started = False

    def start(self) -> None:
        spawn, self._spawn = self._spawn, None  # kept by nobody: the running loop must not
        if spawn is not None:  # hold the server (and through it the mirror) alive
            self.started = True
            spawn(self._run)

    def _run(self) -> None:
        while self._mirror_ref() is not None:
            try:
                self._follow()
            except redis.RedisError as exc:
                mirror = self._mirror_ref()
                if mirror is not None:
                    mirror.mark_stale()
                logger.warning("revocation channel lost (%s); serving on the last state", exc)
                self._sleep(self._retry)
            except Exception:  # not a Redis failure: a client without pub/sub, a bug
                logger.exception("revocation listener stopped")
                return

    def _follow(self) -> None:
        pubsub = self._redis.pubsub()
        try:
            pubsub.subscribe(self._revocations.channel)
            while self._mirror_ref() is not None:
                self._deliver(pubsub.get_message(timeout=1.0))
        finally:
            pubsub.close()

    def _deliver(self, message: dict[str, Any] | None) -> None:
        """A `subscribe` confirmation (first, or after redis-py reconnected by itself) reloads
        the whole state: whatever was published while unsubscribed is in the sets."""
        mirror = self._mirror_ref()
        if message is None or mirror is None:
            return
        if message.get("type") == "subscribe":
            users, sessions = self._revocations.load()
            mirror.replace(users, sessions)
            logger.info("revocations loaded: %d users, %d sessions", len(users), len(sessions))
        elif message.get("type") == "message":
            revocation = parse(message.get("data"))
            if revocation is not None:
                mirror.apply(revocation)
