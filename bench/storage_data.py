"""The storage bench's data set, made once (seeded) and bulk-loaded into each SQL backend.

200 000 messages of varied French text over 304 conversations, interleaved in time as a real
ministry's chat would be (so a conversation's messages are scattered over the table):
- `big` 100 000 messages, `ten` 10 000 and `small` 1 000, each among the 10 users of `CORE`;
- `crowd`: a 1 000-member group with 10 000 messages, none read yet by `CORE[0]`;
- 300 more conversations (2 to 25 members from a pool of 2 000 users) share the other 79 000;
  `CORE[0]` is in about a quarter of them.
Rows go straight into the tables the migrations create (`sql/tables.py`): COPY on PostgreSQL,
executemany on SQLite, with each conversation's `seq` counter, per-member read and delivered
pointers and `last_message` summary as the application keeps them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bench.french import sentence
from libs.servicekit.sql import create_sql_engine
from services.chat_file.application.presenters import summary_of
from services.chat_file.domain.model import Message, MessageType, pair_key
from services.chat_file.infrastructure.sql.codec import to_doc
from services.chat_file.infrastructure.sql.tables import conversations as C
from services.chat_file.infrastructure.sql.tables import members as M
from services.chat_file.infrastructure.sql.tables import messages as T
from services.chat_file.infrastructure.stores import migrate_chat_database

POOL = [f"{n:024x}" for n in range(1, 2001)]
CORE = POOL[:10]
READER = CORE[0]
TOTAL = 200_000
OTHERS = 300
START = int(datetime(2025, 12, 1, tzinfo=UTC).timestamp())
STEP = 157  # seconds between two messages: 200 000 messages ≈ one year
MESSAGE_FIELDS = ("id", "conversation_id", "sender_id", "content", "type", "created_at", "seq")


@dataclass
class Shape:
    id: str
    members: list[str]
    size: int
    senders: list[str]
    unread_for: set[str] = field(default_factory=set)  # members who have read nothing
    seq: int = 0
    last: tuple[Any, ...] | None = None
    kind: str = "GROUP"  # or "PRIVATE" (two members, no admin, no name)


@dataclass
class Dataset:
    shapes: dict[str, Shape]
    rows: list[tuple[Any, ...]]  # MESSAGE_FIELDS, in insertion (time) order

    def id_of(self, name: str) -> str:
        return self.shapes[name].id


def make_dataset(seed: int = 11) -> Dataset:
    rng = random.Random(seed)
    shapes = _shapes(rng)
    return Dataset(shapes, interleave(shapes, rng))


def interleave(
    shapes: dict[str, Shape], rng: random.Random, start: int = START, step: int = STEP
) -> list[tuple[Any, ...]]:
    """Every shape's `size` messages (MESSAGE_FIELDS rows), shuffled together in time from
    `start`, `step` seconds apart; each shape's `seq` and `last` follow."""
    ordered = list(shapes.values())
    stream = [n for n, shape in enumerate(ordered) for _ in range(shape.size)]
    rng.shuffle(stream)
    rows = []
    for i, n in enumerate(stream):
        shape = ordered[n]
        shape.seq += 1
        ts = start + i * step
        row = (
            f"{ts:08x}bbbbbbbbbb{i:06x}",  # an ObjectId: time-ordered like the real ones
            shape.id,
            rng.choice(shape.senders),
            sentence(rng),
            "TEXT",
            datetime.fromtimestamp(ts, UTC),
            shape.seq,
        )
        shape.last = row
        rows.append(row)
    return rows


def _shapes(rng: random.Random) -> dict[str, Shape]:
    crowd = POOL[:1000]
    shapes = {
        "big": Shape(_cid(1), CORE, 100_000, CORE),
        "ten": Shape(_cid(2), CORE, 10_000, CORE),
        "small": Shape(_cid(3), CORE, 1_000, CORE),
        "crowd": Shape(_cid(4), crowd, 10_000, crowd[1:200], unread_for={READER}),
    }
    rest = TOTAL - sum(s.size for s in shapes.values())
    cuts = sorted(rng.sample(range(1, rest), OTHERS - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, rest], strict=True)]
    for n, size in enumerate(sizes):
        people = rng.sample(POOL[1:], rng.randint(1, 24))
        if rng.random() < 0.25:
            people.insert(0, READER)
        shapes[f"other{n}"] = Shape(_cid(100 + n), people, size, people)
    return shapes


def _cid(n: int) -> str:
    return f"{n:024x}"


def load(url: str, data: Dataset) -> None:
    """Schema by the migrations, then every row in one transaction; planner statistics fresh."""
    migrate_chat_database(url)
    engine = create_sql_engine(url)
    try:
        with engine.begin() as tx:
            tx.execute(C.insert(), [_conversation(s) for s in data.shapes.values()])
            tx.execute(M.insert(), [m for s in data.shapes.values() for m in _members(s)])
            if engine.dialect.name == "postgresql":
                _copy_messages(tx, data.rows)
            else:
                fields = [dict(zip(MESSAGE_FIELDS, r, strict=True)) for r in data.rows]
                tx.execute(T.insert(), fields)
        if engine.dialect.name == "postgresql":  # what autovacuum does soon after a bulk load
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                db.execute(sa.text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _copy_messages(tx: sa.Connection, rows: list[tuple[Any, ...]]) -> None:
    driver = tx.connection.driver_connection
    assert driver is not None
    statement = f"COPY messages ({', '.join(MESSAGE_FIELDS)}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _conversation(shape: Shape) -> dict[str, Any]:
    assert shape.last is not None
    last = Message(**dict(zip(MESSAGE_FIELDS, shape.last, strict=True)))
    last.type = MessageType(last.type)
    created = datetime.fromtimestamp(START - 86_400, UTC)
    group = shape.kind == "GROUP"
    return {
        "id": shape.id,
        "type": shape.kind,
        "name": f"Groupe {shape.id[-4:]}" if group else None,
        "created_by": shape.members[0],
        "created_at": created,
        "last_activity": last.created_at,
        "last_message": to_doc(summary_of(last)),
        "seq": shape.seq,
        "pair_key": None if group else pair_key(*shape.members),
    }


def _members(shape: Shape) -> list[dict[str, Any]]:
    assert shape.last is not None
    return [
        {
            "conversation_id": shape.id,
            "user_id": user,
            "position": n,
            "is_admin": n == 0 and shape.kind == "GROUP",
            "read_up_to": 0 if user in shape.unread_for else shape.seq,
            "delivered_up_to": 0 if user in shape.unread_for else shape.seq,
            "last_read_id": None if user in shape.unread_for else shape.last[0],
        }
        for n, user in enumerate(shape.members)
    ]
