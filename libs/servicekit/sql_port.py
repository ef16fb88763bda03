"""`port(source, target, spec)`: copy one service's data into a SQL database (PostgreSQL).

Like Synapse's `synapse_port_db`:
- the target schema is made by the service's own alembic migrations, and a SQL source must be
  at the same revision;
- every table of the service's SQLAlchemy metadata is copied, parents first, in key order and
  in batches; each batch and the progress it makes (table `ngomna_port_progress` in the target)
  commit together, so an interrupted port resumes after its last committed batch;
- a target that already holds data of the service, or a port from another source, is refused;
- at the end, every table's row count and checksum are compared between source and target.
Tables added to the metadata later are ported without changing this module.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from bson import json_util
from sqlalchemy.engine import Connection, Engine

from .port_sources import PortRefusedError, RowSource, SqlSource, checksum
from .sql import migrate

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 10.0  # seconds between two progress lines of a long table

progress_metadata = sa.MetaData()
PROGRESS = sa.Table(
    "ngomna_port_progress",
    progress_metadata,
    sa.Column("service", sa.String(32), primary_key=True),
    sa.Column("table_name", sa.String(64), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("position", sa.Text),  # the source's key of the last row copied (extended JSON)
    sa.Column("rows", sa.BigInteger, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
)


@dataclass(frozen=True)
class PortSpec:
    """What a service contributes: its tables and how to migrate them."""

    service: str
    metadata: sa.MetaData
    migrations: str  # alembic script location
    version_table: str


@dataclass(frozen=True)
class TableReport:
    table: str
    source_rows: int
    target_rows: int
    source_checksum: str
    target_checksum: str

    @property
    def ok(self) -> bool:
        same_rows = self.source_rows == self.target_rows
        return same_rows and self.source_checksum == self.target_checksum


def port(
    source: RowSource, target: Engine, spec: PortSpec, *, batch_size: int = 1000
) -> list[TableReport]:
    """Copy what is not copied yet, then verify every table."""
    migrate(target, spec.migrations, spec.version_table)
    _check_schema(source, target, spec)
    progress_metadata.create_all(target)
    state = _start(target, spec, source.identity)
    for table in spec.metadata.sorted_tables:
        if not state[table.name].done:
            _copy(source, target, spec, table, state[table.name], batch_size)
    _analyze(target, spec)
    return verify(source, target, spec, batch_size=batch_size)


def verify(
    source: RowSource, target: Engine, spec: PortSpec, *, batch_size: int = 1000
) -> list[TableReport]:
    """Row counts and checksums of every table, over the columns the source fills."""
    mirror = SqlSource(target, "target")
    reports = []
    for table in spec.metadata.sorted_tables:
        columns = source.columns(table)
        rows, digest = checksum(source, table, columns, batch_size)
        copied, copied_digest = checksum(mirror, table, columns, batch_size)
        reports.append(TableReport(table.name, rows, copied, digest, copied_digest))
    return reports


def _check_schema(source: RowSource, target: Engine, spec: PortSpec) -> None:
    wanted = SqlSource(target, "target").schema_version(spec.version_table)
    found = source.schema_version(spec.version_table)
    if found is not None and found != wanted:
        raise PortRefusedError(
            f"{source.identity} is at schema revision {found!r}, the target at {wanted!r}: "
            f"upgrade the source first (start the current {spec.service} on it once)"
        )


def _start(target: Engine, spec: PortSpec, identity: str) -> dict[str, Any]:
    """The progress of each table; a fresh port only onto tables without data."""
    mine = sa.select(PROGRESS).where(PROGRESS.c.service == spec.service)
    with target.begin() as tx:
        state = {row.table_name: row for row in tx.execute(mine)}
        if state:
            sources = {row.source for row in state.values()}
            if sources != {identity}:
                raise PortRefusedError(
                    f"the target holds a port of {spec.service} from {sorted(sources)}, "
                    f"not from {identity}"
                )
        else:
            _refuse_data(tx, spec)
        missing = [t.name for t in spec.metadata.sorted_tables if t.name not in state]
        if missing:  # a table added since the port began
            _refuse_data(tx, spec, missing)
            tx.execute(PROGRESS.insert(), [_fresh(spec, name, identity) for name in missing])
        return {row.table_name: row for row in tx.execute(mine)}


def _refuse_data(tx: Connection, spec: PortSpec, names: list[str] | None = None) -> None:
    tables = [t for t in spec.metadata.sorted_tables if names is None or t.name in names]
    filled = [
        t.name for t in tables if tx.execute(sa.select(sa.func.count()).select_from(t)).scalar()
    ]
    if filled:
        raise PortRefusedError(
            f"the target already holds {spec.service} data ({', '.join(filled)}): "
            "port into an empty database"
        )


def _fresh(spec: PortSpec, table: str, identity: str) -> dict[str, Any]:
    return {
        "service": spec.service,
        "table_name": table,
        "source": identity,
        "position": None,
        "rows": 0,
        "done": False,
    }


def _copy(
    source: RowSource, target: Engine, spec: PortSpec, table: sa.Table, state: Any, size: int
) -> None:
    columns = source.columns(table)
    where = (PROGRESS.c.service == spec.service) & (PROGRESS.c.table_name == table.name)
    start = None if state.position is None else json_util.loads(state.position)
    copied = int(state.rows)
    if copied:
        logger.info("%s: resuming after %d rows", table.name, copied)
    said = time.monotonic()
    for rows, position in source.batches(table, start, size):
        with target.begin() as tx:
            if rows:
                tx.execute(table.insert(), [{c: row[c] for c in columns} for row in rows])
            moved = {"position": json_util.dumps(position), "rows": PROGRESS.c.rows + len(rows)}
            tx.execute(PROGRESS.update().where(where).values(**moved))
        copied += len(rows)
        if time.monotonic() - said > PROGRESS_EVERY:
            logger.info("%s: %d rows copied so far", table.name, copied)
            said = time.monotonic()
    with target.begin() as tx:
        _advance_sequence(tx, table)
        tx.execute(PROGRESS.update().where(where).values(done=True))
    logger.info("%s: %d rows copied", table.name, copied)


def _advance_sequence(tx: Connection, table: sa.Table) -> None:
    """Rows copied with their own serial keys: the next insert must not reuse one."""
    column = table.autoincrement_column
    if column is None or tx.dialect.name != "postgresql":
        return
    top = tx.execute(sa.select(sa.func.max(column))).scalar()
    tx.execute(
        sa.text("SELECT setval(pg_get_serial_sequence(:table, :column), :next, false)"),
        {"table": table.name, "column": column.name, "next": int(top or 0) + 1},
    )


def _analyze(target: Engine, spec: PortSpec) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL)."""
    if target.dialect.name != "postgresql":
        return
    with target.begin() as tx:
        for table in spec.metadata.sorted_tables:
            tx.execute(sa.text(f'ANALYZE "{table.name}"'))
