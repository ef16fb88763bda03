"""`PushWorker`: the push notification worker's loop (`python -m services.chat_file.push_worker`
builds one on the composition root and runs it).

One loop per process: move due retries back to the job stream, take new entries of both
streams (consumer group `workers`, so several workers share the load), fan message events out
into jobs, deliver jobs on a thread pool (a slow provider holds one thread, not the loop), and
acknowledge each entry once settled. Entries a dead worker left unacknowledged are claimed
again after `stale_seconds` (at-least-once; delivered jobs are deduplicated by their mark).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from services.chat_file.push.application.delivery import PushDelivery
from services.chat_file.push.application.fanout import PushFanout

logger = logging.getLogger(__name__)

Entry = tuple[str, str, dict[str, Any]]  # (stream kind, entry id, fields)


class WorkQueue(Protocol):
    """The shared push queue as the worker drives it (`RedisPushQueue`)."""

    def ensure_groups(self) -> None: ...

    def release_due(self) -> int: ...

    def read(self, consumer: str, count: int, block_ms: int) -> list[Entry]: ...

    def claim_stale(self, consumer: str, idle_ms: int) -> list[Entry]: ...

    def enqueue(self, jobs: list[dict[str, Any]]) -> None: ...

    def count(self, outcome: str, n: int = 1) -> None: ...

    def ack(self, kind: str, entry_id: str) -> None: ...


class PushWorker:
    def __init__(
        self,
        queue: WorkQueue,
        fanout: PushFanout,
        delivery: PushDelivery,
        *,
        consumer: str,
        threads: int = 8,
        batch: int = 100,
        block_ms: int = 500,
        stale_seconds: float = 60.0,
    ) -> None:
        self.queue = queue
        self.fanout = fanout
        self.delivery = delivery
        self.consumer = consumer
        self.batch = batch
        self.block_ms = block_ms
        self.stale_ms = int(stale_seconds * 1000)
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push")
        self._next_claim = 0.0
        self._ready = False  # consumer groups ensured

    def run(self, stop: threading.Event) -> None:
        logger.info("push worker %s started", self.consumer)
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:  # Redis or the database down: wait, then carry on
                logger.exception("push worker iteration failed")
                stop.wait(1.0)
        self._pool.shutdown(wait=True)

    def run_once(self) -> int:
        """One pass; how many entries it settled or attempted."""
        if not self._ready:
            self.queue.ensure_groups()
            self._ready = True
        self.queue.release_due()
        entries = self._stale() + self.queue.read(self.consumer, self.batch, self.block_ms)
        events = [e for e in entries if e[0] == "events"]
        jobs = [e for e in entries if e[0] == "jobs"]
        for entry in events:
            self._fan_out(entry)
        list(self._pool.map(self._deliver, jobs))
        return len(entries)

    def _stale(self) -> list[Entry]:
        now = time.monotonic()
        if now < self._next_claim:
            return []
        self._next_claim = now + self.stale_ms / 2000
        return self.queue.claim_stale(self.consumer, self.stale_ms)

    def _fan_out(self, entry: Entry) -> None:
        kind, entry_id, event = entry
        try:
            self.queue.enqueue(self.fanout.jobs_for(event))
            self.queue.count("fanned_out")
        except Exception:  # left pending: claimed again after stale_seconds
            logger.exception("push fan-out failed for message %s", event.get("messageId"))
            return
        self.queue.ack(kind, entry_id)

    def _deliver(self, entry: Entry) -> None:
        kind, entry_id, job = entry
        try:
            self.delivery.deliver(job)
        except Exception:
            logger.exception("push delivery failed for job %s", job.get("jobId"))
            return
        self.queue.ack(kind, entry_id)
