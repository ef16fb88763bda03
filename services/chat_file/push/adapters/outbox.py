"""`BufferedOutbox`: the request path's end of the push queue, off the request path.

`message_stored` only appends the event to an in-process buffer (microseconds) and wakes a
background flusher (a thread; a greenlet under gevent/eventlet monkey patching) that appends
buffered events to the Redis stream in pipelined batches. So a slow or unreachable Redis
never slows or fails a send: while Redis is down the flusher keeps the events (up to
`capacity`, then drops and counts them) and retries every second. The window between a send
and its event reaching Redis is normally a few milliseconds; a process killed inside it loses
those notifications (never the messages).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from typing import Any

import redis

from services.chat_file.push.adapters.queue import RedisPushQueue

logger = logging.getLogger(__name__)

RETRY_SECONDS = 1.0
LINGER_SECONDS = 0.02  # gather a burst into one pipelined append


class BufferedOutbox:
    def __init__(self, queue: RedisPushQueue, *, capacity: int = 50_000, batch: int = 500) -> None:
        self._queue = queue
        self._buffer: deque[dict[str, Any]] = deque()
        self._capacity = capacity
        self._batch = batch
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._pid = 0  # the process whose flusher runs (a forked worker starts its own)
        self._stopped = False
        self.dropped = 0

    def message_stored(self, event: dict[str, Any]) -> None:
        if len(self._buffer) >= self._capacity:
            self.dropped += 1
            return
        self._buffer.append(event)
        self._ensure_flusher()
        self._wake.set()

    def pending(self) -> int:
        return len(self._buffer)

    def flush(self) -> int:
        """Append what is buffered to the stream now; how many events went."""
        sent = 0
        while self._buffer:
            batch = [self._buffer.popleft() for _ in range(min(self._batch, len(self._buffer)))]
            try:
                self._queue.append_events(batch)
            except redis.RedisError:
                self._buffer.extendleft(reversed(batch))  # kept, in order, for the next try
                raise
            sent += len(batch)
        return sent

    def stop(self) -> None:
        """End the flusher after its current attempt (what is still buffered stays here)."""
        self._stopped = True
        self._wake.set()

    def _ensure_flusher(self) -> None:
        if self._pid == os.getpid():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._pid = os.getpid()
                threading.Thread(target=self._run, name="push-outbox", daemon=True).start()

    def _run(self) -> None:
        while not self._stopped:
            self._wake.wait()
            time.sleep(LINGER_SECONDS)
            self._wake.clear()
            try:
                self.flush()
            except redis.RedisError as exc:
                logger.warning("push outbox: Redis unavailable (%s), %d kept", exc, self.pending())
                self._wake.wait(RETRY_SECONDS)
                self._wake.set()
            except Exception:  # not a Redis answer (a bug or a test double): drop, carry on
                logger.exception("push outbox: %d events dropped", self.pending())
                self._buffer.clear()
