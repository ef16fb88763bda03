"""The PostgreSQL pool: an idle connection the server closed is replaced before use, a busy one
is not pinged (no extra round trip per store call), and a killed busy one fails once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from libs.servicekit.sql import SqlPool, create_sql_engine
from tests.support.databases import POSTGRES_ADMIN_URL, postgres_database


@pytest.fixture
def database() -> Iterator[str]:
    with postgres_database() as url:
        yield url


def backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as db:
        return int(db.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def terminate(pid: int) -> None:
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def statements(engine: sa.Engine) -> list[str]:
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    return sent


def test_an_idle_connection_the_server_closed_is_replaced_before_use(database: str) -> None:
    engine = create_sql_engine(database, SqlPool(size=1), idle_ping=0.2)
    old = backend_pid(engine)
    terminate(old)
    time.sleep(0.3)
    assert backend_pid(engine) != old  # the ping failed, a fresh connection answered
    engine.dispose()


def test_a_busy_connection_is_not_pinged(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_sql_engine(database, SqlPool(size=1), idle_ping=60)
    backend_pid(engine)
    pings = counted_pings(engine, monkeypatch)
    sent = statements(engine)
    for _ in range(5):
        backend_pid(engine)
    assert (sent, pings) == (["SELECT pg_backend_pid()"] * 5, [])
    engine.dispose()


def test_an_idle_connection_is_pinged(database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = create_sql_engine(database, SqlPool(size=1), idle_ping=0.1)
    backend_pid(engine)
    pings = counted_pings(engine, monkeypatch)
    time.sleep(0.2)
    backend_pid(engine)
    assert len(pings) == 1
    engine.dispose()


def test_a_killed_busy_connection_fails_once_then_the_pool_recovers(database: str) -> None:
    engine = create_sql_engine(database, SqlPool(size=1), idle_ping=60)
    terminate(backend_pid(engine))
    with pytest.raises(sa.exc.OperationalError):
        backend_pid(engine)
    assert backend_pid(engine) > 0
    engine.dispose()


def counted_pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The connections the engine pings from now on (each ping still runs)."""
    pings: list[object] = []
    ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda c: pings.append(c) or ping(c))
    return pings


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_full_pool_makes_callers_wait_not_fail(
    backend: str, database: str, tmp_path: object
) -> None:
    """DB_POOL_TIMEOUT: a caller queues for a connection another one holds (gevent workers run
    many more greenlets than the pool has connections)."""
    url = database if backend == "postgresql" else f"sqlite:///{tmp_path}/pool.db"
    engine = create_sql_engine(url, SqlPool(size=1, overflow=0, timeout=30))
    held = engine.connect()
    asking, got = threading.Event(), []

    def wait_for_a_connection() -> None:
        asking.set()
        started = time.monotonic()
        got.append((one(engine), time.monotonic() - started))

    waiter = threading.Thread(target=wait_for_a_connection)
    waiter.start()
    asking.wait(10)
    time.sleep(0.5)  # keep the only connection a while: the waiter has to queue for it
    held.close()
    waiter.join(timeout=30)
    assert len(got) == 1 and got[0][0] == 1
    assert got[0][1] >= 0.4  # it waited for the connection instead of failing


def test_a_short_pool_timeout_still_fails_as_unavailable(database: str) -> None:
    engine = create_sql_engine(database, SqlPool(size=1, overflow=0, timeout=0.2))
    with engine.connect(), pytest.raises(sa.exc.TimeoutError):
        one(engine)
    engine.dispose()


def test_prepared_statements_can_be_turned_off_for_pgbouncer(database: str) -> None:
    engine = create_sql_engine(database, SqlPool(size=1, prepared=False))
    with engine.connect() as db:
        assert db.connection.dbapi_connection.prepare_threshold is None  # type: ignore[union-attr]
    engine.dispose()
    engine = create_sql_engine(database, SqlPool(size=1))
    with engine.connect() as db:
        assert db.connection.dbapi_connection.prepare_threshold == 5  # type: ignore[union-attr]
    engine.dispose()


def one(engine: Engine) -> int:
    with engine.connect() as db:
        return int(db.execute(sa.text("SELECT 1")).scalar_one())
