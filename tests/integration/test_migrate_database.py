"""The services' migrate commands: the schema up to date on SQL, nothing to do on MongoDB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.auth_user.infrastructure.stores import migrate_auth_database
from services.chat_file.infrastructure.stores import migrate_chat_database


@pytest.mark.parametrize(
    ("migrate", "table", "version_table"),
    [
        (migrate_auth_database, "users", "alembic_version_auth_user"),
        (migrate_chat_database, "messages", "alembic_version_chat_file"),
    ],
)
def test_a_sqlite_database_is_brought_to_the_newest_schema_twice_over(
    migrate: Callable[[str], None], table: str, version_table: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    migrate(url)
    migrate(url)  # idempotent
    names = sa.inspect(sa.create_engine(url)).get_table_names()
    assert table in names and version_table in names


@pytest.mark.parametrize("migrate", [migrate_auth_database, migrate_chat_database])
def test_mongodb_needs_no_migration(
    migrate: Callable[[str], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a fallback to the default SQLite file would land here
    migrate("mongomock://localhost/service")
    assert list(tmp_path.iterdir()) == []
