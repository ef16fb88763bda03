"""The web app's composition root: `build(settings, *, ...)` makes every adapter once (the
Socket.IO server, presence and notifier included) and composes the per-context wiring of the
contexts (conversations, files, push, moderation, realtime) over the users context; nothing is
mutated after. (Other roots: `push_worker`, `sweep_files`, `retention`.)

Tests pass fakes by keyword (a misspelled one is a `TypeError`): `stores=` a `ChatStores`,
`cache=`, `auth_client=`, `notifier=`, `redis=`, `attachments=`, `clock=`...; `db=` wraps a
(mongomock or flaky) pymongo database in the Mongo adapters. Otherwise the stores come from
`DATABASE_URL`. `create_app` binds `services.realtime.socketio` to its app (`init_app`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_socketio import SocketIO
from redis import Redis, RedisError

from libs.egress import Resolver
from libs.ratelimit import RateLimiter
from libs.servicekit.stores import connect_redis
from libs.sessions import KeyRing, RedisRevocations
from services.chat_file.announcements.application.bundle import AnnouncementsServices
from services.chat_file.announcements.wiring import unit_rooms, wire_announcements
from services.chat_file.conversations.adapters.circles import RedisCircleCache
from services.chat_file.conversations.api.commands import ChatCommands
from services.chat_file.conversations.api.events import EVENT_VIEWS as CONVERSATION_EVENTS
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.conversations.application.conversations import ConversationService
from services.chat_file.conversations.application.messages import MessageService
from services.chat_file.conversations.application.ports import AttachmentResolver
from services.chat_file.conversations.application.receipts import ReceiptService
from services.chat_file.conversations.facade import Participation
from services.chat_file.conversations.wiring import wire_conversations
from services.chat_file.files.api.attachments import FileAttachments
from services.chat_file.files.application.bundle import FilesServices
from services.chat_file.files.application.files import FileService
from services.chat_file.files.application.ports import (
    ConversationAccess,
    FileMetadataStore,
    FileStorage,
    Thumbnailer,
)
from services.chat_file.files.wiring import file_storage, wire_files
from services.chat_file.http.context import Edge
from services.chat_file.http.readiness import Readiness
from services.chat_file.kernel.limits import Checker, UserLimits
from services.chat_file.kernel.notifier import Notifier, encoder
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.moderation.api.views import EVENT_VIEWS as MODERATION_EVENTS
from services.chat_file.moderation.application.bundle import ModerationServices
from services.chat_file.moderation.application.ports import ModeratorAlerts
from services.chat_file.moderation.wiring import ModerationPorts, moderation_ports, wire_moderation
from services.chat_file.push.adapters.outbox import BufferedOutbox
from services.chat_file.push.adapters.queue import RedisPushQueue
from services.chat_file.push.api.views import EVENT_VIEWS as PUSH_EVENTS
from services.chat_file.push.application.bundle import PushServices
from services.chat_file.push.application.devices import DeviceService
from services.chat_file.push.application.fanout import with_push
from services.chat_file.push.application.notify_prefs import NotificationSettingsService
from services.chat_file.push.application.ports import PushOutbox
from services.chat_file.push.wiring import push_queue as make_push_queue
from services.chat_file.push.wiring import wire_push
from services.chat_file.realtime.adapters.notifier import SocketIONotifier
from services.chat_file.realtime.api import MODERATORS_ROOM, RoomAlerts
from services.chat_file.realtime.socket.hub import RealtimeHub
from services.chat_file.realtime.wiring import build_realtime, revocation_feed
from services.chat_file.settings import Settings
from services.chat_file.storage.stores import ChatStores, open_chat_stores, open_mongo_stores
from services.chat_file.sync.application.bundle import SyncServices
from services.chat_file.sync.wiring import journaled, wire_sync
from services.chat_file.users.adapters.tokens import VerificationKeys
from services.chat_file.users.application.breaker import CircuitBreaker
from services.chat_file.users.application.bundle import UsersServices
from services.chat_file.users.application.directory import UserDirectory
from services.chat_file.users.application.ports import ProfileCache, ProfileSource, TokenVerifier
from services.chat_file.users.wiring import wire_directory, wire_verifier

# The wire shape of every event the use cases announce (the real-time notifier encodes them).
encode_events = encoder(CONVERSATION_EVENTS, PUSH_EVENTS, MODERATION_EVENTS)


@dataclass(frozen=True)
class Adapters:
    """The concrete adapters, for the composition roots' own use only: `/metrics` gauges, the
    push worker (same stores and Redis) and tests that inspect storage. Interfaces never read
    them; they call the use cases."""

    stores: ChatStores
    redis: Redis
    cache: ProfileCache
    auth_client: ProfileSource
    notifier: Notifier  # where announcements go once logged (sync) (push outbox aside)
    push_queue: RedisPushQueue | None  # None when PUSH_ENABLED is off
    push_outbox: PushOutbox | None  # a BufferedOutbox unless a test passes a fake


@dataclass(frozen=True)
class ChatServices:
    """The web app as wired: each context's bundle, the command surface, the socket hub, the
    HTTP shell's `Edge`, the adapters; the properties are shortcuts (tests, bench, scripts)."""

    settings: Settings
    users_bundle: UsersServices
    conversations_bundle: ConversationsServices
    files_bundle: FilesServices
    push_bundle: PushServices
    moderation_bundle: ModerationServices
    sync_bundle: SyncServices
    announcements_bundle: AnnouncementsServices
    commands: ChatCommands  # every write, one entry point for HTTP and Socket.IO
    realtime: RealtimeHub
    edge: Edge
    adapters: Adapters

    @property
    def directory(self) -> UserDirectory:
        return self.users_bundle.directory

    @property
    def verifier(self) -> TokenVerifier:
        return self.users_bundle.verifier

    @property
    def conversations(self) -> ConversationService:
        return self.conversations_bundle.conversations

    @property
    def messages(self) -> MessageService:
        return self.conversations_bundle.messages

    @property
    def receipts(self) -> ReceiptService:
        return self.conversations_bundle.receipts

    @property
    def files(self) -> FileService:
        return self.files_bundle.files

    @property
    def devices(self) -> DeviceService:
        return self.push_bundle.devices

    @property
    def notification_settings(self) -> NotificationSettingsService:
        return self.push_bundle.notification_settings

    @property
    def health(self) -> Readiness:
        return self.edge.readiness


def build(
    settings: Settings,
    *,
    stores: ChatStores | None = None,
    db: Any = None,
    redis: Redis | None = None,
    cache: ProfileCache | None = None,
    auth_client: ProfileSource | None = None,
    breaker: CircuitBreaker | None = None,
    directory: UserDirectory | None = None,
    token_keys: KeyRing | VerificationKeys | None = None,
    socketio: SocketIO | None = None,
    notifier: Notifier | None = None,
    push_queue: RedisPushQueue | None = None,
    push_outbox: PushOutbox | None = None,
    attachments: AttachmentResolver | None = None,
    files: FileService | None = None,
    file_storage: FileStorage | None = None,
    file_store: FileMetadataStore | None = None,
    thumbnailer: Thumbnailer | None = None,
    conversation_access: ConversationAccess | None = None,
    clock: Callable[[], datetime] | None = None,
    send_limiter: SendRateLimiter | None = None,
    moderator_alerts: ModeratorAlerts | None = None,
    moderation_adapters: ModerationPorts | None = None,  # suspensions, blocks' index
    egress_resolver: Resolver | None = None,
    user_limiter: Checker | None = None,
) -> ChatServices:
    """`db` is a pymongo (or mongomock) `Database`: the Mongo adapters over it."""
    stores = stores or open_stores(settings, db)
    client = redis or connect_to_redis(settings)
    people = wire_directory(
        settings, client, cache=cache, auth_client=auth_client, breaker=breaker, directory=directory
    )
    verifier, verifier_probes = wire_verifier(settings, token_keys)
    users = UsersServices(people.directory, verifier)
    server = socketio or SocketIO()  # options at `init_app` (realtime.wiring.socketio_options)
    queue, outbox = _push_queue(settings, client, push_queue, push_outbox)
    # every announced change is logged per user (sync) before it is delivered
    if notifier is None:
        sockets = SocketIONotifier(server, encode_events)
        delivery: Notifier = sockets
        if settings.sync_seq_in_events:  # one copy per user, with their seq
            announced = journaled(stores.changes, encode_events, deliver=sockets, clock=clock)
        else:  # one emit to every room (one frame), no seq: clients sync on reconnect only
            announced = journaled(stores.changes, encode_events, then=sockets, clock=clock)
    else:
        delivery = notifier
        announced = journaled(stores.changes, encode_events, then=notifier, clock=clock)
    adapters = Adapters(stores, client, people.cache, people.auth_client, delivery, queue, outbox)
    # per socket and per HTTP user, the same rate (tests pass one on an injected clock)
    limiter = send_limiter or SendRateLimiter.for_rate(settings.socket_send_rate)
    # per user, every transport and process (tests pass one on an injected clock)
    limits = UserLimits(
        user_limiter or RateLimiter(client, settings.user_rates, prefix=settings.redis_key_prefix)
    )
    participation = Participation(stores.conversations)  # files ask who takes part
    file_bundle = (
        FilesServices(files)
        if files
        else wire_files(
            settings,
            store=file_store or stores.files,
            storage=file_storage or _file_storage(settings, stores),
            access=conversation_access or participation,
            thumbnailer=thumbnailer,
        )
    )
    ports = moderation_adapters or moderation_ports(settings, client, stores)
    talk = wire_conversations(
        settings,
        conversations=stores.conversations,
        messages=stores.messages,
        mentions=stores.mentions,
        appender=stores.appender,
        directory=people.directory,
        notifier=with_push(announced, outbox),  # new messages also go to the push outbox
        attachments=attachments or FileAttachments(file_bundle.files),
        limiter=limiter,
        clock=clock,
        blocks=ports.blocks,
        suspensions=ports.suspensions,
        holds=stores.holds,
        circles=_circle_cache(settings, client),
    )
    push = wire_push(
        settings,
        devices=stores.devices,
        notification_settings=stores.notification_settings,
        participation=talk.participation,
        notifier=announced,
        clock=clock,
        egress_resolver=egress_resolver,
    )
    alerts = moderator_alerts or RoomAlerts(server, MODERATORS_ROOM, encode_events)
    moderation = wire_moderation(
        settings, stores, people.directory, talk, file_bundle.files, ports, alerts, clock
    )
    verifier.mirror.subscribe(push.devices.forget_ended)  # ended sessions: no more push
    revocations = RedisRevocations(client, prefix=settings.redis_key_prefix)
    feed = revocation_feed(server, client, revocations, verifier.mirror)
    hub = build_realtime(
        settings,
        server,
        client,
        talk.participation,
        people.directory,
        feed,
        limiter,
        extra_rooms=unit_rooms(people.cache),  # announcements reach unit members live
    )
    probes = {"database": stores.ping, "redis": _redis_ok(client)}
    readiness = Readiness(
        {**probes, **people.probes(), **verifier_probes}, following=verifier.mirror.following
    )
    if stores.announcements is None:
        raise ValueError("the stores have no announcement store")
    announcements = wire_announcements(
        store=stores.announcements,
        cache=people.cache,
        socketio=server,
        clock=clock,
        reminder_every_minutes=settings.announcements.reminder_every_minutes,
    )
    return ChatServices(
        settings=settings,
        users_bundle=users,
        conversations_bundle=talk.services,
        files_bundle=file_bundle,
        push_bundle=push,
        moderation_bundle=moderation,
        sync_bundle=wire_sync(settings, stores.changes, clock),
        announcements_bundle=announcements,
        commands=talk.commands,
        realtime=hub,
        edge=Edge(verifier, settings.allowed_origins, limiter, readiness, limits),
        adapters=adapters,
    )


def open_stores(settings: Settings, db: Any = None) -> ChatStores:
    """The Mongo adapters over `db` when given, else the stores `DATABASE_URL` names."""
    if db is not None:
        return open_mongo_stores(db, "mongomock")
    return open_chat_stores(settings.database_url, settings.mongodb_db, settings.db_pool)


def _circle_cache(settings: Settings, client: Redis) -> RedisCircleCache | None:
    """Each user's rooms and contacts in Redis (CONTACTS_CACHE_TTL; 0: asked at every connect)."""
    if settings.contacts_cache_ttl <= 0:
        return None
    return RedisCircleCache(client, settings.redis_key_prefix, settings.contacts_cache_ttl)


def connect_to_redis(settings: Settings) -> Redis:
    return connect_redis(
        settings.redis_url,
        sentinels=settings.redis_sentinels,
        service=settings.redis_sentinel_service,
        ca_file=settings.tls_ca_file,
    )


def _file_storage(settings: Settings, stores: ChatStores) -> FileStorage:
    return file_storage(settings, stores.database_files)


def _push_queue(
    settings: Settings,
    client: Redis,
    queue: RedisPushQueue | None,
    outbox: PushOutbox | None,
) -> tuple[RedisPushQueue | None, PushOutbox | None]:
    """The push queue and this process's outbox (None, None when PUSH_ENABLED is off)."""
    if not settings.push.enabled:
        return None, None
    queue = queue or make_push_queue(settings, client)
    return queue, outbox or BufferedOutbox(queue)


def _redis_ok(client: Redis) -> Callable[[], bool]:
    def ping() -> bool:
        try:
            return bool(client.ping())
        except RedisError:
            return False

    return ping
