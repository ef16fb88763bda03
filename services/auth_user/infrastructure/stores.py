"""`open_auth_stores(database_url)`: the one place that turns `DATABASE_URL` into auth_user's
stores (SQLite and PostgreSQL through SQLAlchemy, MongoDB and mongomock through pymongo)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from libs.servicekit.sql import (
    DEFAULT_POOL,
    SQL_BACKENDS,
    SqlPool,
    SqlSchema,
    backend_of,
    create_sql_engine,
)
from libs.servicekit.stores import connect_mongo

from ..application.directory_ports import ActivationStore, DirectoryStore, ImportJobStore
from ..application.mfa_ports import MfaStore
from ..application.ports import AuditLog, UserStore

SCHEMA = SqlSchema(str(Path(__file__).with_name("sql") / "migrations"), "alembic_version_auth_user")


@dataclass(frozen=True)
class AuthStores:
    users: UserStore
    backend: str
    directory: DirectoryStore
    jobs: ImportJobStore
    activation: ActivationStore
    mfa: MfaStore
    close: Callable[[], None] = lambda: None
    audit: AuditLog | None = None  # the security events (table / collection `audit_events`)

    def ping(self) -> None:
        self.users.ping()


def open_auth_stores(
    database_url: str, mongodb_db: str = "auth_user_db", pool: SqlPool = DEFAULT_POOL
) -> AuthStores:
    backend = backend_of(database_url)
    if backend in SQL_BACKENDS:
        from .sql.activation import SqlActivationStore
        from .sql.audit import SqlAuditLog
        from .sql.directory import SqlDirectoryStore
        from .sql.import_jobs import SqlImportJobStore
        from .sql.mfa import SqlMfaStore
        from .sql.users import SqlUserStore

        engine = create_sql_engine(database_url, pool)
        SCHEMA.migrate(engine)
        return AuthStores(
            users=SqlUserStore(engine),
            backend=engine.dialect.name,
            directory=SqlDirectoryStore(engine),
            jobs=SqlImportJobStore(engine),
            activation=SqlActivationStore(engine),
            mfa=SqlMfaStore(engine),
            close=engine.dispose,
            audit=SqlAuditLog(engine),
        )
    db = connect_mongo(database_url, mongodb_db)
    # mongomock is not thread-safe: serialise its calls (gthread workers)
    lock = threading.Lock() if backend == "mongomock" else None
    return open_mongo_stores(db, lock, backend, db.client.close)


def open_mongo_stores(
    db: Any,
    lock: threading.Lock | None,
    backend: str = "mongodb",
    close: Callable[[], None] = lambda: None,
) -> AuthStores:
    """Every store over one pymongo (or mongomock) database, its indexes made."""
    from .mongo_activation import MongoActivationStore
    from .mongo_audit import MongoAuditLog
    from .mongo_directory import MongoDirectoryStore
    from .mongo_import_jobs import MongoImportJobStore
    from .mongo_mfa import MongoMfaStore
    from .mongo_users import MongoUserStore

    users, audit = MongoUserStore(db, lock=lock), MongoAuditLog(db, lock=lock)
    directory, jobs = MongoDirectoryStore(db, lock=lock), MongoImportJobStore(db, lock=lock)
    activation, mfa = MongoActivationStore(db, lock=lock), MongoMfaStore(db, lock=lock)
    for store in (users, audit, directory, jobs, activation, mfa):
        store.ensure_indexes()
    return AuthStores(users, backend, directory, jobs, activation, mfa, close, audit)


def migrate_auth_database(database_url: str) -> None:
    """Schema up to date for a SQL `database_url` (MongoDB needs none)."""
    SCHEMA.migrate_database(database_url)
