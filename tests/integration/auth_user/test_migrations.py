"""Migrations over existing data: users written before the org columns get their folded keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from libs.servicekit.sql import create_sql_engine
from services.auth_user.domain.org import OrgFilter
from services.auth_user.infrastructure.sql.users import SqlUserStore
from services.auth_user.infrastructure.stores import SCHEMA
from tests.support.databases import SQL_BACKENDS, postgres_database, sqlite_url


@pytest.fixture(params=SQL_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path, "auth_user")
    else:
        with postgres_database() as url:
            yield url


def upgrade(engine: sa.Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", SCHEMA.script_location)
    config.attributes["version_table"] = SCHEMA.version_table
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()


def test_users_of_an_older_schema_are_found_by_their_folded_ministere(database_url: str) -> None:
    engine = create_sql_engine(database_url)
    upgrade(engine, "0002")
    with engine.begin() as tx:
        tx.execute(
            sa.text(
                "INSERT INTO users (id, matricule, nom, prenom, password_hash, role, ministere)"
                " VALUES ('aaaaaaaaaaaaaaaaaaaaaaaa', 'OLD1', 'Ngono', 'Marie', 'h', 'user',"
                " 'Ministère des Finances')"
            )
        )
    upgrade(engine, "head")
    store = SqlUserStore(engine)
    users, total = store.search(None, 0, 10, OrgFilter(ministere="MINISTERE DES FINANCES"))
    assert (total, users[0].matricule, users[0].locale, users[0].direction) == (1, "OLD1", "fr", "")
    assert store.search("ngono", 0, 10)[1] == 1  # the search index still follows the table
    engine.dispose()
