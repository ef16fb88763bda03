"""`InvalidationListener`: keeps a `LocalProfiles` true with Redis client-side caching.

One dedicated RESP2 connection enables `CLIENT TRACKING on REDIRECT <its own id> BCAST PREFIX
<prefix>` and subscribes to `__redis__:invalidate`: Redis then names every key under the prefix
that is written, deleted, expired or evicted, whoever did it, and sends a nil list when it
flushes. Tracking lives and dies with this one connection, so losing it loses nothing silently:
the L1 is flushed and stops serving until tracking is back (and is flushed again then).

The loop is a daemon `threading.Thread` blocking on the socket: a real thread under gthread,
a greenlet once gevent or eventlet monkey patching ran. It starts lazily on first use and
again in a forked child. A server that refuses tracking (Redis < 6, a fake) turns the L1 off
for good, with one log line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from typing import Any

import redis

from .local import LocalProfiles

logger = logging.getLogger(__name__)

CHANNEL = "__redis__:invalidate"


class InvalidationListener:
    def __init__(
        self,
        client: redis.Redis,
        local: LocalProfiles,
        prefix: str,
        *,
        health_interval: float = 5.0,
        max_backoff: float = 2.0,
    ) -> None:
        self._client = client
        self._local = local
        self._prefix = prefix
        self._health_interval = health_interval
        self._max_backoff = max_backoff
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._pid = 0
        self._conn: Any = None
        self.unsupported = False
        self.connected_count = 0
        self.name = f"usercache-l1-{os.getpid()}-{id(self):x}"  # CLIENT LIST shows it

    def ensure_started(self) -> None:
        """Start the loop in this process if it is not running (cheap when it is)."""
        if self._pid == os.getpid() or self.unsupported:
            return
        with self._start_lock:
            if self._pid == os.getpid():
                return
            self._local.active = False
            self._local.flush()  # a forked child must not trust its parent's entries
            self._pid = os.getpid()
            self._stop.clear()
            threading.Thread(target=self._run, name="usercache-invalidations", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        self._local.active = False
        self._pid = 0

    def _run(self) -> None:
        backoff = 0.05
        while not self._stop.is_set() and not self.unsupported:
            try:
                self._serve()
                backoff = 0.05
            except redis.ResponseError as exc:
                logger.warning("Redis refused client tracking, in-process cache off: %s", exc)
                self.unsupported = True
            except (redis.RedisError, OSError) as exc:
                logger.warning("user cache invalidations lost, in-process cache flushed: %s", exc)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
            finally:
                self._lost()

    def _serve(self) -> None:
        conn = self._conn = self._connect()
        self._local.flush()  # anything stored before tracking was on may be stale
        self._local.active = True
        self.connected_count += 1
        logger.info("user cache invalidations subscribed (prefix %s)", self._prefix)
        pinged, answered = time.monotonic(), True
        while not self._stop.is_set():
            if conn.can_read(timeout=min(1.0, self._health_interval)):
                self._handle(conn.read_response())
                answered = True
            elif time.monotonic() - pinged >= self._health_interval:
                if not answered:  # a silent peer (partition, frozen server) counts as lost
                    raise redis.ConnectionError("no answer to PING on the tracking connection")
                conn.send_command("PING")
                pinged, answered = time.monotonic(), False

    def _connect(self) -> Any:
        pool = self._client.connection_pool
        kwargs = {
            k: v
            for k, v in pool.connection_kwargs.items()
            if not k.startswith("maint_notifications")
        }
        kwargs.update(
            protocol=2, health_check_interval=0, socket_timeout=None, client_name=self.name
        )
        conn = pool.connection_class(**kwargs)
        conn.connect()
        conn.send_command("CLIENT", "ID")
        client_id = conn.read_response()
        conn.send_command(
            "CLIENT", "TRACKING", "on", "REDIRECT", client_id, "BCAST", "PREFIX", self._prefix
        )
        conn.read_response()
        conn.send_command("SUBSCRIBE", CHANNEL)
        conn.read_response()
        return conn

    def _handle(self, message: Any) -> None:
        if not isinstance(message, list) or len(message) != 3 or message[0] != b"message":
            return  # subscribe confirmations, pongs
        keys = message[2]
        if keys is None:  # FLUSHALL / FLUSHDB: everything may have changed
            self._local.flush()
            return
        prefix_len = len(self._prefix)
        self._local.invalidate(k.decode()[prefix_len:] for k in keys)

    def _lost(self) -> None:
        self._local.active = False
        self._local.flush()
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                conn.disconnect()
