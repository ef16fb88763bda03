"""`python -m services.chat_file.push_worker`: the push notification worker, built on chat_file's
composition root (same stores, Redis and directory) with the senders the settings enable."""

from __future__ import annotations

import os
import signal
import socket
import threading
from typing import Any

from libs.servicekit.observability import configure_logging
from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.conversations.facade import MessageLookup
from services.chat_file.push.adapters.fcm import FcmSender
from services.chat_file.push.adapters.queue import RedisPushQueue
from services.chat_file.push.adapters.webpush import WebPushSender
from services.chat_file.push.application.delivery import PushDelivery
from services.chat_file.push.application.fanout import PushFanout
from services.chat_file.push.application.ports import PushSender
from services.chat_file.push.worker import PushWorker
from services.chat_file.realtime.adapters.presence import RedisPresence
from services.chat_file.settings import Settings


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
    adapters, push = chat.adapters, settings.push
    queue = adapters.push_queue or RedisPushQueue(adapters.redis, prefix=settings.redis_key_prefix)
    presence = RedisPresence(
        adapters.redis, prefix=settings.redis_key_prefix, ttl=settings.presence_ttl
    )
    stores = adapters.stores
    fanout = PushFanout(
        MessageLookup(stores.conversations, stores.messages, stores.badges),
        stores.devices,
        chat.directory,
        presence,
        stores.notification_settings,
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
    worker = build_worker(Settings.from_env())
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.run(stop)


if __name__ == "__main__":
    main()
