"""The composition root: `build(settings, **overrides)` makes every adapter (the Socket.IO
server, presence and notifier included) and the use cases, once; nothing is mutated after.

Tests pass fakes by keyword (`stores=` a `ChatStores` bundle, `cache=`, `auth_client=`,
`notifier=`, `redis=`, `attachments=`, `clock=`...); `db=` wraps a (mongomock or flaky)
pymongo database in the Mongo adapters. Otherwise the stores come from `DATABASE_URL`.
`create_app` binds `services.realtime.socketio` to its app (`socketio.init_app`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import redis

from libs.servicekit.stores import connect_redis
from libs.sessions import KeyRing, RedisRevocations, RevocationMirror
from libs.usercache import UserCache, local_profiles

from .application.breaker import CircuitBreaker
from .application.conversations import ConversationService
from .application.devices import DeviceService
from .application.directory import UserDirectory
from .application.file_links import FileAttachments, StoreConversationAccess
from .application.file_sweeper import OrphanSweeper, SweepableStorage
from .application.files import DownloadLinks, FileService, FileStorage
from .application.health import Readiness
from .application.mentions import Mentions
from .application.messages import MessageService
from .application.notify_prefs import NotificationSettingsService
from .application.ports import Notifier, ProfileCache, ProfileSource, TokenVerifier
from .application.push import with_push
from .application.push_ports import PushOutbox
from .application.receipts import ReceiptService
from .infrastructure.auth_client import HttpAuthUserClient
from .infrastructure.file_storage import GridFSFileStorage, LocalFileStorage
from .infrastructure.jwks import JwksKeys
from .infrastructure.push_outbox import BufferedOutbox
from .infrastructure.push_queue import RedisPushQueue
from .infrastructure.socket_notifier import SocketIONotifier
from .infrastructure.stores import ChatStores, open_chat_stores, open_mongo_stores
from .infrastructure.thumbnails import PillowThumbnailer
from .infrastructure.tokens import JwtVerifier, VerificationKeys
from .interfaces.commands import ChatCommands
from .interfaces.socket.hub import RealtimeHub
from .realtime_root import build_realtime, revocation_feed, send_limiter
from .settings import Settings
from .token_keys import token_keys

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Adapters:
    """The concrete adapters, for the composition root's own use only: `/metrics` gauges,
    the push worker (same stores and Redis) and tests that inspect storage. Interfaces never
    read them; they call the use cases of `ChatServices`."""

    stores: ChatStores
    redis: redis.Redis
    cache: ProfileCache
    auth_client: ProfileSource
    notifier: Notifier  # what the use cases announce through (push outbox aside)
    push_queue: RedisPushQueue | None  # None when PUSH_ENABLED is off
    push_outbox: PushOutbox | None  # a BufferedOutbox unless a test passes a fake


@dataclass(frozen=True)
class ChatServices:
    """What the interfaces get: configuration, the use cases, the token verifier (a port),
    the real-time hub of the socket layer and readiness."""

    settings: Settings
    directory: UserDirectory
    conversations: ConversationService
    messages: MessageService
    receipts: ReceiptService
    files: FileService
    devices: DeviceService
    notification_settings: NotificationSettingsService
    verifier: TokenVerifier
    commands: ChatCommands  # every write, one entry point for HTTP and Socket.IO
    realtime: RealtimeHub
    health: Readiness
    adapters: Adapters


def build(settings: Settings, **overrides: Any) -> ChatServices:
    stores = _stores(settings, overrides)
    client = overrides.get("redis") or _redis(settings)
    cache, auth_client, directory = _profiles(settings, client, overrides)
    socketio = overrides.get("socketio") or _socketio()
    push_queue, push_outbox = _push(settings, client, overrides)
    notifier: Notifier = overrides.get("notifier") or SocketIONotifier(socketio)
    adapters = Adapters(stores, client, cache, auth_client, notifier, push_queue, push_outbox)
    keys: KeyRing | VerificationKeys = overrides.get("token_keys") or token_keys(settings)
    verifier = JwtVerifier(
        keys,
        mirror=RevocationMirror(settings.revocation_max_staleness),
    )
    revocations = RedisRevocations(client, prefix=settings.redis_key_prefix)
    services = _use_cases(settings, adapters, directory, overrides)
    verifier.mirror.subscribe(services["devices"].forget_ended)  # ended sessions: no more push
    conversations = services["conversations"]
    # per socket and per HTTP user, the same rate (tests pass one on an injected clock)
    limiter = overrides.get("send_limiter") or send_limiter(settings)
    feed = revocation_feed(socketio, client, revocations, verifier.mirror)
    realtime = build_realtime(settings, socketio, client, conversations, directory, feed, limiter)
    commands = ChatCommands(conversations, services["messages"], services["receipts"], limiter)
    return ChatServices(
        settings=settings,
        directory=directory,
        **services,
        verifier=verifier,
        commands=commands,
        realtime=realtime,
        health=_readiness(adapters, directory, verifier, keys),
        adapters=adapters,
    )


def _socketio() -> Any:
    from flask_socketio import SocketIO

    return SocketIO()  # options at `init_app` (realtime_root.socketio_options)


def _redis(settings: Settings) -> redis.Redis:
    return connect_redis(
        settings.redis_url,
        sentinels=settings.redis_sentinels,
        service=settings.redis_sentinel_service,
        ca_file=settings.tls_ca_file,
    )


def _profiles(
    settings: Settings, client: redis.Redis, overrides: dict[str, Any]
) -> tuple[ProfileCache, ProfileSource, UserDirectory]:
    """The user cache (L1 + Redis), auth_user's client and the directory reading through both."""
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
    return cache, auth_client, directory


def _use_cases(
    settings: Settings, adapters: Adapters, directory: UserDirectory, overrides: dict[str, Any]
) -> dict[str, Any]:
    """The application services over the stores; new messages also go to the push outbox."""
    stores, notifier = adapters.stores, adapters.notifier
    announced = with_push(notifier, adapters.push_outbox)
    files = overrides.get("files") or build_files(settings, stores, overrides)
    clock = {"clock": overrides["clock"]} if "clock" in overrides else {}
    mentions = Mentions(stores.mentions, directory)
    conversations = ConversationService(
        stores.conversations, directory, announced, mentions=mentions, **clock
    )
    messages = MessageService(
        stores.conversations,
        stores.messages,
        directory,
        announced,
        conversations,
        attachments=overrides.get("attachments") or FileAttachments(files),
        max_length=settings.max_message_length,
        mentions=mentions,
        appender=stores.appender,
        **clock,
    )
    return {
        "conversations": conversations,
        "messages": messages,
        "receipts": ReceiptService(stores.conversations, stores.messages, announced, **clock),
        "files": files,
        "devices": DeviceService(stores.devices, settings.push.endpoint_hosts, **clock),
        "notification_settings": NotificationSettingsService(
            stores.notification_settings, stores.conversations, notifier, **clock
        ),
    }


def _readiness(
    adapters: Adapters,
    directory: UserDirectory,
    verifier: TokenVerifier,
    keys: KeyRing | VerificationKeys,
) -> Readiness:
    def redis_ok() -> bool:
        try:
            return bool(adapters.redis.ping())
        except redis.RedisError:
            return False

    probes = {
        "database": adapters.stores.ping,
        "redis": redis_ok,
        "authUser": adapters.auth_client.ping,
        "breaker": lambda: directory.breaker.state,
        "revocations": verifier.mirror.status,
    }
    if isinstance(keys, JwksKeys):  # EdDSA/ES256: no token verifies before auth_user's keys came
        probes["tokenKeys"] = lambda: keys.fetched
    return Readiness(probes, following=verifier.mirror.following)


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
