"""`python -m services.chat_file.interfaces.push_worker`: the push notification worker.

One loop per process: move due retries back to the job stream, take new entries of both
streams (consumer group `workers`, so several workers share the load), fan message events out
into jobs, deliver jobs on a thread pool (a slow provider holds one thread, not the loop), and
acknowledge each entry once settled. Entries a dead worker left unacknowledged are claimed
again after `stale_seconds` (at-least-once; delivered jobs are deduplicated by their mark).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from libs.servicekit.observability import configure_logging
from services.chat_file.application.push import PushDelivery, PushFanout
from services.chat_file.application.push_ports import PushSender
from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.infrastructure.fcm import FcmSender
from services.chat_file.infrastructure.presence import RedisPresence
from services.chat_file.infrastructure.push_queue import Entry, RedisPushQueue
from services.chat_file.infrastructure.webpush import WebPushSender
from services.chat_file.settings import Settings

logger = logging.getLogger(__name__)


class PushWorker:
    def __init__(
        self,
        queue: RedisPushQueue,
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


def senders_for(settings: Settings) -> dict[str, PushSender]:
    push = settings.push
    senders: dict[str, PushSender] = {}
    if push.webpush_ready:
        senders["webpush"] = WebPushSender(
            push.vapid_private_key, push.vapid_subject, ttl=push.ttl, timeout=push.timeout
        )
    if push.fcm_ready:
        senders["fcm"] = FcmSender(
            push.fcm_project_id,
            push.fcm_credentials_file,
            endpoint=push.fcm_endpoint,
            ttl=push.ttl,
            timeout=push.timeout,
        )
    return senders


def build_worker(
    settings: Settings, services: ChatServices | None = None, **overrides: Any
) -> PushWorker:
    """The worker on chat_file's own composition root (same stores, Redis, directory)."""
    chat = services or build(settings, **overrides)
    queue = chat.push_queue or RedisPushQueue(chat.redis, prefix=settings.redis_key_prefix)
    presence = RedisPresence(
        chat.redis, prefix=settings.redis_key_prefix, ttl=settings.presence_ttl
    )
    stores, push = chat.stores, settings.push
    fanout = PushFanout(
        stores.conversations,
        stores.messages,
        stores.devices,
        chat.directory,
        presence,
        stores.notification_settings,
        stores.badges,
    )
    delivery = PushDelivery(
        queue,
        overrides.get("senders") or senders_for(settings),
        stores.devices,
        max_attempts=push.max_attempts,
        retry_base=push.retry_base_seconds,
        retry_cap=push.retry_max_seconds,
    )
    consumer = f"{socket.gethostname()}-{os.getpid()}"
    stale = max(60.0, push.timeout * 3)
    return PushWorker(queue, fanout, delivery, consumer=consumer, stale_seconds=stale)


def main() -> None:
    configure_logging("push_worker", os.environ.get("LOG_LEVEL", "INFO"))
    settings = Settings.from_env()
    worker = build_worker(settings)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.run(stop)


if __name__ == "__main__":
    main()
