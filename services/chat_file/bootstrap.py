"""The composition root: `build(settings, **overrides)` makes the adapters and the services.

Tests pass fakes by keyword (`stores=` a `ChatStores` bundle, `cache=`, `auth_client=`,
`notifier=`, `redis=`, `attachments=`, `clock=`...); `db=` wraps a (mongomock or flaky)
pymongo database in the Mongo adapters. Otherwise the stores come from `DATABASE_URL`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import redis

from libs.servicekit.stores import connect_redis
from libs.sessions import RedisRevocations, RevocationMirror
from libs.usercache import UserCache, local_profiles

from .application.breaker import CircuitBreaker
from .application.conversations import ConversationService
from .application.devices import DeviceService
from .application.directory import UserDirectory
from .application.file_links import FileAttachments, StoreConversationAccess
from .application.file_sweeper import OrphanSweeper, SweepableStorage
from .application.files import DownloadLinks, FileService, FileStorage
from .application.mentions import Mentions
from .application.messages import MessageService
from .application.notify_prefs import NotificationSettingsService
from .application.ports import (
    Notifier,
    NullNotifier,
    ProfileCache,
    ProfileSource,
)
from .application.push import with_push
from .application.push_ports import PushOutbox
from .application.realtime import SendRateLimiter
from .application.receipts import ReceiptService
from .infrastructure.auth_client import HttpAuthUserClient
from .infrastructure.file_storage import GridFSFileStorage, LocalFileStorage
from .infrastructure.push_outbox import BufferedOutbox
from .infrastructure.push_queue import RedisPushQueue
from .infrastructure.stores import ChatStores, open_chat_stores, open_mongo_stores
from .infrastructure.thumbnails import PillowThumbnailer
from .infrastructure.tokens import JwtVerifier
from .settings import Settings
from .token_keys import token_keys

logger = logging.getLogger(__name__)


@dataclass
class ChatServices:
    settings: Settings
    stores: ChatStores
    redis: redis.Redis
    verifier: JwtVerifier
    cache: ProfileCache
    auth_client: ProfileSource
    directory: UserDirectory
    conversations: ConversationService
    messages: MessageService
    receipts: ReceiptService
    notifier: Notifier
    files: FileService
    devices: DeviceService
    notification_settings: NotificationSettingsService
    push_queue: RedisPushQueue | None = None  # None when PUSH_ENABLED is off
    push_outbox: PushOutbox | None = None  # a BufferedOutbox unless a test passes a fake
    revocations: RedisRevocations | None = None  # followed by the socket layer's listener
    send_limiter: SendRateLimiter | None = None  # HTTP messages and uploads, per user

    def attach_notifier(self, notifier: Notifier) -> None:
        """Plug the real-time layer in: every service announces through it from now on (new
        messages also go to the push outbox)."""
        self.notifier = notifier
        announced = with_push(notifier, self.push_outbox)
        for service in (self.conversations, self.messages, self.receipts):
            service.notifier = announced
        self.notification_settings.notifier = notifier

    def readiness(self) -> dict[str, Any]:
        try:
            redis_ok = bool(self.redis.ping())
        except redis.RedisError:
            redis_ok = False
        return {
            "database": self.stores.ping(),
            "redis": redis_ok,
            "authUser": self.auth_client.ping(),
            "breaker": self.directory.breaker.state,
            "revocations": self.verifier.mirror.status(),
        }


def build(settings: Settings, **overrides: Any) -> ChatServices:
    stores = _stores(settings, overrides)
    client = overrides.get("redis") or connect_redis(
        settings.redis_url,
        sentinels=settings.redis_sentinels,
        service=settings.redis_sentinel_service,
        ca_file=settings.tls_ca_file,
    )
    cache = overrides.get("cache") or UserCache(
        client,
        prefix=settings.user_cache_prefix,
        ttl=settings.user_cache_ttl,
        local=local_profiles(
            settings.user_cache_l1, settings.user_cache_l1_size, settings.user_cache_l1_ttl
        ),
    )
    auth_client = overrides.get("auth_client") or HttpAuthUserClient(
        settings.auth_user_service_url,
        settings.auth_user_timeout,
        settings.service_secret,
        ca_file=settings.tls_ca_file,
        attempts=settings.auth_user_attempts,
    )
    breaker = overrides.get("breaker") or CircuitBreaker(
        settings.breaker_failures, settings.breaker_reset_seconds
    )
    directory = overrides.get("directory") or UserDirectory(
        cache, auth_client, breaker, negative_ttl=settings.negative_cache_seconds
    )
    notifier: Notifier = overrides.get("notifier") or NullNotifier()
    push_queue, push_outbox = _push(settings, client, overrides)
    announced = with_push(notifier, push_outbox)
    conversation_store, message_store = stores.conversations, stores.messages
    files = overrides.get("files") or build_files(settings, stores, overrides)
    clock = {"clock": overrides["clock"]} if "clock" in overrides else {}
    mentions = Mentions(stores.mentions, directory)
    conversations = ConversationService(
        conversation_store, directory, announced, mentions=mentions, **clock
    )
    messages = MessageService(
        conversation_store,
        message_store,
        directory,
        announced,
        conversations,
        attachments=overrides.get("attachments") or FileAttachments(files),
        max_length=settings.max_message_length,
        mentions=mentions,
        **clock,
    )
    receipts = ReceiptService(conversation_store, message_store, announced, **clock)
    mirror = RevocationMirror(settings.revocation_max_staleness)
    devices = DeviceService(stores.devices, settings.push.endpoint_hosts, **clock)
    mirror.subscribe(devices.forget_ended)  # an ended session gets no more pushes
    return ChatServices(
        settings=settings,
        stores=stores,
        redis=client,
        verifier=JwtVerifier(overrides.get("token_keys") or token_keys(settings), mirror=mirror),
        cache=cache,
        auth_client=auth_client,
        directory=directory,
        conversations=conversations,
        messages=messages,
        receipts=receipts,
        notifier=notifier,
        files=files,
        devices=devices,
        notification_settings=NotificationSettingsService(
            stores.notification_settings, conversation_store, notifier, **clock
        ),
        push_queue=push_queue,
        push_outbox=push_outbox,
        revocations=RedisRevocations(client, prefix=settings.redis_key_prefix),
        send_limiter=SendRateLimiter(
            settings.socket_send_rate, burst=max(settings.socket_send_rate * 2, 1)
        ),
    )


def _push(
    settings: Settings, client: redis.Redis, overrides: dict[str, Any]
) -> tuple[RedisPushQueue | None, PushOutbox | None]:
    """The push queue and this process's outbox (None, None when PUSH_ENABLED is off).
    Overrides: `push_queue=`, `push_outbox=` (any `PushOutbox`)."""
    if not settings.push.enabled:
        return None, None
    queue = overrides.get("push_queue") or RedisPushQueue(client, prefix=settings.redis_key_prefix)
    return queue, overrides.get("push_outbox") or BufferedOutbox(queue)


def _stores(settings: Settings, overrides: dict[str, Any]) -> ChatStores:
    if overrides.get("stores") is not None:
        return overrides["stores"]
    if overrides.get("db") is not None:
        return open_mongo_stores(overrides["db"], "mongomock")
    return open_chat_stores(settings.database_url, settings.mongodb_db)


def build_files(settings: Settings, stores: ChatStores, overrides: dict[str, Any]) -> FileService:
    """Files: bytes in a directory (default), GridFS or an S3 bucket, metadata in the stores,
    Pillow thumbnails (S3 may sign download redirects). Overrides: `file_storage=`,
    `file_store=`, `thumbnailer=`, `conversation_access=`."""
    storage = overrides.get("file_storage") or _file_storage(settings, stores)
    presigned = settings.file_storage == "s3" and settings.s3.presigned_downloads
    return FileService(
        store=overrides.get("file_store") or stores.files,
        storage=storage,
        thumbnailer=overrides.get("thumbnailer") or PillowThumbnailer(),
        conversations=overrides.get("conversation_access")
        or StoreConversationAccess(stores.conversations),
        max_upload_bytes=settings.max_upload_bytes,
        links=cast(DownloadLinks, storage) if presigned else None,
    )


def build_file_sweeper(
    settings: Settings, grace: timedelta, **overrides: Any
) -> tuple[OrphanSweeper, ChatStores]:
    """The orphan sweeper over the configured storage and the stores (close them after)."""
    stores = _stores(settings, overrides)
    storage = overrides.get("file_storage") or _file_storage(settings, stores)
    return OrphanSweeper(cast(SweepableStorage, storage), stores.files, grace), stores


def _file_storage(settings: Settings, stores: ChatStores) -> FileStorage:
    if settings.file_storage == "gridfs":
        return GridFSFileStorage(stores.mongo_db)
    if settings.file_storage == "s3":
        from .infrastructure.s3_storage import S3FileStorage, make_s3_client

        s3 = settings.s3
        client = make_s3_client(s3.endpoint_url, s3.region, s3.access_key_id, s3.secret_access_key)
        return S3FileStorage(client, s3.bucket, s3.presign_seconds)
    return LocalFileStorage(settings.files_dir)
