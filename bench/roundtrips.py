"""Count what one piece of code sends: Redis round trips and SQL statements.

Both are counted per thread: only what the measuring thread sends is counted, on whichever
pooled connection it uses, so background threads (the revocation feed, the L1 listener, the
push outbox flusher) never leak into a count.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

import redis
import sqlalchemy as sa


class CountingConnection(redis.Connection):
    """A redis-py connection that counts each packed send, by the thread that made it."""

    sends: ClassVar[Counter[int]] = Counter()

    def send_packed_command(self, command: Any, check_health: bool = True) -> None:
        CountingConnection.sends[threading.get_ident()] += 1
        super().send_packed_command(command, check_health)


def counting_client(url: str, max_connections: int = 200) -> redis.Redis:
    """Like `libs.servicekit.stores.connect_redis` (a blocking pool), counting round trips."""
    pool = redis.BlockingConnectionPool.from_url(
        url, connection_class=CountingConnection, max_connections=max_connections, timeout=5
    )
    return redis.Redis(connection_pool=pool)


class RoundTrips:
    """`with RoundTrips() as rt: ...; rt.count` — sends this thread made inside the block."""

    def __enter__(self) -> RoundTrips:
        self._thread = threading.get_ident()
        self._start = CountingConnection.sends[self._thread]
        self.count = 0
        return self

    def __exit__(self, *exc: object) -> None:
        self.count = CountingConnection.sends[self._thread] - self._start


@dataclass(frozen=True)
class Statement:
    sql: str  # as sent to the driver (its paramstyle)
    parameters: Any
    rowcount: int
    writes: bool  # INSERT, UPDATE or DELETE
    dialect: str


@dataclass
class Statements:
    """`with Statements() as st: ...` — every statement this thread ran on any SQLAlchemy
    engine inside the block (`st.executed`), and the rows its writes reported."""

    executed: list[Statement] = field(default_factory=list)

    def __enter__(self) -> Statements:
        self._thread = threading.get_ident()
        sa.event.listen(sa.engine.Engine, "after_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(sa.engine.Engine, "after_cursor_execute", self._seen)

    def _seen(self, conn: Any, cursor: Any, sql: str, params: Any, context: Any, _: Any) -> None:
        if threading.get_ident() != self._thread:
            return
        writes = bool(context.isinsert or context.isupdate or context.isdelete)
        rowcount = max(cursor.rowcount, 0) if writes else 0
        self.executed.append(Statement(sql, params, rowcount, writes, conn.dialect.name))

    @property
    def rows_written(self) -> int:
        return sum(s.rowcount for s in self.executed)
