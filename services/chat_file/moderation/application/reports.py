"""`ReportService`: a participant reports a message; moderators list the reports and close them
with a note. Every step is audited; a new report is announced to connected moderators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.errors import ModeratorRequiredError
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id, check_user_id
from services.chat_file.moderation.application.ports import (
    AuditLog,
    MessageSource,
    ModeratorAlerts,
    ReportStore,
)
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.reports import (
    MessageSnapshot,
    Report,
    ReportClosedError,
    ReportedMessageNotFoundError,
    ReportFilter,
    ReportNotFoundError,
    ReportStatus,
)

REPORT_NEW = "report:new"


@dataclass(frozen=True)
class ReportPage:
    reports: list[Report]
    next_before: str | None  # pass as `before` for the next (older) page; None: no more


def require_moderator(user: Identity) -> None:
    if not user.moderates:
        raise ModeratorRequiredError()


class ReportService:
    def __init__(
        self,
        reports: ReportStore,
        audit: AuditLog,
        messages: MessageSource,
        alerts: ModeratorAlerts,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._reports = reports
        self._audit = audit
        self._messages = messages
        self._alerts = alerts
        self._clock = clock

    def report(self, user: Identity, message_id: str, reason: str, comment: str) -> Report:
        """MESSAGE_NOT_FOUND unless the caller takes part in the message's conversation and
        still sees the message; ALREADY_REPORTED on a second report of the same message."""
        message = self._messages.message(check_object_id(message_id))
        if message is None or not message.visible_to(user.user_id):
            raise ReportedMessageNotFoundError()
        conversation = self._messages.conversation(message.conversation_id)
        if conversation is None or not conversation.is_participant(user.user_id):
            raise ReportedMessageNotFoundError()
        snapshot = MessageSnapshot(
            sender_id=message.sender_id,
            content=message.content,
            type=str(message.type.value),
            created_at=message.created_at,
            file_id=message.file_id,
            edited=message.edited,
        )
        now = self._clock()
        report = self._reports.add(
            Report(
                message.id, message.conversation_id, user.user_id, reason, comment, snapshot, now
            )
        )
        self._audit.record(
            AuditEntry(
                user.user_id,
                "report.created",
                "message",
                message.id,
                now,
                {
                    "reportId": report.id,
                    "reason": reason,
                },
            )
        )
        self._alerts.alert(REPORT_NEW, report)
        return report

    def page(
        self, user: Identity, where: ReportFilter, before: str | None, limit: int
    ) -> ReportPage:
        require_moderator(user)
        for object_id in (before, where.conversation_id):
            if object_id is not None:
                check_object_id(object_id)
        for user_id in (where.reporter_id, where.sender_id):
            if user_id is not None:
                check_user_id(user_id)
        found = self._reports.page(where, before, limit + 1)
        more = len(found) > limit
        found = found[:limit]
        return ReportPage(found, found[-1].id if more and found else None)

    def get(self, user: Identity, report_id: str) -> Report:
        require_moderator(user)
        report = self._reports.get(check_object_id(report_id))
        if report is None:
            raise ReportNotFoundError()
        return report

    def close(self, user: Identity, report_id: str, status: ReportStatus, note: str) -> Report:
        """Resolve or dismiss an open report; REPORT_CLOSED when it already was."""
        self.get(user, report_id)
        now = self._clock()
        closed = self._reports.close(report_id, status, user.user_id, now, note)
        if closed is None:
            raise ReportClosedError()
        self._audit.record(
            AuditEntry(
                user.user_id,
                f"report.{status.value}",
                "report",
                report_id,
                now,
                {
                    "messageId": closed.message_id,
                    "note": note,
                },
            )
        )
        return closed
