"""Connections to MongoDB (pymongo, or in-process mongomock by default) and Redis."""

from __future__ import annotations

import logging
from typing import Any

import redis

logger = logging.getLogger(__name__)


def connect_mongo(uri: str, db_name: str) -> Any:
    """A pymongo `Database` for `uri`, or an in-process mongomock one when `uri` is empty."""
    if uri:
        import pymongo

        client: Any = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        default = client.get_default_database(default=db_name)
        return default
    import mongomock

    logger.warning("MONGODB_URI not set: using in-process mongomock (data lives in this process)")
    return mongomock.MongoClient(tz_aware=True)[db_name]


def connect_redis(url: str, *, timeout: float = 2.0, max_connections: int = 200) -> redis.Redis:
    """A Redis client with short timeouts so a dead server fails fast instead of hanging.

    The pool blocks (up to `timeout`) when all connections are busy instead of raising "Too many
    connections": under gevent a burst of greenlets then queues rather than turning into errors.
    """
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
    )
    return redis.Redis(connection_pool=pool)
