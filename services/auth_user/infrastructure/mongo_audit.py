"""MongoAuditLog: security events in the `audit_events` collection (MongoDB, mongomock)."""

from __future__ import annotations

import threading
from dataclasses import asdict
from typing import Any

import pymongo

from libs.servicekit.mongo_store import MongoStore

from ..domain.model import AuditEvent


class MongoAuditLog(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._events = db["audit_events"]

    def ensure_indexes(self) -> None:
        with self._serialised():
            self._events.create_index([("user_id", 1), ("_id", -1)])
            self._events.create_index([("kind", 1), ("_id", -1)])

    def record(self, *events: AuditEvent) -> None:
        with self._serialised():
            self._events.insert_many([asdict(event) for event in events])

    def page(
        self, kind: str | None, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        query: dict[str, Any] = {}
        if kind:
            query["kind"] = kind
        if user_id:
            query["user_id"] = user_id
        with self._serialised():
            cursor = self._events.find(query).sort("_id", pymongo.DESCENDING)
            docs = list(cursor.skip(offset).limit(limit))
            total = self._events.count_documents(query)
        return [_event(d) for d in docs], total


def _event(doc: dict[str, Any]) -> AuditEvent:
    return AuditEvent(
        kind=doc["kind"],
        at=doc["at"],
        user_id=doc.get("user_id"),
        actor_id=doc.get("actor_id"),
        ip=doc.get("ip", ""),
        detail=doc.get("detail", ""),
    )
