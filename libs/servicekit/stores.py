"""Store plumbing: MongoDB and Redis connections, and `guard_store` for every adapter."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
from redis.connection import parse_url
from redis.sentinel import Sentinel

from .errors import StoreUnavailableError

T = TypeVar("T")


def mongo_store_errors() -> tuple[type[Exception], ...]:
    """The pymongo failures that mean "the database did not answer" (DuplicateKeyError and
    other operation failures are not among them)."""
    from pymongo.errors import ConnectionFailure, ExecutionTimeout, WTimeoutError

    # ConnectionFailure covers AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError
    return (ConnectionFailure, ExecutionTimeout, WTimeoutError)


logger = logging.getLogger(__name__)


def connect_mongo(uri: str, db_name: str) -> Any:
    """A pymongo `Database` for a `mongodb://` `uri`; in-process mongomock for `mongomock://`.

    mongomock is a test double for throwaway runs: its data lives in this process only."""
    if uri and not uri.startswith("mongomock:"):
        import pymongo

        client: Any = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=True)
        default = client.get_default_database(default=db_name)
        return default
    import mongomock

    logger.warning("mongomock: in-process MongoDB double, data is lost when the process exits")
    return mongomock.MongoClient(tz_aware=True)[db_name]


Sentinels = Sequence[tuple[str, int]]
DEFAULT_SENTINEL_SERVICE = "mymaster"


def connect_redis(
    url: str,
    *,
    timeout: float = 2.0,
    max_connections: int = 200,
    sentinels: Sentinels = (),
    service: str = DEFAULT_SENTINEL_SERVICE,
    ca_file: str = "",
) -> redis.Redis:
    """A Redis client with short timeouts so a dead server fails fast instead of hanging.

    The pool blocks (up to `timeout`) when all connections are busy instead of raising "Too many
    connections": under gevent a burst of greenlets then queues rather than turning into errors.
    With `sentinels`, the client talks to the primary the sentinels name for `service` (db and
    credentials still come from `url`) and follows it through a failover.
    `rediss://` URLs use TLS; `ca_file` is then the bundle the server's certificate must chain
    to (default: the system's trust store).
    """
    if sentinels:
        return sentinel_primary(url, sentinels, service, timeout, max_connections)
    tls = {"ssl_ca_certs": ca_file} if ca_file and url.startswith("rediss://") else {}
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=timeout,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        health_check_interval=30,
        **tls,
    )
    return redis.Redis(connection_pool=pool)


def sentinel_primary(
    url: str, sentinels: Sentinels, service: str, timeout: float, max_connections: int
) -> redis.Redis:
    """The primary of `service` as named by `sentinels`. Every new connection asks them again,
    so after a failover the client reaches the new primary without a restart; while none is
    reachable, commands fail fast with a `redis.ConnectionError` (the services' Redis-outage
    paths). redis-py's Sentinel pool does not block when full: past `max_connections` busy
    connections a command fails instead of queueing."""
    options = {k: v for k, v in parse_url(url).items() if k in {"db", "username", "password"}}
    timeouts = {"socket_timeout": timeout, "socket_connect_timeout": timeout}
    sentinel = Sentinel(list(sentinels), sentinel_kwargs=timeouts, **timeouts)
    return sentinel.master_for(
        service,
        max_connections=max_connections,
        health_check_interval=30,
        **timeouts,
        **options,
    )


def sentinel_queue_url(url: str, sentinels: Sentinels, service: str) -> str:
    """A `redis://` message-queue URL rewritten for python-socketio's Sentinel support
    (`redis+sentinel://[user:password@]host:port,.../db/service`); other URLs unchanged."""
    parsed = urlsplit(url)
    if not sentinels or parsed.scheme != "redis":
        return url
    credentials = parsed.netloc.rpartition("@")[0]
    hosts = ",".join(f"{host}:{port}" for host, port in sentinels)
    db = parsed.path.strip("/") or "0"
    return f"redis+sentinel://{credentials + '@' if credentials else ''}{hosts}/{db}/{service}"


def guard_store(*errors: type[Exception]) -> Callable[[type[T]], type[T]]:
    """Class decorator: every public method raises `StoreUnavailableError` instead of `errors`.

    The driver's connection failures then never reach the application or interface layers;
    adapters catch the conflicts they mean (duplicate keys) inside their methods, first.
    """

    def wrap(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            try:
                return method(*args, **kwargs)
            except errors as exc:
                logger.error("store unavailable in %s: %s", method.__qualname__, exc)
                raise StoreUnavailableError() from exc

        return guarded

    def decorate(cls: type[T]) -> type[T]:
        for name, member in list(vars(cls).items()):
            if callable(member) and not name.startswith("_"):
                setattr(cls, name, wrap(member))
        return cls

    return decorate
