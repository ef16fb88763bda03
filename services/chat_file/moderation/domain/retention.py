"""Retention: how long messages are kept. A global policy (`RETENTION_DAYS`, 0 = for ever) and
per-conversation overrides in days (0 = this conversation is kept for ever)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.chat_file.kernel.errors import ChatError
from services.chat_file.kernel.identity import ADMIN, COMPLIANCE, Identity

MAX_DAYS = 36_500  # a hundred years: anything longer is "for ever" (0)
RETENTION_ROLES = frozenset({COMPLIANCE, ADMIN})  # who sets retention overrides


@dataclass(frozen=True)
class RetentionOverride:
    conversation_id: str
    days: int  # 0: kept for ever
    set_by: str
    set_at: datetime


@dataclass(frozen=True)
class PurgeReport:
    """What one retention run deleted."""

    messages: int
    batches: int
    files: int
    conversations: int  # overrides applied (the global policy aside)


class ComplianceRequiredError(ChatError):
    code = "COMPLIANCE_REQUIRED"
    message = "Réservé aux rôles conformité et administrateur"


class InvalidRetentionError(ChatError):
    code = "INVALID_RETENTION"
    message = f"days doit être un entier entre 0 (pour toujours) et {MAX_DAYS}"


def require_compliance(user: Identity) -> None:
    if user.role not in RETENTION_ROLES:
        raise ComplianceRequiredError()


def check_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
        raise InvalidRetentionError()
    return days
