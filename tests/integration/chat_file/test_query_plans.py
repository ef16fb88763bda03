"""The hot queries use their indexes: history page and search (no seq scan on messages).

The statements explained are the ones the stores really run: a history page and a search go
through chat_file's HTTP routes in process, an SQLAlchemy cursor-execute listener captures what
was sent to the database (bench/roundtrips.py `Statements`), and each SELECT that reads the
messages is explained with its own parameters. PostgreSQL plans are read with EXPLAIN on a
table with enough rows to make the planner choose; SQLite's with EXPLAIN QUERY PLAN."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from bson import ObjectId
from flask import Flask

from bench.roundtrips import Statements
from libs.servicekit.settings import DEV_JWT_SECRET
from libs.servicekit.sql import create_sql_engine
from services.chat_file.app import create_app
from services.chat_file.infrastructure.sql.tables import conversations, members, messages
from services.chat_file.infrastructure.stores import open_sql_stores
from tests.support.chat_app import chat_settings
from tests.support.databases import postgres_database, sqlite_url
from tests.support.tokens import bearer
from tests.unit.chat_file.fakes import FakeProfileSource

FULL_SCAN = re.compile(r"\bSCAN messages\b")  # SQLite's full scan of the table (not messages_fts)
NOW = datetime(2026, 5, 1, tzinfo=UTC)
WORDS = ["réunion", "budget", "rapport", "dossier", "agenda", "préfecture", "mission", "note"]


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


def app_on(url: str, tmp_path: Path) -> Flask:
    return create_app(chat_settings(tmp_path, database_url=url), auth_client=FakeProfileSource())


def plans_of(url: str, app: Flask, user: str, path: str) -> list[str]:
    """The plan of every SELECT reading `messages` that GET `path` ran, one text each."""
    client = app.test_client()
    headers = bearer(user, DEV_JWT_SECRET)
    assert client.get(path, headers=headers).status_code == 200  # warm: user cache, pool
    with Statements() as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    reads = [
        s
        for s in captured.executed
        if s.sql.lstrip().upper().startswith(("SELECT", "WITH")) and "messages" in s.sql
    ]
    assert reads, f"{path} read no messages: {captured.executed}"
    engine = create_sql_engine(url)
    prefix = "EXPLAIN " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    plans = []
    with engine.connect() as db:
        for statement in reads:
            rows = db.exec_driver_sql(prefix + statement.sql, statement.parameters)
            plans.append("\n".join(" ".join(str(v) for v in row) for row in rows))
    engine.dispose()
    return plans


@pytest.fixture(scope="module")
def pg() -> Iterator[tuple[str, str, str]]:
    with postgres_database() as url:
        yield (url, *seed(url))


def test_postgres_history_page_walks_the_history_index(
    pg: tuple[str, str, str], tmp_path: Path
) -> None:
    url, conversation, user = pg
    path = f"/messages?conversationId={conversation}&limit=50"
    plans = plans_of(url, app_on(url, tmp_path), user, path)
    assert any("messages_history" in text for text in plans), plans
    assert not any("Seq Scan on messages" in text for text in plans), plans


def test_postgres_search_uses_the_gin_index(pg: tuple[str, str, str], tmp_path: Path) -> None:
    url, _, user = pg
    plans = plans_of(url, app_on(url, tmp_path), user, "/messages/search?q=ordonnance")
    assert any("messages_search" in text for text in plans), plans
    assert not any("Seq Scan on messages" in text for text in plans), plans


def test_sqlite_history_page_and_search_use_their_indexes(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    conversation, user = seed(url, conversations_n=5, per=200)
    app = app_on(url, tmp_path)
    history = plans_of(url, app, user, f"/messages?conversationId={conversation}&limit=50")
    assert any("messages_history" in text for text in history), history
    assert not any(FULL_SCAN.search(text) for text in history), history
    search = plans_of(url, app, user, "/messages/search?q=rapport")
    assert any("VIRTUAL TABLE INDEX" in text for text in search), search
    assert not any(FULL_SCAN.search(text) for text in search), search
