"""A sync costs a fixed number of SQL statements whatever the caller's conversation count (10 or
1 000), and an append a fixed number whatever the fan-out; counted per thread on the real
route (bench/roundtrips.py `Statements`), on SQLite and PostgreSQL. Compaction by its cron root.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bson import ObjectId
from flask import Flask

from bench.roundtrips import Statements
from libs.servicekit.settings import DEV_JWT_SECRET
from libs.servicekit.sql import create_sql_engine
from services.chat_file.app import create_app
from services.chat_file.compact_changes import build_compaction
from services.chat_file.conversations.sql.tables import conversations, members
from services.chat_file.storage.stores import ChatStores, open_sql_stores
from tests.support.chat_app import chat_settings
from tests.support.databases import postgres_database, sqlite_url
from tests.support.tokens import bearer
from tests.unit.chat_file.fakes import FakeProfileSource

NOW = datetime(2026, 5, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
    else:
        with postgres_database() as made:
            yield made


def member_of(url: str, user: str, count: int) -> None:
    """`user` takes part in `count` group conversations, each with a change in their log."""
    engine = create_sql_engine(url)
    ids = [str(ObjectId()) for _ in range(count)]
    conversation = {"type": "GROUP", "name": "g", "created_by": user, "seq": 0}
    with engine.begin() as tx:
        tx.execute(
            conversations.insert(),
            [{"id": c, **conversation, "created_at": NOW, "last_activity": NOW} for c in ids],
        )
        tx.execute(
            members.insert(),
            [{"conversation_id": c, "user_id": user, "position": 0} for c in ids],
        )
    engine.dispose()


def statements_of_sync(app: Flask, user: str, since: str) -> int:
    client = app.test_client()
    with Statements() as seen:
        answer = client.get(f"/sync?since={since}&limit=50", headers=bearer(user, DEV_JWT_SECRET))
    assert answer.status_code == 200, answer.get_json()
    return len([s for s in seen.executed if not s.sql.startswith("BEGIN")])


def test_a_sync_costs_the_same_statements_for_10_and_1000_conversations(
    url: str, tmp_path: Path
) -> None:
    stores = open_sql_stores(url)
    counts = {}
    try:
        for size in (10, 1000):
            user = f"u{uuid.uuid4().hex[:8]}"
            member_of(url, user, size)
            for n in range(size):
                stores.changes.append([user], "newMessage", {"n": n}, datetime.now(UTC))
            app = create_app(
                chat_settings(tmp_path, database_url=url), auth_client=FakeProfileSource()
            )
            counts[size] = (statements_of_sync(app, user, "0"), statements_of_sync(app, user, ""))
    finally:
        stores.close()
    assert counts[10] == counts[1000]
    assert counts[10][0] <= 2 and counts[10][1] <= 1, counts


def test_an_append_costs_the_same_statements_for_1_and_500_users(url: str) -> None:
    stores = open_sql_stores(url)
    try:
        costs = []
        for size in (1, 500):
            users = [f"u{uuid.uuid4().hex[:8]}" for _ in range(size)]
            with Statements() as seen:
                stores.changes.append(users, "newMessage", {"content": "x"}, NOW)
            costs.append(len([s for s in seen.executed if not s.sql.startswith("BEGIN")]))
    finally:
        stores.close()
    assert costs[0] == costs[1] <= 2, costs


def test_the_compaction_root_removes_what_the_window_left_behind(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    stores: ChatStores = open_sql_stores(url)
    user = f"u{uuid.uuid4().hex[:8]}"
    stores.changes.append([user], "old", {}, NOW - timedelta(days=8))
    stores.changes.append([user], "recent", {}, NOW - timedelta(days=6))
    sync, built = build_compaction(
        chat_settings(tmp_path, database_url=url), stores=stores, clock=lambda: NOW
    )
    assert sync.compact() == 1
    kept = built.changes.read(user, 0, 10)
    assert [c.event for c in kept.changes] == ["recent"] and kept.head == 2
    stores.close()
