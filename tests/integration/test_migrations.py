"""Both services' alembic migrations, on SQLite and PostgreSQL.

- downgrade to nothing, then upgrade again: every migration undoes and redoes cleanly;
- upgrade over a database holding rows: rows written at the first revision survive every later
  migration;
- no drift: alembic's compare of the migrated database against the tables the adapters use
  (`tables.py` metadata) finds no difference.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from libs.servicekit.sql import SqlSchema, create_sql_engine
from services.auth_user.infrastructure.sql.tables import metadata as auth_metadata
from services.auth_user.infrastructure.stores import SCHEMA as AUTH_SCHEMA
from services.chat_file.storage.schema import SCHEMA as CHAT_SCHEMA
from services.chat_file.storage.schema import metadata as chat_metadata
from tests.support.databases import SQL_BACKENDS, postgres_database, sqlite_url


@dataclass(frozen=True)
class Service:
    name: str
    schema: SqlSchema
    metadata: sa.MetaData
    table: str  # a table made by revision 0001, holding rows across later migrations
    row: dict[str, object]


NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
SERVICES = [
    Service(
        "auth_user",
        AUTH_SCHEMA,
        auth_metadata,
        "users",
        {
            "id": "a" * 24,
            "matricule": "MIG001",
            "nom": "Mig",
            "prenom": "Ration",
            "password_hash": "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA",
            "role": "user",
        },
    ),
    Service(
        "chat_file",
        CHAT_SCHEMA,
        chat_metadata,
        "conversations",
        {"id": "c" * 24, "type": "GROUP", "name": "Cabinet", "created_by": "a" * 24},
    ),
]


@pytest.fixture(params=SQL_BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    if request.param == "postgresql":
        with postgres_database() as url:
            engine = create_sql_engine(url)
            yield engine
            engine.dispose()
    else:
        engine = create_sql_engine(sqlite_url(tmp_path, "migrations"))
        yield engine
        engine.dispose()


def alembic(engine: sa.Engine, service: Service, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", service.schema.script_location)
    config.attributes["version_table"] = service.schema.version_table
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
        connection.commit()


def version(engine: sa.Engine, service: Service) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(
            connection, opts={"version_table": service.schema.version_table}
        ).get_current_revision()


def tables(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_downgrade_to_nothing_then_upgrade_again(engine: sa.Engine, service: Service) -> None:
    alembic(engine, service, "upgrade", "head")
    head = version(engine, service)
    assert head is not None and set(service.metadata.tables) <= tables(engine)
    alembic(engine, service, "downgrade", "base")
    assert version(engine, service) is None
    assert not set(service.metadata.tables) & tables(engine)
    alembic(engine, service, "upgrade", "head")
    assert version(engine, service) == head
    assert set(service.metadata.tables) <= tables(engine)


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_rows_written_at_the_first_revision_survive_every_later_migration(
    engine: sa.Engine, service: Service
) -> None:
    alembic(engine, service, "upgrade", "0001")
    columns = {c["name"] for c in sa.inspect(engine).get_columns(service.table)}
    row = {**service.row, **{c: NOW for c in ("created_at", "last_activity") if c in columns}}
    table = sa.Table(service.table, sa.MetaData(), autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [row])
    alembic(engine, service, "upgrade", "head")
    assert version(engine, service) not in {None, "0001"}
    current = service.metadata.tables[service.table]
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(current).where(current.c.id == service.row["id"])
        ).one()
    stored = found._asdict()
    assert {k: stored[k] for k in service.row} == service.row


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.name)
def test_the_migrated_schema_matches_the_tables_the_adapters_use(
    engine: sa.Engine, service: Service
) -> None:
    alembic(engine, service, "upgrade", "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": service.schema.version_table}
        )
        differences = compare_metadata(context, service.metadata)
    ours = [d for d in differences if not _elsewhere(d, service)]
    assert ours == [], "\n".join(map(str, ours))


# PostgreSQL's full-text objects, added by the migrations beside the models on purpose: a
# generated tsvector column and its GIN index, which the search statements name in SQL text.
FULL_TEXT = {"search_vector", "messages_search", "users_search"}


def _elsewhere(difference: object, service: Service) -> bool:
    """Not drift: tables of the database no model of this service declares (its version table,
    SQLite's FTS shadow tables) and the PostgreSQL full-text objects above."""
    if not isinstance(difference, tuple) or not difference:
        return False
    kind = difference[0]
    if kind == "remove_table":
        return difference[1].name not in service.metadata.tables
    if kind == "remove_column":
        return difference[3].name in FULL_TEXT
    if kind == "remove_index":
        return difference[1].name in FULL_TEXT
    return False


def test_processes_starting_together_take_turns_on_postgresql() -> None:
    """Four starts at once, each migrating both services: the transaction-level advisory lock
    makes them queue (no duplicate table, no lock left behind: a fifth start migrates too)."""
    with postgres_database() as url:
        errors: list[BaseException] = []

        def start() -> None:
            engine = create_sql_engine(url)
            try:
                for service in SERVICES:
                    service.schema.migrate(engine)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                engine.dispose()

        starts = [threading.Thread(target=start) for _ in range(4)]
        for thread in starts:
            thread.start()
        for thread in starts:
            thread.join(timeout=120)
        assert errors == []
        start()
        assert errors == []
        engine = create_sql_engine(url)
        with engine.connect() as db:
            held = db.execute(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
            assert held.scalar_one() == 0
        engine.dispose()
