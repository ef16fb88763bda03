"""chat_file stores on every backend: in-memory fakes, SQLite, PostgreSQL, mongomock, MongoDB."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import mongomock
import pytest

from services.chat_file.storage.stores import (
    ChatStores,
    open_mongo_stores,
    open_sql_stores,
)
from tests.fake_stores import fake_chat_stores
from tests.support.databases import ALL_BACKENDS, require_mongodb


@pytest.fixture(scope="session")
def sqlite_chat_stores(sqlite_session_url: str) -> Iterator[ChatStores]:
    stores = open_sql_stores(sqlite_session_url)
    yield stores
    stores.close()


@pytest.fixture(scope="session")
def postgresql_chat_stores(postgres_url: str) -> Iterator[ChatStores]:
    stores = open_sql_stores(postgres_url)
    yield stores
    stores.close()


@pytest.fixture(params=ALL_BACKENDS)
def stores(request: pytest.FixtureRequest) -> Iterator[ChatStores]:
    """Every test runs once per backend. Shared databases: tests use fresh ids, never truncate."""
    backend = request.param
    if backend == "memory":
        yield fake_chat_stores()
    elif backend in {"sqlite", "postgresql"}:
        yield request.getfixturevalue(f"{backend}_chat_stores")
    elif backend == "mongomock":
        yield open_mongo_stores(mongomock.MongoClient(tz_aware=True)["contract"], "mongomock")
    else:
        yield from _real_mongo()


def _real_mongo() -> Iterator[ChatStores]:
    import pymongo

    client: Any = pymongo.MongoClient(
        require_mongodb(), serverSelectionTimeoutMS=3000, tz_aware=True
    )
    name = f"chat_contract_{uuid.uuid4().hex[:8]}"
    yield open_mongo_stores(client[name])
    client.drop_database(name)
