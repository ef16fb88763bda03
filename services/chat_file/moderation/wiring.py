"""The moderation context's part of a composition root: reports over the report store and the
audit trail, the conversations facade's message lookup, and the moderators' alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.chat_file.moderation.application.bundle import ModerationServices
from services.chat_file.moderation.application.ports import (
    AuditLog,
    MessageSource,
    ModeratorAlerts,
    ReportStore,
)
from services.chat_file.moderation.application.reports import ReportService


def wire_moderation(
    *,
    reports: ReportStore,
    audit: AuditLog,
    messages: MessageSource,
    alerts: ModeratorAlerts,
    clock: Callable[[], datetime] | None = None,
) -> ModerationServices:
    clocked: dict[str, Any] = {"clock": clock} if clock else {}
    return ModerationServices(ReportService(reports, audit, messages, alerts, **clocked), audit)
