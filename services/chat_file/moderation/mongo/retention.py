"""`MongoRetentionPolicyStore`: per-conversation retention overrides (`retention_policies`,
one document per conversation)."""

from __future__ import annotations

from typing import Any

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.moderation.domain.retention import RetentionOverride


class MongoRetentionPolicyStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._policies = db["retention_policies"]

    def put(self, override: RetentionOverride) -> None:
        fields = {"days": override.days, "setBy": override.set_by, "setAt": override.set_at}
        self._policies.update_one({"_id": override.conversation_id}, {"$set": fields}, upsert=True)

    def remove(self, conversation_id: str) -> bool:
        return bool(self._policies.delete_one({"_id": conversation_id}).deleted_count)

    def overrides(self) -> list[RetentionOverride]:
        return [
            RetentionOverride(d["_id"], int(d["days"]), d["setBy"], d["setAt"])
            for d in self._policies.find().sort("_id", 1)
        ]
