"""Sync figures: the chat_file app in process on a throwaway PostgreSQL database, real Redis.

- sync_1000_changes_ms_postgres: median wall time for a client 1 000 changes behind to catch
  up through `GET /sync` (pages of SYNC_MAX_LIMIT = 500: two calls), each change a real
  `newMessage` payload as the service logs it; JWT check, two queries per call, the view, the
  JSON both ways (the client side parsed with orjson, as a native client would).
- sync_statements_per_call: SQL statements one `GET /sync?since=` runs, the same for a user in
  10 and in 1 000 conversations (the run fails if the two differ).
"""

from __future__ import annotations

import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from bson import ObjectId
from flask import Flask

from bench.roundtrips import Statements
from libs.servicekit.settings import DEV_JWT_SECRET
from libs.servicekit.sql import create_sql_engine
from services.chat_file.app import create_app
from services.chat_file.conversations.sql.tables import conversations, members
from tests.support.chat_app import chat_settings
from tests.support.databases import postgres_database
from tests.support.tokens import bearer
from tests.unit.chat_file.fakes import FakeProfileSource, profile

CHANGES = 1000
LIMIT = 500  # SYNC_MAX_LIMIT's default: what a client catching up asks for
RUNS = 15


def run() -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as url:
        people = {u: profile(u, u.capitalize(), "Bench") for u in ("alice", "bob")}
        app = create_app(
            chat_settings(Path(tmp), database_url=url), auth_client=FakeProfileSource(people)
        )
        try:
            return {
                "sync_1000_changes_ms_postgres": _catch_up_ms(app),
                "sync_statements_per_call": _statements(app, url),
            }
        finally:
            app.extensions["chat"].adapters.stores.close()


def _catch_up_ms(app: Flask) -> float:
    client, alice, bob = app.test_client(), _auth("alice"), _auth("bob")
    body = {"receiverId": "bob", "content": "Bonjour, le dossier est prêt pour la réunion."}
    assert client.post("/messages", json=body, headers=alice).status_code == 201
    log = app.extensions["chat"].adapters.stores.changes
    start = log.head("bob")
    sample = log.read("bob", start - 1, 1).changes[0]
    for _ in range(CHANGES):
        data = {**sample.data, "id": str(ObjectId()), "_id": str(ObjectId())}
        log.append(["bob"], sample.event, data, datetime.now(UTC))
    times = []
    for _ in range(RUNS):
        began, since, got = time.perf_counter(), str(start), 0
        while True:
            path = f"/sync?since={since}&limit={LIMIT}"
            page = orjson.loads(client.get(path, headers=bob).data)["data"]
            got += len(page["changes"])
            since = page["next"]
            if not page["hasMore"]:
                break
        times.append((time.perf_counter() - began) * 1000)
        assert got == CHANGES, got
    return round(statistics.median(times), 1)


def _statements(app: Flask, url: str) -> int:
    log = app.extensions["chat"].adapters.stores.changes
    counts = set()
    for size in (10, 1000):
        user = f"u{uuid.uuid4().hex[:8]}"
        _member_of(url, user, size)
        for n in range(size):
            log.append([user], "newMessage", {"n": n}, datetime.now(UTC))
        client = app.test_client()
        with Statements() as seen:
            answer = client.get("/sync?since=0", headers=_auth(user))
        assert answer.status_code == 200
        counts.add(len([s for s in seen.executed if not s.sql.startswith("BEGIN")]))
    if len(counts) != 1:
        raise AssertionError(f"statements differ with the conversation count: {counts}")
    return counts.pop()


def _member_of(url: str, user: str, count: int) -> None:
    engine = create_sql_engine(url)
    now = datetime.now(UTC)
    ids = [str(ObjectId()) for _ in range(count)]
    row: dict[str, Any] = {"type": "GROUP", "name": "g", "created_by": user, "seq": 0}
    with engine.begin() as tx:
        tx.execute(
            conversations.insert(),
            [{"id": c, **row, "created_at": now, "last_activity": now} for c in ids],
        )
        tx.execute(
            members.insert(), [{"conversation_id": c, "user_id": user, "position": 0} for c in ids]
        )
    engine.dispose()


def _auth(user: str) -> dict[str, str]:
    return bearer(user, DEV_JWT_SECRET)
