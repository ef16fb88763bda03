"""Count Redis round trips: a connection class that counts each packed send."""

from __future__ import annotations

from typing import Any

import redis


class CountingConnection(redis.Connection):
    sends = 0

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        CountingConnection.sends += 1
        super().send_packed_command(command, check_health)


def counting_client(url: str, max_connections: int = 200) -> redis.Redis:
    """Like `libs.servicekit.stores.connect_redis` (a blocking pool), counting round trips."""
    pool = redis.BlockingConnectionPool.from_url(
        url, connection_class=CountingConnection, max_connections=max_connections, timeout=5
    )
    return redis.Redis(connection_pool=pool)


class RoundTrips:
    """`with RoundTrips() as rt: ...; rt.count` — sends made inside the block."""

    def __enter__(self) -> RoundTrips:
        self._start = CountingConnection.sends
        self.count = 0
        return self

    def __exit__(self, *exc: object) -> None:
        self.count = CountingConnection.sends - self._start
