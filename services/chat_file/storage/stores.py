"""`open_chat_stores(settings)`: the one place that turns `DATABASE_URL` into stores.

| backend      | conversations, messages, file metadata                              |
|--------------|---------------------------------------------------------------------|
| sqlite       | SQL adapters on a durable file (migrations run at start)            |
| postgresql   | SQL adapters on psycopg 3 (migrations at start, under an advisory lock) |
| mongodb      | pymongo adapters (indexes ensured at start)                          |
| mongomock    | the same pymongo adapters on an in-process double (throwaway runs)  |
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from libs.servicekit.sql import DEFAULT_POOL, SQL_BACKENDS, SqlPool, backend_of, create_sql_engine
from libs.servicekit.stores import connect_mongo
from services.chat_file.announcements.application.ports import AnnouncementStore
from services.chat_file.conversations.application.ports import (
    BadgeCounts,
    ConversationStore,
    MentionStore,
    MessageAppender,
    MessagePurge,
    MessageStore,
)
from services.chat_file.files.application.ports import FileMetadataStore, FileStorage
from services.chat_file.moderation.application.ports import (
    AuditLog,
    BlockStore,
    HoldStore,
    ReportStore,
    RetentionPolicyStore,
)
from services.chat_file.push.application.ports import DeviceStore, NotificationSettingsStore
from services.chat_file.storage.schema import SCHEMA
from services.chat_file.sync.application.ports import ChangeLog


@dataclass(frozen=True)
class ChatStores:
    conversations: ConversationStore
    messages: MessageStore
    files: FileMetadataStore
    devices: DeviceStore
    notification_settings: NotificationSettingsStore
    mentions: MentionStore
    badges: BadgeCounts
    reports: ReportStore
    moderation_audit: AuditLog
    blocks: BlockStore
    purge: MessagePurge
    retention: RetentionPolicyStore
    holds: HoldStore
    changes: ChangeLog  # each user's change log (sync)
    backend: str
    close: Callable[[], None] = lambda: None
    # Stores and numbers a message in one transaction (SQL); None: the application's
    # step-by-step `StepwiseAppender` over `conversations` and `messages`.
    appender: MessageAppender | None = None
    # File bytes inside the database itself (GridFS, `FILE_STORAGE=gridfs`): Mongo only.
    database_files: Callable[[], FileStorage] | None = None
    # broadcasts, announcements, receipts, org units (docs/announcements.md); every backend
    announcements: AnnouncementStore | None = None

    def ping(self) -> bool:
        return self.conversations.ping()


def open_chat_stores(
    database_url: str, mongodb_db: str = "chat_file_service", pool: SqlPool = DEFAULT_POOL
) -> ChatStores:
    backend = backend_of(database_url)
    if backend in SQL_BACKENDS:
        return open_sql_stores(database_url, pool=pool)
    return open_mongo_stores(connect_mongo(database_url, mongodb_db), backend)


def open_sql_stores(
    database_url: str, *, run_migrations: bool = True, pool: SqlPool = DEFAULT_POOL
) -> ChatStores:
    from services.chat_file.announcements.sql.store import SqlAnnouncementStore
    from services.chat_file.conversations.sql.appender import SqlMessageAppender
    from services.chat_file.conversations.sql.badges import SqlBadgeCounts
    from services.chat_file.conversations.sql.conversations import SqlConversationStore
    from services.chat_file.conversations.sql.mentions import SqlMentionStore
    from services.chat_file.conversations.sql.messages import SqlMessageStore
    from services.chat_file.conversations.sql.purge import SqlMessagePurge
    from services.chat_file.files.sql.files import SqlFileStore
    from services.chat_file.moderation.sql.blocks import SqlBlockStore
    from services.chat_file.moderation.sql.holds import SqlHoldStore
    from services.chat_file.moderation.sql.reports import SqlAuditLog, SqlReportStore
    from services.chat_file.moderation.sql.retention import SqlRetentionPolicyStore
    from services.chat_file.push.sql.devices import SqlDeviceStore
    from services.chat_file.push.sql.notify_prefs import SqlNotificationSettingsStore
    from services.chat_file.sync.sql.changes import SqlChangeLog

    engine = create_sql_engine(database_url, pool)
    if run_migrations:
        SCHEMA.migrate(engine)
    return ChatStores(
        conversations=SqlConversationStore(engine),
        messages=SqlMessageStore(engine),
        files=SqlFileStore(engine),
        devices=SqlDeviceStore(engine),
        notification_settings=SqlNotificationSettingsStore(engine),
        mentions=SqlMentionStore(engine),
        badges=SqlBadgeCounts(engine),
        reports=SqlReportStore(engine),
        moderation_audit=SqlAuditLog(engine),
        blocks=SqlBlockStore(engine),
        purge=SqlMessagePurge(engine),
        retention=SqlRetentionPolicyStore(engine),
        holds=SqlHoldStore(engine),
        changes=SqlChangeLog(engine),
        backend=engine.dialect.name,
        close=engine.dispose,
        appender=SqlMessageAppender(engine),
        announcements=SqlAnnouncementStore(engine),
    )


def open_mongo_stores(db: Any, backend: str = "mongodb") -> ChatStores:
    from services.chat_file.announcements.mongo.store import MongoAnnouncementStore
    from services.chat_file.conversations.mongo.badges import MongoBadgeCounts
    from services.chat_file.conversations.mongo.conversations import MongoConversationStore
    from services.chat_file.conversations.mongo.mentions import MongoMentionStore
    from services.chat_file.conversations.mongo.messages import MongoMessageStore
    from services.chat_file.conversations.mongo.purge import MongoMessagePurge
    from services.chat_file.files.mongo.files import MongoFileStore
    from services.chat_file.files.mongo.gridfs import GridFSFileStorage
    from services.chat_file.moderation.mongo.blocks import MongoBlockStore
    from services.chat_file.moderation.mongo.holds import MongoHoldStore
    from services.chat_file.moderation.mongo.reports import MongoAuditLog, MongoReportStore
    from services.chat_file.moderation.mongo.retention import MongoRetentionPolicyStore
    from services.chat_file.push.mongo.devices import MongoDeviceStore
    from services.chat_file.push.mongo.notify_prefs import MongoNotificationSettingsStore
    from services.chat_file.sync.mongo.changes import MongoChangeLog

    conversations, messages = MongoConversationStore(db), MongoMessageStore(db)
    conversations.ensure_indexes()
    messages.ensure_indexes()
    devices = MongoDeviceStore(db)
    devices.ensure_indexes()
    settings = MongoNotificationSettingsStore(db)
    settings.ensure_indexes()
    mentions = MongoMentionStore(db)
    mentions.ensure_indexes()
    reports, audit = MongoReportStore(db), MongoAuditLog(db)
    blocks, purge, holds = MongoBlockStore(db), MongoMessagePurge(db), MongoHoldStore(db)
    for indexed in (reports, audit, blocks, purge, holds):
        indexed.ensure_indexes()
    # mongomock is not thread-safe: its $inc is a read then a write (real MongoDB: atomic)
    changes = MongoChangeLog(db, lock=threading.Lock() if backend == "mongomock" else None)
    changes.ensure_indexes()
    announcements = MongoAnnouncementStore(db)
    announcements.ensure_indexes()
    return ChatStores(
        conversations=conversations,
        messages=messages,
        files=MongoFileStore(db),
        devices=devices,
        notification_settings=settings,
        mentions=mentions,
        badges=MongoBadgeCounts(db),
        reports=reports,
        moderation_audit=audit,
        blocks=blocks,
        purge=purge,
        retention=MongoRetentionPolicyStore(db),
        holds=holds,
        changes=changes,
        backend=backend,
        close=db.client.close,
        database_files=lambda: GridFSFileStorage(db),
        announcements=announcements,
    )


def migrate_chat_database(database_url: str) -> None:
    """What `python -m services.chat_file.migrate` runs (SQL backends)."""
    SCHEMA.migrate_database(database_url)
