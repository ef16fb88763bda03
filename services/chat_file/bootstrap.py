"""The composition root: `build(settings, **overrides)` makes the adapters and the services.

Tests pass fakes by keyword (`stores=` a `ChatStores` bundle, `cache=`, `auth_client=`,
`notifier=`, `redis=`, `attachments=`, `clock=`...); `db=` wraps a (mongomock or flaky)
pymongo database in the Mongo adapters. Otherwise the stores come from `DATABASE_URL`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis

from libs.servicekit.stores import connect_redis
from libs.sessions import RedisRevocations, RevocationMirror
from libs.usercache import UserCache

from .application.breaker import CircuitBreaker
from .application.conversations import ConversationService
from .application.directory import UserDirectory
from .application.file_links import FileAttachments, StoreConversationAccess
from .application.files import FileService
from .application.messages import MessageService
from .application.ports import (
    Notifier,
    NullNotifier,
    ProfileCache,
    ProfileSource,
)
from .application.realtime import SendRateLimiter
from .application.receipts import ReceiptService
from .infrastructure.auth_client import HttpAuthUserClient
from .infrastructure.file_storage import GridFSFileStorage, LocalFileStorage
from .infrastructure.stores import ChatStores, open_chat_stores, open_mongo_stores
from .infrastructure.thumbnails import PillowThumbnailer
from .infrastructure.tokens import JwtVerifier
from .settings import Settings

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
    revocations: RedisRevocations | None = None  # followed by the socket layer's listener
    send_limiter: SendRateLimiter | None = None  # HTTP messages and uploads, per user

    def attach_notifier(self, notifier: Notifier) -> None:
        """Plug the real-time layer in: every service announces through it from now on."""
        self.notifier = notifier
        for service in (self.conversations, self.messages, self.receipts):
            service.notifier = notifier

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
        settings.redis_url, ca_file=settings.tls_ca_file
    )
    cache = overrides.get("cache") or UserCache(
        client, prefix=settings.user_cache_prefix, ttl=settings.user_cache_ttl
    )
    auth_client = overrides.get("auth_client") or HttpAuthUserClient(
        settings.auth_user_service_url,
        settings.auth_user_timeout,
        settings.service_secret,
        ca_file=settings.tls_ca_file,
    )
    breaker = overrides.get("breaker") or CircuitBreaker(
        settings.breaker_failures, settings.breaker_reset_seconds
    )
    directory = overrides.get("directory") or UserDirectory(
        cache, auth_client, breaker, negative_ttl=settings.negative_cache_seconds
    )
    notifier: Notifier = overrides.get("notifier") or NullNotifier()
    conversation_store, message_store = stores.conversations, stores.messages
    files = overrides.get("files") or build_files(settings, stores, overrides)
    clock = {"clock": overrides["clock"]} if "clock" in overrides else {}
    conversations = ConversationService(conversation_store, directory, notifier, **clock)
    messages = MessageService(
        conversation_store,
        message_store,
        directory,
        notifier,
        conversations,
        attachments=overrides.get("attachments") or FileAttachments(files),
        max_length=settings.max_message_length,
        **clock,
    )
    receipts = ReceiptService(conversation_store, message_store, notifier, **clock)
    return ChatServices(
        settings=settings,
        stores=stores,
        redis=client,
        verifier=JwtVerifier(
            settings.keys, mirror=RevocationMirror(settings.revocation_max_staleness)
        ),
        cache=cache,
        auth_client=auth_client,
        directory=directory,
        conversations=conversations,
        messages=messages,
        receipts=receipts,
        notifier=notifier,
        files=files,
        revocations=RedisRevocations(client, prefix=settings.redis_key_prefix),
        send_limiter=SendRateLimiter(
            settings.socket_send_rate, burst=max(settings.socket_send_rate * 2, 1)
        ),
    )


def _stores(settings: Settings, overrides: dict[str, Any]) -> ChatStores:
    if overrides.get("stores") is not None:
        return overrides["stores"]
    if overrides.get("db") is not None:
        return open_mongo_stores(overrides["db"], "mongomock")
    return open_chat_stores(settings.database_url, settings.mongodb_db)


def build_files(settings: Settings, stores: ChatStores, overrides: dict[str, Any]) -> FileService:
    """Files: bytes in a directory (default) or GridFS, metadata in the stores, Pillow
    thumbnails. Overrides: `file_storage=`, `file_store=`, `thumbnailer=`,
    `conversation_access=`."""
    storage = overrides.get("file_storage") or (
        GridFSFileStorage(stores.mongo_db)
        if settings.file_storage == "gridfs"
        else LocalFileStorage(settings.files_dir)
    )
    return FileService(
        store=overrides.get("file_store") or stores.files,
        storage=storage,
        thumbnailer=overrides.get("thumbnailer") or PillowThumbnailer(),
        conversations=overrides.get("conversation_access")
        or StoreConversationAccess(stores.conversations),
        max_upload_bytes=settings.max_upload_bytes,
    )
