"""The moderation context's part of a composition root: reports over the report store and the
audit trail, blocks over the block store and the directory, the conversations facade's message
lookup, and the moderators' alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

import redis

from services.chat_file.moderation.adapters.suspensions import RedisSuspensions
from services.chat_file.moderation.application.actions import ModeratorActions
from services.chat_file.moderation.application.blocks import BlockService
from services.chat_file.moderation.application.bundle import ModerationServices
from services.chat_file.moderation.application.ports import (
    AuditLog,
    BlockStore,
    ConversationWrites,
    MessageSource,
    ModeratorAlerts,
    ReportStore,
    SuspensionStore,
)
from services.chat_file.moderation.application.reports import ReportService
from services.chat_file.moderation.settings import ModerationSettings
from services.chat_file.users.application.directory import UserDirectory


class ModerationConfig(Protocol):
    @property
    def moderation(self) -> ModerationSettings: ...
    @property
    def redis_key_prefix(self) -> str: ...


def make_suspensions(config: ModerationConfig, client: redis.Redis) -> RedisSuspensions:
    """The suspended agents, shared by every process through Redis (ChatCommands asks it)."""
    refresh = config.moderation.suspension_refresh_seconds
    return RedisSuspensions(client, prefix=config.redis_key_prefix, refresh=refresh)


def wire_moderation(
    config: ModerationConfig,
    *,
    reports: ReportStore,
    audit: AuditLog,
    blocks: BlockStore,
    directory: UserDirectory,
    messages: MessageSource,
    alerts: ModeratorAlerts,
    writes: ConversationWrites,
    suspensions: SuspensionStore,
    clock: Callable[[], datetime] | None = None,
) -> ModerationServices:
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    return ModerationServices(
        ReportService(reports, audit, messages, alerts, **clocked),
        BlockService(blocks, directory, max_blocks=config.moderation.max_blocks, **clocked),
        ModeratorActions(writes, suspensions, audit, directory, **clocked),
        audit,
    )
