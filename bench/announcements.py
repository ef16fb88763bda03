"""Announcement figures on PostgreSQL, measured on the shared 2-core machine under other work
(noisy): a send to a 50 000-agent audience (time, statements), its paged push fan-out to a Redis
stream, the per-unit census.

- announcement_50k_send_ms: median of 20 sends to a broadcast whose audience is one ministry of
  50 000 agents (350 000 agents in `org_members` across 7 ministries), through
  `AnnouncementService.send` (broadcast read, insert, update; the live emit is a no-op socket);
- announcement_50k_statements: the SQL statements one such send runs (BEGIN aside);
- announcement_push_fanout_50k_seconds: `fan_out_push` of one announcement: the audience read in
  pages of 1 000 from PostgreSQL and one XADD per page to a throwaway Redis stream;
- ack_census_50k_ms_postgres: median of 20 `GET /messages/<id>/acks?groupBy=direction` store
  queries (one grouped query) with 50 000 recipients of which 20 000 reported something.
"""

from __future__ import annotations

import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import redis

from bench.roundtrips import Statements
from libs.servicekit.sql import create_sql_engine
from services.chat_file.announcements.adapters.outlet import RedisPushPages
from services.chat_file.announcements.application.announcements import AnnouncementService
from services.chat_file.announcements.domain.model import Announcement, ReceiptState
from services.chat_file.announcements.domain.units import Unit
from services.chat_file.announcements.sql.store import SqlAnnouncementStore
from services.chat_file.storage.schema import SCHEMA
from tests.support.databases import postgres_database

AUDIENCE = 50_000
MINISTRIES = 7


class NoSockets:
    def live(self, announcement: Announcement, rooms: list[str], agents: list[str]) -> None:
        return None


class NoUnits:
    def unit_of(self, user_id: str) -> Unit | None:
        return None


def _seed(store: SqlAnnouncementStore) -> None:
    for m in range(MINISTRIES):
        store.put_members(
            (f"a{m}-{i:06}", Unit.of(f"Ministère {m}", f"Direction {i % 12}", f"Service {i % 5}"))
            for i in range(AUDIENCE)
        )


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _measure(url: str) -> dict[str, float | int]:
    engine = create_sql_engine(url)
    SCHEMA.migrate(engine)
    store = SqlAnnouncementStore(engine)
    _seed(store)
    with engine.connect() as db:
        db.exec_driver_sql("ANALYZE org_members")
        db.commit()
    service = AnnouncementService(store, NoUnits(), NoSockets())
    made = service.create_broadcast(
        "bench-admin", True, title="Circulaire", units=[Unit.of("Ministère 3")]
    )
    send_ms = []
    for _ in range(20):
        start = time.perf_counter()
        sent = service.send("bench-admin", False, made.id, content="Note de service")
        send_ms.append(_ms(start))
    with Statements() as counted:
        sent = service.send("bench-admin", False, made.id, content="Note", request_ack=True)
    statements = [s for s in counted.executed if not s.sql.lstrip().upper().startswith("BEGIN")]
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    pages = RedisPushPages(client, prefix=f"bench:{uuid.uuid4().hex[:8]}:")
    try:
        start = time.perf_counter()
        queued = service.fan_out_push(sent.id, pages)
        fanout_s = time.perf_counter() - start
    finally:
        client.delete(pages.stream)
    assert queued == AUDIENCE, queued
    now = datetime.now(UTC)
    for i in range(0, 20_000):
        state = (ReceiptState.DELIVERED, ReceiptState.READ, ReceiptState.ACKNOWLEDGED)[i % 3]
        store.record(sent.id, f"a3-{i:06}", state, now)
    with engine.connect() as db:
        db.exec_driver_sql("ANALYZE announcement_receipts")
        db.commit()
    census_ms = []
    for _ in range(20):
        start = time.perf_counter()
        rows = store.census(sent.id, made.audience, "direction")
        census_ms.append(_ms(start))
    assert sum(r.acknowledged + r.read + r.delivered + r.pending for r in rows) == AUDIENCE
    engine.dispose()
    return {
        "announcement_50k_send_ms": round(statistics.median(send_ms), 2),
        "announcement_50k_statements": len(statements),
        "announcement_push_fanout_50k_seconds": round(fanout_s, 3),
        "ack_census_50k_ms_postgres": round(statistics.median(census_ms), 2),
    }


def run() -> dict[str, Any]:
    with postgres_database() as url:
        return _measure(url)
