"""The databases tests run on: SQLite files, PostgreSQL, mongomock, and MongoDB when configured.

PostgreSQL: the server at `TEST_POSTGRES_URL` (default the local one, user postgres). Each test
session creates its own database (`ngomna_test_<random>`) and drops it at the end. When the
server is absent the PostgreSQL legs skip with a loud reason, except under CI (`CI=true`),
where a missing PostgreSQL fails the run: `.ci/run` is expected to have started it.
MongoDB: only when `MONGODB_URI` names a real server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .legs import IN_CI, cannot_run

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
MONGODB_URI = os.environ.get("MONGODB_URI", "")

# Every backend a store contract runs on; "memory" is the in-memory fakes of tests/.
SQL_BACKENDS = ("sqlite", "postgresql")
ALL_BACKENDS = ("memory", "sqlite", "postgresql", "mongomock", "mongodb")


def postgres_available() -> str | None:
    """None when the server answers, else why not."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.SQLAlchemyError as exc:
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}"
    return None


def require_postgres() -> None:
    reason = postgres_available()
    if reason is None:
        return
    cannot_run(f"POSTGRESQL LEG — {reason}")


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new empty PostgreSQL database; its URL; dropped on exit."""
    import sqlalchemy as sa

    require_postgres()
    name = f"ngomna_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def sqlite_url(directory: Path, name: str = "ngomna") -> str:
    return f"sqlite:///{directory / f'{name}.db'}"


def require_mongodb() -> str:
    if not MONGODB_URI:
        pytest.skip("MONGODB_URI not set: no real MongoDB server")
    return MONGODB_URI


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One PostgreSQL database for the whole session (tests use unique ids, never truncate)."""
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_session_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return sqlite_url(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="module")
def e2e_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """What the real-process tests of one module run on: a new PostgreSQL database when the
    server answers (always under CI), else a SQLite file, said loudly."""
    reason = postgres_available()
    if reason is None:
        with postgres_database() as url:
            yield url
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI must start PostgreSQL: see .ci/run)", pytrace=False)
    print(f"\nE2E ON SQLITE — {reason}")
    yield sqlite_url(tmp_path_factory.mktemp("e2e-sqlite"), "e2e")


@pytest.fixture(scope="module")
def module_database(e2e_database_url: str) -> Iterator[str]:
    """Real processes started by this module (they inherit os.environ) use a fresh database.

    Use it autouse in the conftest of a tier that starts services (e2e, resilience...)."""
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = e2e_database_url
    try:
        yield e2e_database_url
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
