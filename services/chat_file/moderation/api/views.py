"""The wire shapes of the moderation context: a report (with the message as it was when it was
reported), a page of reports, and the `report:new` event (the report itself)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from marshmallow import fields

from libs.servicekit.views import View
from services.chat_file.kernel.clock import iso
from services.chat_file.moderation.application.blocks import BlockResult
from services.chat_file.moderation.application.reports import ReportPage
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.holds import LegalHold
from services.chat_file.moderation.domain.reports import REASONS, MessageSnapshot, Report
from services.chat_file.moderation.domain.retention import RetentionOverride


class SnapshotView(View):
    senderId = fields.String()
    content = fields.String()
    type = fields.String()
    createdAt = fields.String()
    fileId = fields.String(allow_none=True)
    edited = fields.Boolean(metadata={"description": "it had been edited before the report"})

    def extract(self, snapshot: MessageSnapshot) -> dict[str, Any]:
        return {
            "senderId": snapshot.sender_id,
            "content": snapshot.content,
            "type": snapshot.type,
            "createdAt": iso(snapshot.created_at),
            "fileId": snapshot.file_id,
            "edited": snapshot.edited,
        }


class ReportView(View):
    id = fields.String()
    messageId = fields.String()
    conversationId = fields.String()
    reporterId = fields.String()
    reason = fields.String(metadata={"enum": list(REASONS)})
    comment = fields.String()
    message = fields.Nested(
        SnapshotView, metadata={"description": "the message when it was reported"}
    )
    status = fields.String(metadata={"enum": ["open", "resolved", "dismissed"]})
    createdAt = fields.String()
    closedBy = fields.String(allow_none=True)
    closedAt = fields.String(allow_none=True)
    note = fields.String()

    def extract(self, report: Report) -> dict[str, Any]:
        return {
            "id": report.id,
            "messageId": report.message_id,
            "conversationId": report.conversation_id,
            "reporterId": report.reporter_id,
            "reason": report.reason,
            "comment": report.comment,
            "message": report.snapshot,
            "status": report.status.value,
            "createdAt": iso(report.created_at),
            "closedBy": report.closed_by,
            "closedAt": iso(report.closed_at),
            "note": report.note,
        }


class ReportPageView(View):
    reports = fields.List(fields.Nested(ReportView), metadata={"description": "newest first"})
    nextBefore = fields.String(
        allow_none=True, metadata={"description": "`before` of the next page; null: last page"}
    )

    def extract(self, page: ReportPage) -> dict[str, Any]:
        return {"reports": page.reports, "nextBefore": page.next_before}


REPORT_VIEW = ReportView()
REPORT_PAGE = ReportPageView()

# The wire shape of every event the moderation use cases announce.
EVENT_VIEWS: dict[type, Callable[[Any], dict[str, Any]]] = {Report: REPORT_VIEW.dump_fast}


class BlockView(View):
    userId = fields.String()
    blocked = fields.Boolean()

    def extract(self, result: BlockResult) -> dict[str, Any]:
        return {"userId": result.user_id, "blocked": result.blocked}


class BlockListView(View):
    users = fields.List(fields.String(), metadata={"description": "most recently blocked first"})

    def extract(self, users: list[str]) -> dict[str, Any]:
        return {"users": users}


BLOCK_VIEW = BlockView()
BLOCK_LIST = BlockListView()


class SuspendedListView(View):
    suspended = fields.List(fields.String(), metadata={"description": "user ids, sorted"})

    def extract(self, users: list[str]) -> dict[str, Any]:
        return {"suspended": users}


SUSPENDED_LIST = SuspendedListView()


class RetentionOverrideView(View):
    conversationId = fields.String()
    days = fields.Integer(metadata={"description": "0: kept for ever"})
    setBy = fields.String()
    setAt = fields.String()

    def extract(self, override: RetentionOverride) -> dict[str, Any]:
        return {
            "conversationId": override.conversation_id,
            "days": override.days,
            "setBy": override.set_by,
            "setAt": iso(override.set_at),
        }


class RetentionView(View):
    globalDays = fields.Integer(metadata={"description": "RETENTION_DAYS; 0: kept for ever"})
    overrides = fields.List(fields.Nested(RetentionOverrideView))

    def extract(self, policy: tuple[int, list[RetentionOverride]]) -> dict[str, Any]:
        return {"globalDays": policy[0], "overrides": policy[1]}


RETENTION_OVERRIDE = RetentionOverrideView()
RETENTION = RetentionView()


class HoldView(View):
    id = fields.String()
    kind = fields.String(metadata={"enum": ["user", "conversation"]})
    targetId = fields.String()
    reason = fields.String()
    createdBy = fields.String()
    createdAt = fields.String()
    releasedBy = fields.String(allow_none=True)
    releasedAt = fields.String(allow_none=True)

    def extract(self, hold: LegalHold) -> dict[str, Any]:
        return {
            "id": hold.id,
            "kind": hold.kind,
            "targetId": hold.target_id,
            "reason": hold.reason,
            "createdBy": hold.created_by,
            "createdAt": iso(hold.created_at),
            "releasedBy": hold.released_by,
            "releasedAt": iso(hold.released_at),
        }


class HoldListView(View):
    holds = fields.List(fields.Nested(HoldView), metadata={"description": "active, oldest first"})

    def extract(self, holds: list[LegalHold]) -> dict[str, Any]:
        return {"holds": holds}


HOLD = HoldView()
HOLD_LIST = HoldListView()


class AuditEntryView(View):
    id = fields.String()
    at = fields.String()
    actorId = fields.String()
    action = fields.String()
    targetType = fields.String()
    targetId = fields.String()
    detail = fields.Dict()

    def extract(self, entry: AuditEntry) -> dict[str, Any]:
        return {
            "id": entry.id,
            "at": iso(entry.at),
            "actorId": entry.actor_id,
            "action": entry.action,
            "targetType": entry.target_type,
            "targetId": entry.target_id,
            "detail": {
                k: iso(v) if isinstance(v, datetime) else v for k, v in entry.detail.items()
            },
        }


class AuditListView(View):
    entries = fields.List(fields.Nested(AuditEntryView), metadata={"description": "newest first"})

    def extract(self, entries: list[AuditEntry]) -> dict[str, Any]:
        return {"entries": entries}


AUDIT_LIST = AuditListView()
