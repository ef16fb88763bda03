"""The composition root: `build(settings, **overrides)` makes the adapters and the services.

Tests pass fakes by keyword (`cache=`, `auth_client=`, `notifier=`, `db=`, `redis=`,
`attachments=`, `clock=`...). Features added later (files, sockets) take what they need from
the returned `ChatServices` (its stores, directory, settings) and set `notifier` /
`attachments` through `attach_*` so the core services see them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis

from libs.servicekit.stores import connect_mongo, connect_redis
from libs.usercache import UserCache

from .application.breaker import CircuitBreaker
from .application.conversations import ConversationService
from .application.directory import UserDirectory
from .application.file_links import FileAttachments, StoreConversationAccess
from .application.files import FileService
from .application.messages import MessageService
from .application.ports import (
    AttachmentResolver,
    Notifier,
    NullNotifier,
    ProfileCache,
    ProfileSource,
)
from .application.receipts import ReceiptService
from .infrastructure.auth_client import HttpAuthUserClient
from .infrastructure.file_storage import GridFSFileStorage, LocalFileStorage
from .infrastructure.file_store import MongoFileStore
from .infrastructure.mongo_conversations import MongoConversationStore
from .infrastructure.mongo_messages import MongoMessageStore
from .infrastructure.thumbnails import PillowThumbnailer
from .infrastructure.tokens import JwtVerifier
from .settings import Settings

logger = logging.getLogger(__name__)


@dataclass
class ChatServices:
    settings: Settings
    db: Any
    redis: redis.Redis
    verifier: JwtVerifier
    cache: ProfileCache
    auth_client: ProfileSource
    directory: UserDirectory
    conversation_store: MongoConversationStore
    message_store: MongoMessageStore
    conversations: ConversationService
    messages: MessageService
    receipts: ReceiptService
    notifier: Notifier
    files: FileService

    def attach_notifier(self, notifier: Notifier) -> None:
        """Plug the real-time layer in: every service announces through it from now on."""
        self.notifier = notifier
        for service in (self.conversations, self.messages, self.receipts):
            service.notifier = notifier

    def attach_attachments(self, resolver: AttachmentResolver) -> None:
        self.messages.attachments = resolver

    def readiness(self) -> dict[str, Any]:
        try:
            redis_ok = bool(self.redis.ping())
        except redis.RedisError:
            redis_ok = False
        return {
            "mongo": self.conversation_store.ping(),
            "redis": redis_ok,
            "authUser": self.auth_client.ping(),
            "breaker": self.directory.breaker.state,
        }


def build(settings: Settings, **overrides: Any) -> ChatServices:
    db = overrides.get("db") or connect_mongo(settings.mongodb_uri, settings.mongodb_db)
    client = overrides.get("redis") or connect_redis(settings.redis_url)
    cache = overrides.get("cache") or UserCache(
        client, prefix=settings.user_cache_prefix, ttl=settings.user_cache_ttl
    )
    auth_client = overrides.get("auth_client") or HttpAuthUserClient(
        settings.auth_user_service_url, settings.auth_user_timeout
    )
    breaker = overrides.get("breaker") or CircuitBreaker(
        settings.breaker_failures, settings.breaker_reset_seconds
    )
    directory = overrides.get("directory") or UserDirectory(
        cache, auth_client, breaker, negative_ttl=settings.negative_cache_seconds
    )
    notifier: Notifier = overrides.get("notifier") or NullNotifier()
    conversation_store = MongoConversationStore(db)
    message_store = MongoMessageStore(db)
    conversation_store.ensure_indexes()
    message_store.ensure_indexes()
    files = overrides.get("files") or build_files(settings, db, conversation_store, overrides)
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
        db=db,
        redis=client,
        verifier=JwtVerifier(settings.jwt_secret),
        cache=cache,
        auth_client=auth_client,
        directory=directory,
        conversation_store=conversation_store,
        message_store=message_store,
        conversations=conversations,
        messages=messages,
        receipts=receipts,
        notifier=notifier,
        files=files,
    )


def build_files(
    settings: Settings, db: Any, conversations: MongoConversationStore, overrides: dict[str, Any]
) -> FileService:
    """Files: bytes in a directory (default) or GridFS, metadata in MongoDB, Pillow thumbnails.

    Overrides: `file_storage=`, `file_store=`, `thumbnailer=`, `conversation_access=`."""
    storage = overrides.get("file_storage") or (
        GridFSFileStorage(db)
        if settings.file_storage == "gridfs"
        else LocalFileStorage(settings.files_dir)
    )
    return FileService(
        store=overrides.get("file_store") or MongoFileStore(db),
        storage=storage,
        thumbnailer=overrides.get("thumbnailer") or PillowThumbnailer(),
        conversations=overrides.get("conversation_access")
        or StoreConversationAccess(conversations),
        max_upload_bytes=settings.max_upload_bytes,
    )
