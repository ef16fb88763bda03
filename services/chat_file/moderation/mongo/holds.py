"""`MongoHoldStore`: legal holds (`legal_holds`) and kept copies (`held_messages`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ReturnDocument

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.moderation.domain.holds import LegalHold


class MongoHoldStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._holds = db["legal_holds"]
        self._kept = db["held_messages"]

    def ensure_indexes(self) -> None:
        self._holds.create_index([("targetId", 1), ("kind", 1)])

    def add(self, hold: LegalHold) -> LegalHold:
        hold_id = str(ObjectId())
        self._holds.insert_one(
            {
                "_id": hold_id,
                "kind": hold.kind,
                "targetId": hold.target_id,
                "reason": hold.reason,
                "createdBy": hold.created_by,
                "createdAt": hold.created_at,
                "releasedBy": None,
                "releasedAt": None,
            }
        )
        return LegalHold(
            hold.kind, hold.target_id, hold.reason, hold.created_by, hold.created_at, hold_id
        )

    def get(self, hold_id: str) -> LegalHold | None:
        doc = self._holds.find_one({"_id": hold_id})
        return _hold(doc) if doc else None

    def release(self, hold_id: str, by: str, at: datetime) -> LegalHold | None:
        doc = self._holds.find_one_and_update(
            {"_id": hold_id, "releasedAt": None},
            {"$set": {"releasedBy": by, "releasedAt": at}},
            return_document=ReturnDocument.AFTER,
        )
        return _hold(doc) if doc else None

    def active(self) -> list[LegalHold]:
        return [_hold(d) for d in self._holds.find({"releasedAt": None}).sort("_id", 1)]

    def is_held(self, conversation_id: str, sender_id: str) -> bool:
        query = {
            "releasedAt": None,
            "$or": [
                {"kind": "conversation", "targetId": conversation_id},
                {"kind": "user", "targetId": sender_id},
            ],
        }
        return self._holds.find_one(query, {"_id": 1}) is not None

    def keep(
        self,
        message_id: str,
        conversation_id: str,
        sender_id: str,
        content: str,
        edit_history: list[dict[str, Any]],
        at: datetime,
    ) -> None:
        doc = {
            "conversationId": conversation_id,
            "senderId": sender_id,
            "content": content,
            "editHistory": edit_history,
            "keptAt": at,
        }
        self._kept.update_one({"_id": message_id}, {"$setOnInsert": doc}, upsert=True)

    def kept(self, message_id: str) -> dict[str, Any] | None:
        doc = self._kept.find_one({"_id": message_id})
        if doc is None:
            return None
        return {
            k: doc[k] for k in ("conversationId", "senderId", "content", "editHistory", "keptAt")
        }


def _hold(doc: dict[str, Any]) -> LegalHold:
    return LegalHold(
        doc["kind"],
        doc["targetId"],
        doc.get("reason", ""),
        doc["createdBy"],
        doc["createdAt"],
        doc["_id"],
        doc.get("releasedBy"),
        doc.get("releasedAt"),
    )
