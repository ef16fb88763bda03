"""`ModerationServices`: the moderation context's use cases, as a composition root wires them
and its routes read them."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_file.moderation.application.actions import ModeratorActions
from services.chat_file.moderation.application.blocks import BlockService
from services.chat_file.moderation.application.holds import HoldService
from services.chat_file.moderation.application.ports import AuditLog
from services.chat_file.moderation.application.reports import ReportService
from services.chat_file.moderation.application.retention import RetentionService


@dataclass(frozen=True)
class ModerationServices:
    reports: ReportService
    blocks: BlockService
    actions: ModeratorActions
    retention: RetentionService
    holds: HoldService
    audit: AuditLog
