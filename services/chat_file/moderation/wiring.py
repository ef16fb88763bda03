"""The moderation context's part of a composition root: reports, blocks, moderator actions and
retention over the stores (the storage package's `ChatStores` has every one `ModerationStores`
names), the conversations facade (message lookup, participation, purge) and command surface,
the directory, the moderators' alert and the suspended agents' Redis set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import redis

from services.chat_file.conversations.facade import (
    BadgeCounts,
    ConversationStore,
    MessageLookup,
    MessagePurge,
    MessageStore,
    Participation,
)
from services.chat_file.kernel.blocks import BlockList
from services.chat_file.moderation.adapters.block_index import RedisBlockIndex
from services.chat_file.moderation.adapters.suspensions import RedisSuspensions
from services.chat_file.moderation.application.actions import ModeratorActions
from services.chat_file.moderation.application.blocks import BlockService
from services.chat_file.moderation.application.bundle import ModerationServices
from services.chat_file.moderation.application.holds import HoldService
from services.chat_file.moderation.application.ports import (
    AuditLog,
    BlockIndex,
    BlockStore,
    ConversationWrites,
    FileDisposal,
    HoldStore,
    ModeratorAlerts,
    ReportStore,
    RetentionPolicyStore,
    SuspensionStore,
)
from services.chat_file.moderation.application.reports import ReportService
from services.chat_file.moderation.application.retention import RetentionService
from services.chat_file.moderation.settings import ModerationSettings
from services.chat_file.users.application.directory import UserDirectory


class ModerationConfig(Protocol):
    @property
    def moderation(self) -> ModerationSettings: ...
    @property
    def redis_key_prefix(self) -> str: ...


class ModerationStores(Protocol):
    @property
    def conversations(self) -> ConversationStore: ...
    @property
    def messages(self) -> MessageStore: ...
    @property
    def badges(self) -> BadgeCounts: ...
    @property
    def reports(self) -> ReportStore: ...
    @property
    def moderation_audit(self) -> AuditLog: ...
    @property
    def blocks(self) -> BlockStore: ...
    @property
    def purge(self) -> MessagePurge: ...
    @property
    def retention(self) -> RetentionPolicyStore: ...
    @property
    def holds(self) -> HoldStore: ...


class PresenceBlocks(BlockList, BlockIndex, Protocol):
    """The blocks as the presence path reads them and `BlockService` writes them through."""


@dataclass(frozen=True)
class ModerationPorts:
    """What the conversations context also uses: the suspended agents (every write) and the
    blocks' Redis index (presence, typing; writes and pushes still ask the database)."""

    suspensions: SuspensionStore
    blocks: PresenceBlocks


def moderation_ports(
    config: ModerationConfig, client: redis.Redis, stores: ModerationStores
) -> ModerationPorts:
    refresh = config.moderation.suspension_refresh_seconds
    prefix = config.redis_key_prefix
    index = RedisBlockIndex(client, stores.blocks, prefix=prefix)
    index.warm()
    return ModerationPorts(RedisSuspensions(client, prefix=prefix, refresh=refresh), index)


def retention_service(
    config: ModerationConfig,
    stores: ModerationStores,
    files: FileDisposal,
    clock: Callable[[], datetime] | None = None,
) -> RetentionService:
    """The overrides and the purge run (`python -m services.chat_file.retention` too)."""
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    settings = config.moderation
    return RetentionService(
        stores.retention,
        stores.purge,
        files,
        Participation(stores.conversations),
        stores.moderation_audit,
        stores.holds,
        global_days=settings.retention_days,
        batch=settings.retention_batch,
        **clocked,
    )


class ConversationCommands(Protocol):
    """The conversations context as wired: its command surface (`ChatCommands`)."""

    @property
    def commands(self) -> ConversationWrites: ...


def wire_moderation(
    config: ModerationConfig,
    stores: ModerationStores,
    directory: UserDirectory,
    conversations: ConversationCommands,
    files: FileDisposal,
    ports: ModerationPorts,
    alerts: ModeratorAlerts,
    clock: Callable[[], datetime] | None = None,
) -> ModerationServices:
    """Every moderation write to a conversation goes through `conversations.commands`."""
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    writes = conversations.commands
    audit = stores.moderation_audit
    messages = MessageLookup(stores.conversations, stores.messages, stores.badges)
    max_blocks = config.moderation.max_blocks
    return ModerationServices(
        ReportService(stores.reports, audit, messages, alerts, **clocked),
        BlockService(
            stores.blocks, directory, max_blocks=max_blocks, index=ports.blocks, **clocked
        ),
        ModeratorActions(writes, ports.suspensions, audit, directory, **clocked),
        retention_service(config, stores, files, clock),
        HoldService(stores.holds, Participation(stores.conversations), audit, **clocked),
        audit,
    )
