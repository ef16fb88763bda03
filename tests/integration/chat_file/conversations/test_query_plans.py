"""The hot queries use their indexes: history page and search (no seq scan on
messages). PostgreSQL plans are read with EXPLAIN on a table with enough rows to make the
planner choose; SQLite's with EXPLAIN QUERY PLAN."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from bson import ObjectId

from libs.servicekit.sql import create_sql_engine
from services.chat_file.conversations.sql.tables import conversations, members, messages
from services.chat_file.storage.stores import open_sql_stores
from tests.support.databases import postgres_database, sqlite_url

NOW = datetime(2026, 5, 1, tzinfo=UTC)
WORDS = ["réunion", "budget", "rapport", "dossier", "agenda", "préfecture", "mission", "note"]
HISTORY = (
    "SELECT id FROM messages WHERE conversation_id = :c AND id < :cursor ORDER BY id DESC LIMIT 51"
)


def seed(url: str, conversations_n: int = 40, per: int = 500) -> tuple[str, str]:
    """(a conversation id, a member) over conversations_n * per messages, planner stats fresh."""
    open_sql_stores(url).close()  # migrations
    engine = create_sql_engine(url)
    user = f"u{uuid.uuid4().hex[:8]}"
    ids = [str(ObjectId()) for _ in range(conversations_n)]
    with engine.begin() as tx:
        tx.execute(
            conversations.insert(),
            [
                {
                    "id": c,
                    "type": "GROUP",
                    "name": "g",
                    "created_by": user,
                    "created_at": NOW,
                    "last_activity": NOW,
                    "seq": per,
                }
                for c in ids
            ],
        )
        tx.execute(
            members.insert(),
            [{"conversation_id": c, "user_id": user, "position": 0} for c in ids],
        )
        rows = [
            {
                "id": str(ObjectId()),
                "conversation_id": c,
                "sender_id": user,
                "type": "TEXT",
                "content": f"{WORDS[n % len(WORDS)]} {n}",
                "created_at": NOW,
                "seq": n + 1,
            }
            for c in ids
            for n in range(per)
        ]
        tx.execute(messages.insert(), rows)
        tx.execute(sa.text("ANALYZE"))
    engine.dispose()
    return ids[0], user


def content(n: int) -> str:
    """Common words everywhere; "ordonnance" in one message of 997 (a selective search)."""
    rare = " ordonnance" if n % 997 == 0 else ""
    return f"{WORDS[n % len(WORDS)]} {n}{rare}"


def plan(url: str, sql: str, **params: str) -> str:
    engine = create_sql_engine(url)
    prefix = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as db:
        lines = [" ".join(str(v) for v in row) for row in db.execute(sa.text(prefix + sql), params)]
    engine.dispose()
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[str, str, str]]:
    with postgres_database() as url:
        yield (url, *seed(url))


def test_postgres_history_page_walks_the_history_index(pg: tuple[str, str, str]) -> None:
    url, conversation, _ = pg
    text = plan(url, HISTORY, c=conversation, cursor="f" * 24)
    assert "messages_history" in text and "Seq Scan on messages" not in text, text


def test_postgres_search_uses_the_gin_index(pg: tuple[str, str, str]) -> None:
    url, _, _ = pg
    sql = (
        "SELECT id FROM messages WHERE search_vector @@ plainto_tsquery('ngomna_fr'::regconfig, :q)"
    )
    text = plan(url, sql, q="ordonnance")
    assert "messages_search" in text and "Seq Scan on messages" not in text, text


def test_sqlite_history_page_and_search_use_their_indexes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = sqlite_url(tmp_path)
    conversation, _ = seed(url, conversations_n=5, per=200)
    history = plan(url, HISTORY, c=conversation, cursor="f" * 24)
    assert "messages_history" in history and "SCAN messages" not in history, history
    search = plan(url, "SELECT rowid FROM messages_fts WHERE messages_fts MATCH :q", q='"rapport"*')
    assert "VIRTUAL TABLE INDEX" in search, search
