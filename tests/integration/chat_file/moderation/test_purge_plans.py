"""Retention's purge reads through indexes: on PostgreSQL (20 000 messages, planner statistics
fresh) every statement the purge sends that touches `messages` or `message_mentions` is
explained with its own parameters, and none is a sequential scan of `messages` (the issue's
bound); the batch is chosen through `messages_by_time` (every conversation) or one of the
conversation's indexes (one). (`message_mentions` has an index on `message_id`; on the 2 000
mentions here the planner rightly prefers reading the small table whole, so its plan is not
held.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bench.retention import NOW, seed
from bench.roundtrips import Statements
from libs.servicekit.sql import create_sql_engine
from services.chat_file.storage.stores import open_sql_stores
from tests.support.databases import postgres_database


@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[str, str]]:
    with postgres_database() as url:
        yield url, seed(url, conversations_n=20, expired=900, recent=100)


def plans(url: str, conversation_id: str | None) -> list[str]:
    stores = open_sql_stores(url, run_migrations=False)
    try:
        with Statements() as captured:
            done = stores.purge.purge(NOW - timedelta(days=30), 1000, conversation_id)
    finally:
        stores.close()
    assert done.messages > 0
    touching = [
        s
        for s in captured.executed
        if ("messages" in s.sql or "message_mentions" in s.sql)
        and s.sql.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE"))
    ]
    assert touching, captured.executed
    engine = create_sql_engine(url)
    explained = []
    with engine.connect() as db:
        for statement in touching:
            rows = db.exec_driver_sql("EXPLAIN " + statement.sql, statement.parameters)
            explained.append("\n".join(" ".join(str(v) for v in row) for row in rows))
    engine.dispose()
    return explained


def test_the_global_purge_uses_the_time_index_and_scans_nothing(pg: tuple[str, str]) -> None:
    url, _ = pg
    found = plans(url, None)
    assert any("messages_by_time" in text for text in found), found
    assert not any("Seq Scan on messages" in t for t in found), found


def test_a_conversations_purge_uses_a_conversation_index(pg: tuple[str, str]) -> None:
    url, conversation = pg
    found = plans(url, conversation)
    indexes = ("messages_history", "messages_by_seq", "messages_by_time")  # the planner's pick
    assert any(index in text for text in found for index in indexes), found
    assert not any("Seq Scan on messages" in t for t in found), found
