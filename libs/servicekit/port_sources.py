"""Where `sql_port` reads rows from: a SQL database, or a MongoDB database through a mapping.

A source yields each table's rows in a stable key order, in batches, each with the position of
its last row; `batches(table, after=position)` continues after that row. The port records the
position in the target (BSON extended JSON), so an interrupted port resumes where it was.
`checksum(rows)` is order-independent: the same rows read from two databases in any order give
the same figure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

Row = dict[str, Any]
Batch = tuple[list[Row], Any]
CHECKSUM_MODULUS = 2**128


class PortRefusedError(Exception):
    """The port would mix data or schemas: nothing was written."""


class RowSource(Protocol):
    """What a port reads: rows per table of the target's metadata."""

    identity: str

    def columns(self, table: sa.Table) -> list[str]: ...

    def batches(self, table: sa.Table, after: Any, size: int) -> Iterator[Batch]: ...

    def schema_version(self, version_table: str) -> str | None: ...

    def close(self) -> None: ...


def masked(url: str) -> str:
    """A database URL without its password (what the target records as the source)."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url.split("@")[-1]


class SqlSource:
    """Rows of a SQLite or PostgreSQL database, in primary-key order."""

    def __init__(self, engine: Engine, identity: str) -> None:
        self.engine = engine
        self.identity = identity

    def columns(self, table: sa.Table) -> list[str]:
        return [c.name for c in table.columns]

    def batches(self, table: sa.Table, after: Any, size: int) -> Iterator[Batch]:
        key = list(table.primary_key.columns)
        while True:
            query = sa.select(table).order_by(*key).limit(size)
            if after is not None:
                query = query.where(_after(key, after))
            with self.engine.connect() as db:
                rows = [dict(r._mapping) for r in db.execute(query)]
            if not rows:
                return
            after = [rows[-1][c.name] for c in key]
            yield rows, after

    def schema_version(self, version_table: str) -> str | None:
        query = sa.text(f"SELECT version_num FROM {version_table}")  # noqa: S608 - our constant
        try:
            with self.engine.connect() as db:
                version = db.execute(query).scalar_one_or_none()
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            raise PortRefusedError(f"{self.identity}: no schema version ({version_table})") from exc
        return str(version or "")

    def close(self) -> None:
        self.engine.dispose()


def _after(key: list[sa.Column[Any]], position: list[Any]) -> Any:
    if len(key) == 1:
        return key[0] > position[0]
    return sa.tuple_(*key) > sa.tuple_(*[sa.literal(v) for v in position])


# One table's rows from one collection: which collection drives it, the SQL columns it fills,
# and the rows one document gives (several for the child tables: members, links...).
@dataclass(frozen=True)
class MongoTable:
    collection: str
    columns: tuple[str, ...]
    rows: Callable[[Mapping[str, Any]], Iterable[Row]]
    where: Mapping[str, Any] | None = None  # only the documents that give rows


def column_names(table: sa.Table, *skip: str) -> tuple[str, ...]:
    """The columns a `MongoTable` fills: all of `table`'s but `skip` (left to the target)."""
    return tuple(c.name for c in table.columns if c.name not in skip)


class MongoSource:
    """Rows mapped from the documents of a MongoDB database, driven by `_id` order."""

    def __init__(self, db: Any, tables: Mapping[str, MongoTable], identity: str) -> None:
        self.db = db
        self.tables = tables
        self.identity = identity

    def columns(self, table: sa.Table) -> list[str]:
        if table.name not in self.tables:
            raise PortRefusedError(f"no mapping from MongoDB documents to table {table.name}")
        return list(self.tables[table.name].columns)

    def batches(self, table: sa.Table, after: Any, size: int) -> Iterator[Batch]:
        spec = self.tables[table.name]
        while True:
            query = dict(spec.where or {})
            if after is not None:
                query["_id"] = {"$gt": after}
            docs = list(self.db[spec.collection].find(query).sort("_id", 1).limit(size))
            if not docs:
                return
            rows = [row for doc in docs for row in spec.rows(doc)]
            after = docs[-1]["_id"]
            yield rows, after

    def schema_version(self, version_table: str) -> str | None:
        return None  # documents carry no schema version: the mapping is for the current one

    def close(self) -> None:
        self.db.client.close()


def canonical(value: Any) -> Any:
    """One spelling of a value whatever the database returned it from."""
    if isinstance(value, datetime):
        zoned = value if value.tzinfo else value.replace(tzinfo=UTC)
        return zoned.astimezone(UTC).isoformat()
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return value


def row_hash(row: Mapping[str, Any], columns: list[str]) -> int:
    text = json.dumps([canonical(row[c]) for c in columns], ensure_ascii=False, default=str)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big")


def checksum(source: RowSource, table: sa.Table, columns: list[str], size: int) -> tuple[int, str]:
    """(rows, checksum) of one table: the sum of the rows' hashes, order-independent."""
    count = total = 0
    for rows, _position in source.batches(table, None, size):
        count += len(rows)
        total = (total + sum(row_hash(r, columns) for r in rows)) % CHECKSUM_MODULUS
    return count, f"{total:032x}"
