"""`MongoReportStore` (`message_reports`, a unique index on message and reporter) and
`MongoAuditLog` (`moderation_audit`): the SQL stores' twins."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument
from pymongo.errors import DuplicateKeyError

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.moderation.domain.audit import AuditEntry
from services.chat_file.moderation.domain.reports import (
    AlreadyReportedError,
    MessageSnapshot,
    Report,
    ReportFilter,
    ReportStatus,
)


class MongoReportStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._reports = db["message_reports"]

    def ensure_indexes(self) -> None:
        self._reports.create_index([("messageId", 1), ("reporterId", 1)], unique=True)
        self._reports.create_index([("status", 1), ("_id", -1)])

    def add(self, report: Report) -> Report:
        report.id = str(ObjectId())
        doc = {
            "_id": report.id,
            "messageId": report.message_id,
            "conversationId": report.conversation_id,
            "reporterId": report.reporter_id,
            "senderId": report.snapshot.sender_id,
            "reason": report.reason,
            "comment": report.comment,
            "snapshot": report.snapshot.to_doc(),
            "status": report.status.value,
            "createdAt": report.created_at,
            "closedBy": None,
            "closedAt": None,
            "note": report.note,
        }
        try:
            self._reports.insert_one(doc)
        except DuplicateKeyError:
            raise AlreadyReportedError() from None
        return report

    def get(self, report_id: str) -> Report | None:
        doc = self._reports.find_one({"_id": report_id})
        return _report(doc) if doc else None

    def page(self, where: ReportFilter, before: str | None, limit: int) -> list[Report]:
        query: dict[str, Any] = {}
        for key, value in (
            ("status", where.status.value if where.status else None),
            ("reason", where.reason),
            ("conversationId", where.conversation_id),
            ("reporterId", where.reporter_id),
            ("senderId", where.sender_id),
        ):
            if value is not None:
                query[key] = value
        if before is not None:
            query["_id"] = {"$lt": before}
        cursor = self._reports.find(query).sort("_id", -1).limit(limit)
        return [_report(doc) for doc in cursor]

    def close(
        self, report_id: str, status: ReportStatus, by: str, at: datetime, note: str
    ) -> Report | None:
        doc = self._reports.find_one_and_update(
            {"_id": report_id, "status": ReportStatus.OPEN.value},
            {"$set": {"status": status.value, "closedBy": by, "closedAt": at, "note": note}},
            return_document=ReturnDocument.AFTER,
        )
        return _report(doc) if doc else None


class MongoAuditLog(MongoStore):
    def __init__(self, db: Any) -> None:
        self._entries = db["moderation_audit"]

    def ensure_indexes(self) -> None:
        self._entries.create_index([("targetId", 1), ("_id", -1)])

    def record(self, entry: AuditEntry) -> None:
        self._entries.insert_one(
            {
                "_id": entry.id or str(ObjectId()),
                "at": entry.at,
                "actorId": entry.actor_id,
                "action": entry.action,
                "targetType": entry.target_type,
                "targetId": entry.target_id,
                "detail": entry.detail,
            }
        )

    def recent(self, target_id: str | None = None, limit: int = 50) -> list[AuditEntry]:
        query = {"targetId": target_id} if target_id is not None else {}
        cursor = self._entries.find(query).sort("_id", -1).limit(limit)
        return [
            AuditEntry(
                d["actorId"],
                d["action"],
                d["targetType"],
                d["targetId"],
                d["at"],
                d["detail"],
                d["_id"],
            )
            for d in cursor
        ]


def _report(doc: dict[str, Any]) -> Report:
    return Report(
        message_id=doc["messageId"],
        conversation_id=doc["conversationId"],
        reporter_id=doc["reporterId"],
        reason=doc["reason"],
        comment=doc.get("comment", ""),
        snapshot=MessageSnapshot.from_doc(doc["snapshot"]),
        created_at=doc["createdAt"],
        id=doc["_id"],
        status=ReportStatus(doc["status"]),
        closed_by=doc.get("closedBy"),
        closed_at=doc.get("closedAt"),
        note=doc.get("note", ""),
    )
