"""SQL databases both services share: which backend a `DATABASE_URL` names, engines, migrations.

- `backend_of(url)`: "sqlite", "postgresql", "mongodb" or "mongomock".
- `create_sql_engine(url, pool)`: SQLAlchemy 2 engine. SQLite gets WAL, a busy timeout and
  foreign keys on every connection; PostgreSQL (psycopg 3) a pool that pings connections which
  sat idle (`IDLE_PING_SECONDS`), and a short connect timeout. JSON columns are decoded with
  orjson. `SqlPool` (`DB_POOL_SIZE`, `DB_POOL_OVERFLOW`, `DB_POOL_TIMEOUT`,
  `DB_PREPARED_STATEMENTS`) sizes the pool of either backend.
- `migrate(engine, script_location, version_table)`: alembic `upgrade head` in one transaction;
  on PostgreSQL under a transaction-level advisory lock, so two processes starting together do
  not race. `migrate_database(url, …)`:
  the same from a `DATABASE_URL` (nothing for MongoDB), for the services' migrate commands.
  `SqlSchema`: a service's scripts and version table, with both as methods.
- `SQL_STORE_ERRORS`: the driver failures an adapter turns into `StoreUnavailableError`
  (see `libs.servicekit.stores.guard_store`).
"""

from __future__ import annotations

import fcntl
import logging
import time
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .settings import SettingsError, env_bool, env_float, env_int

logger = logging.getLogger(__name__)

BACKENDS = ("sqlite", "postgresql", "mongodb", "mongomock")
SQL_BACKENDS = frozenset({"sqlite", "postgresql"})
MIGRATION_LOCK = zlib.crc32(b"ngomna-migrations")
# A pooled connection idle longer than this is pinged before use (a server restart or an idle
# timeout may have closed it). A busy connection is not: pinging every checkout would add a
# round trip to every store call. One killed while busy fails its next statement, that request
# answers 503 STORE_UNAVAILABLE, and SQLAlchemy then replaces every pooled connection.
IDLE_PING_SECONDS = 5.0

# Connection-level failures: server down or restarting, connection killed, pool exhausted.
# IntegrityError and ProgrammingError are bugs or domain conflicts, never "unavailable".
SQL_STORE_ERRORS: tuple[type[Exception], ...] = (
    sa.exc.OperationalError,
    sa.exc.InterfaceError,
    sa.exc.TimeoutError,
    sa.exc.DisconnectionError,
    sa.exc.InternalError,
)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone: UTC is assumed)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


@dataclass(frozen=True)
class SqlPool:
    """How many connections one process holds, and how long a caller waits for one.

    A gevent/eventlet worker runs hundreds of greenlets on one core: far more of them may want
    a connection at once than the database can serve usefully, so the pool stays small and a
    caller *waits* (`timeout`, long enough to ride out a reconnect storm) instead of failing
    with STORE_UNAVAILABLE after a few seconds. `prepared=False` turns psycopg's automatic
    prepared statements off, for PgBouncer in transaction mode before 1.21."""

    size: int = 10
    overflow: int = 5
    timeout: float = 30.0
    prepared: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SqlPool:
        pool = cls(
            size=env_int(env, "DB_POOL_SIZE", cls.size),
            overflow=env_int(env, "DB_POOL_OVERFLOW", cls.overflow),
            timeout=env_float(env, "DB_POOL_TIMEOUT", cls.timeout),
            prepared=env_bool(env, "DB_PREPARED_STATEMENTS", cls.prepared),
        )
        if pool.size < 1 or pool.overflow < 0 or pool.timeout <= 0:
            raise SettingsError(
                "DB_POOL_SIZE must be at least 1, DB_POOL_OVERFLOW 0 or more, "
                "DB_POOL_TIMEOUT positive"
            )
        return pool

    @property
    def connections(self) -> int:
        """The most connections this pool opens at once."""
        return self.size + self.overflow


DEFAULT_POOL = SqlPool()


class DatabaseUrlError(ValueError):
    """`DATABASE_URL` names no backend we support."""


def backend_of(url: str) -> str:
    scheme = url.split(":", 1)[0].split("+", 1)[0].lower()
    if scheme in {"postgres", "postgresql"}:
        return "postgresql"
    if scheme == "mongodb+srv":
        return "mongodb"
    if scheme in BACKENDS:
        return scheme
    raise DatabaseUrlError(
        "DATABASE_URL must start with sqlite:///, postgresql+psycopg://, mongodb:// or mongomock://"
    )


def default_database_url(service: str, var_dir: str = "var") -> str:
    """Durable SQLite file of one service under `var/` (what `make run` uses)."""
    return f"sqlite:///{var_dir}/{service}.db"


def sqlalchemy_url(url: str) -> str:
    """PostgreSQL URLs always go through psycopg 3, whatever driver the URL names."""
    if backend_of(url) != "postgresql":
        return url
    rest = url.split("://", 1)[1]
    return f"postgresql+psycopg://{rest}"


def create_sql_engine(
    url: str, pool: SqlPool = DEFAULT_POOL, *, idle_ping: float = IDLE_PING_SECONDS
) -> Engine:
    url = sqlalchemy_url(url)
    if backend_of(url) == "sqlite":
        return _sqlite_engine(url, pool)
    connect_args: dict[str, Any] = {"connect_timeout": 5}
    if not pool.prepared:
        connect_args["prepare_threshold"] = None
    engine = sa.create_engine(
        url,
        pool_size=pool.size,
        max_overflow=pool.overflow,
        pool_timeout=pool.timeout,
        pool_recycle=1800,
        connect_args=connect_args,
        json_deserializer=orjson.loads,
    )
    _ping_when_idle(engine, idle_ping)
    return engine


def _ping_when_idle(engine: Engine, seconds: float) -> None:
    """SQLAlchemy's pre-ping, but only for connections idle longer than `seconds`."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure of the ping: the pool retries a fresh connection
            raise sa.exc.DisconnectionError("idle connection is gone") from exc
        if not alive:
            raise sa.exc.DisconnectionError("idle connection is gone")


def _sqlite_engine(url: str, pool: SqlPool) -> Engine:
    path = sa.engine.make_url(url).database
    memory = not path or path == ":memory:"
    if path and not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # A file database gets SQLAlchemy's QueuePool, sized like PostgreSQL's; an in-memory one
    # keeps its default (one connection per thread).
    sizing: dict[str, Any] = (
        {}
        if memory
        else {"pool_size": pool.size, "max_overflow": pool.overflow, "pool_timeout": pool.timeout}
    )
    engine = sa.create_engine(
        url,
        connect_args={"timeout": 10, "check_same_thread": False},
        **sizing,
        json_deserializer=orjson.loads,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN handling is off so that SQLAlchemy's BEGIN is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Writes: IMMEDIATE takes the write lock up front, so two writers queue on
        # busy_timeout instead of failing with "database is locked" on a lock upgrade.
        # Reads go through `reader(engine)` (autocommit): no transaction, no lock.
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def reader(engine: Engine) -> Engine:
    """The same pool for single-statement reads: autocommit, no BEGIN, no lock held."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def migrate(engine: Engine, script_location: str, version_table: str) -> None:
    """Bring the schema to the newest revision (alembic `upgrade head`)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", script_location)
    config.attributes["version_table"] = version_table
    with _sqlite_file_lock(engine), engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # One lock for every service (extensions are database-wide), held by the migration's
            # own transaction and released by its commit or rollback: it works through
            # PgBouncer in transaction mode too, where a session lock could stay behind on a
            # server connection that another client then gets.
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    logger.info("database schema up to date (%s)", version_table)


def migrate_database(
    database_url: str, script_location: str, version_table: str, pool: SqlPool = DEFAULT_POOL
) -> None:
    """Schema up to date for a SQL `database_url` (MongoDB needs none)."""
    if backend_of(database_url) in SQL_BACKENDS:
        engine = create_sql_engine(database_url, pool)
        migrate(engine, script_location, version_table)
        engine.dispose()


@dataclass(frozen=True)
class SqlSchema:
    """A service's alembic scripts and the version table that records how far they ran."""

    script_location: str
    version_table: str

    def migrate(self, engine: Engine) -> None:
        migrate(engine, self.script_location, self.version_table)

    def migrate_database(self, database_url: str, pool: SqlPool = DEFAULT_POOL) -> None:
        migrate_database(database_url, self.script_location, self.version_table, pool)


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """SQLite's counterpart of the advisory lock: several gunicorn workers start together and
    each migrates; an exclusive lock on a file beside the database makes them take turns."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_alembic_env(context: Any, metadata: sa.MetaData) -> None:
    """The body of each service's alembic `env.py`: online migrations on the given connection.

    `migrate()` hands the connection over; the `alembic` command line passes `-x url=…`."""
    config = context.config
    version_table = config.attributes.get("version_table") or config.get_main_option(
        "version_table", "alembic_version"
    )
    connection = config.attributes.get("connection")
    if connection is None:
        url = context.get_x_argument(as_dictionary=True).get("url")
        if not url:
            raise SystemExit("pass the database with: alembic -x url=<DATABASE_URL> upgrade head")
        with create_sql_engine(url).connect() as connection:
            _run(context, connection, metadata, version_table)
            connection.commit()
        return
    _run(context, connection, metadata, version_table)


def _run(context: Any, connection: Any, metadata: sa.MetaData, version_table: str) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=version_table,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
