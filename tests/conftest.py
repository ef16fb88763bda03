"""Fixtures shared by every tier. Redis is the real server; tests isolate by key prefix."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return REDIS_URL


@pytest.fixture(scope="session")
def redis_client(redis_url: str) -> redis.Redis:
    client = redis.Redis.from_url(redis_url)
    try:
        client.ping()
    except redis.RedisError as exc:  # pragma: no cover - environment problem, not a test result
        pytest.exit(f"Redis is required at {redis_url}: {exc}", returncode=3)
    return client


@pytest.fixture
def key_prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A unique namespace for one test; its keys are deleted afterwards (never FLUSHDB)."""
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    yield prefix
    keys = list(redis_client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        redis_client.delete(*keys)
