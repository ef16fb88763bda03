"""`python -m services.chat_file.push_worker`: the push notification worker's composition root.

Conversations (read through its facade) and push, over the users context's directory: the same
stores and Redis as the web app, no Socket.IO server, no use case that writes a message. Online
users come from realtime's Redis presence store; the providers are the ones the settings
enable.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from redis import Redis

from libs.servicekit.observability import configure_logging
from services.chat_file.bootstrap import ChatServices, connect_to_redis, open_stores
from services.chat_file.conversations.facade import MessageLookup
from services.chat_file.push.adapters.queue import RedisPushQueue
from services.chat_file.push.application.ports import PushSender
from services.chat_file.push.wiring import push_queue, push_worker, senders_for
from services.chat_file.push.worker import PushWorker
from services.chat_file.realtime.adapters.presence import RedisPresence
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import ChatStores
from services.chat_file.users.application.directory import UserDirectory
from services.chat_file.users.application.ports import ProfileCache, ProfileSource
from services.chat_file.users.wiring import wire_directory


def build_worker(
    settings: Settings,
    shared: ChatServices | None = None,
    *,
    stores: ChatStores | None = None,
    db: Any = None,
    redis: Redis | None = None,
    cache: ProfileCache | None = None,
    auth_client: ProfileSource | None = None,
    senders: dict[str, PushSender] | None = None,
) -> PushWorker:
    """The worker over its own stores and Redis, or over the adapters of `shared` (a web app
    wired in the same process, as tests and the bench do)."""
    directory: UserDirectory
    queue: RedisPushQueue | None = None
    if shared is not None:
        adapters = shared.adapters
        stores, client, directory = adapters.stores, adapters.redis, shared.directory
        queue = adapters.push_queue
    else:
        stores = stores or open_stores(settings, db)
        client = redis or connect_to_redis(settings)
        people = wire_directory(settings, client, cache=cache, auth_client=auth_client)
        directory = people.directory
    presence = RedisPresence(client, prefix=settings.redis_key_prefix, ttl=settings.presence_ttl)
    return push_worker(
        settings,
        queue=queue or push_queue(settings, client),
        messages=MessageLookup(stores.conversations, stores.messages, stores.badges),
        devices=stores.devices,
        notification_settings=stores.notification_settings,
        blocks=stores.blocks,
        directory=directory,
        presence=presence,
        senders=senders if senders is not None else senders_for(settings),
    )


def main() -> None:
    configure_logging("push_worker", os.environ.get("LOG_LEVEL", "INFO"))
    worker = build_worker(Settings.from_env())
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    worker.run(stop)


if __name__ == "__main__":
    main()
