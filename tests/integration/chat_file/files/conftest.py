"""Mongo databases for the file adapters: mongomock always, a real server if MONGODB_URI is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import mongomock
import pytest

MONGODB_URI = os.environ.get("MONGODB_URI", "")
MONGO_BACKENDS = ["mongomock", "mongodb"]


def open_mongo(backend: str) -> Iterator[Any]:
    if backend == "mongomock":
        yield mongomock.MongoClient(tz_aware=True)["chat_file_files_test"]
        return
    if not MONGODB_URI:
        pytest.skip("MONGODB_URI not set: real MongoDB run skipped")
    import pymongo

    client: Any = pymongo.MongoClient(MONGODB_URI, serverSelectionTimeoutMS=3000, tz_aware=True)
    name = f"test_files_{uuid.uuid4().hex[:8]}"
    try:
        yield client[name]
    finally:
        client.drop_database(name)
        client.close()


@pytest.fixture(params=MONGO_BACKENDS)
def mongo_db(request: pytest.FixtureRequest) -> Iterator[Any]:
    yield from open_mongo(request.param)
