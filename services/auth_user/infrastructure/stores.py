"""`open_auth_stores(database_url)`: the one place that turns `DATABASE_URL` into auth_user's
stores (SQLite and PostgreSQL through SQLAlchemy, MongoDB and mongomock through pymongo)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from libs.servicekit.sql import backend_of, create_sql_engine, migrate
from libs.servicekit.stores import connect_mongo

from ..application.ports import UserStore

MIGRATIONS = str(Path(__file__).with_name("sql") / "migrations")
VERSION_TABLE = "alembic_version_auth_user"


@dataclass(frozen=True)
class AuthStores:
    users: UserStore
    backend: str
    close: Callable[[], None] = lambda: None

    def ping(self) -> None:
        self.users.ping()


def open_auth_stores(database_url: str, mongodb_db: str = "auth_user_db") -> AuthStores:
    backend = backend_of(database_url)
    if backend in {"sqlite", "postgresql"}:
        from .sql.users import SqlUserStore

        engine = create_sql_engine(database_url)
        migrate(engine, MIGRATIONS, VERSION_TABLE)
        return AuthStores(SqlUserStore(engine), engine.dialect.name, engine.dispose)
    from .mongo_users import MongoUserStore

    db = connect_mongo(database_url, mongodb_db)
    # mongomock is not thread-safe: serialise its calls (gthread workers)
    store = MongoUserStore(db, lock=threading.Lock() if backend == "mongomock" else None)
    store.ensure_indexes()
    return AuthStores(store, backend, db.client.close)


def migrate_auth_database(database_url: str) -> None:
    """Schema up to date for a SQL `database_url` (MongoDB needs none)."""
    if backend_of(database_url) in {"sqlite", "postgresql"}:
        engine = create_sql_engine(database_url)
        migrate(engine, MIGRATIONS, VERSION_TABLE)
        engine.dispose()
