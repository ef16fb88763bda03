"""The moderation audit trail: who did what to which target, when (append only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class AuditEntry:
    actor_id: str
    action: str  # e.g. report.created, report.resolved, report.dismissed
    target_type: str  # message, report, user, conversation
    target_id: str
    at: datetime
    detail: dict[str, Any] = field(default_factory=dict)
    id: str = ""
