"""Fixtures shared by every tier. Redis is the real server; tests isolate by key prefix."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

pytest_plugins = ["tests.support.databases", "tests.support.s3"]

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


@contextmanager
def redis_namespace(client: redis.Redis, label: str = "") -> Iterator[str]:
    """A unique key prefix; its keys are deleted on exit (never FLUSHDB: Redis is shared)."""
    prefix = f"test:{label + ':' if label else ''}{uuid.uuid4().hex[:10]}:"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)


@pytest.fixture
def key_prefix(redis_client: redis.Redis) -> Iterator[str]:
    """A unique namespace for one test."""
    with redis_namespace(redis_client) as prefix:
        yield prefix


@pytest.fixture(scope="module")
def module_key_prefix(redis_client: redis.Redis, request: pytest.FixtureRequest) -> Iterator[str]:
    """A unique namespace shared by one test module (e.g. the services it starts)."""
    with redis_namespace(redis_client, request.module.__name__.rsplit(".", 1)[-1]) as prefix:
        yield prefix
