"""Retention figure: purging 100 000 expired messages on PostgreSQL with
`python -m services.chat_file.retention`'s service (batches of 1 000), on the shared 2-core
machine while other jobs ran (noisy: an upper bound).

- retention_purge_100k_seconds: a fresh PostgreSQL database holds 100 conversations of 3
  members with 1 000 expired messages each (one in ten mentions a member, one in fifty hidden
  for one) and 100 recent ones each; the run (global policy 30 days) deletes the 100 000 with
  their mentions, hidden marks and search rows, moves the read pointers and fixes the last
  messages, 100 transactions of 1 000.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from bson import ObjectId

from libs.servicekit.sql import create_sql_engine
from services.chat_file.conversations.sql.tables import conversations, hidden, members, mentions
from services.chat_file.conversations.sql.tables import messages as messages_table
from services.chat_file.retention import build_retention
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import open_sql_stores
from tests.support.databases import postgres_database

NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=1)


def seed(url: str, conversations_n: int = 100, expired: int = 1000, recent: int = 100) -> str:
    """conversations_n groups of 3 with `expired` old and `recent` new messages each; returns
    one conversation id. Statistics refreshed (ANALYZE) for the planner."""
    open_sql_stores(url).close()  # migrations
    engine = create_sql_engine(url)
    tag = uuid.uuid4().hex[:6]
    people = [f"r{tag}{i}" for i in range(3)]
    ids = [str(ObjectId()) for _ in range(conversations_n)]
    per = expired + recent
    with engine.begin() as tx:
        tx.execute(
            conversations.insert(),
            [
                {
                    "id": c,
                    "type": "GROUP",
                    "name": "g",
                    "created_by": people[0],
                    "created_at": OLD,
                    "last_activity": RECENT,
                    "seq": per,
                }
                for c in ids
            ],
        )
        tx.execute(
            members.insert(),
            [
                {"conversation_id": c, "user_id": u, "position": i}
                for c in ids
                for i, u in enumerate(people)
            ],
        )
    for c in ids:
        rows, marks, hides = [], [], []
        for n in range(per):
            at = (OLD if n < expired else RECENT) + timedelta(seconds=n)
            mid = str(ObjectId())
            rows.append(
                {
                    "id": mid,
                    "conversation_id": c,
                    "sender_id": people[0],
                    "type": "TEXT",
                    "content": f"rapport {n}",
                    "created_at": at,
                    "seq": n + 1,
                }
            )
            if n % 10 == 0:
                marks.append(
                    {"user_id": people[1], "conversation_id": c, "seq": n + 1, "message_id": mid}
                )
            if n % 50 == 0:
                hides.append({"message_id": mid, "user_id": people[2]})
        with engine.begin() as tx:
            tx.execute(messages_table.insert(), rows)
            tx.execute(mentions.insert(), marks)
            tx.execute(hidden.insert(), hides)
    with engine.begin() as tx:
        tx.execute(sa.text("ANALYZE"))
    engine.dispose()
    return ids[0]


def purge_seconds(url: str) -> tuple[float, int]:
    settings = Settings.from_env({"APP_ENV": "test", "DATABASE_URL": url})
    settings = replace(settings, moderation=replace(settings.moderation, retention_days=30))
    retention, stores = build_retention(settings)
    try:
        started = time.perf_counter()
        report = retention.run()
        return time.perf_counter() - started, report.messages
    finally:
        stores.close()


def run() -> dict[str, float | int]:
    with postgres_database() as url:
        seed(url)
        seconds, purged = purge_seconds(url)
    assert purged == 100_000, purged
    return {"retention_purge_100k_seconds": round(seconds, 2)}
