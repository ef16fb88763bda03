"""`MongoBlockStore`: who blocked whom (`user_blocks`, one document per pair)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from libs.servicekit.mongo_store import MongoStore


class MongoBlockStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._blocks = db["user_blocks"]

    def ensure_indexes(self) -> None:
        self._blocks.create_index([("blockerId", 1), ("createdAt", -1)])
        self._blocks.create_index([("blockedId", 1), ("blockerId", 1)])

    def block(self, blocker_id: str, blocked_id: str, at: datetime) -> bool:
        doc = {
            "_id": _key(blocker_id, blocked_id),
            "blockerId": blocker_id,
            "blockedId": blocked_id,
            "createdAt": at,
        }
        try:
            self._blocks.insert_one(doc)
        except DuplicateKeyError:
            return False
        return True

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        return bool(self._blocks.delete_one({"_id": _key(blocker_id, blocked_id)}).deleted_count)

    def blocked_by(self, blocker_id: str) -> list[str]:
        cursor = self._blocks.find({"blockerId": blocker_id}).sort(
            [("createdAt", -1), ("blockedId", 1)]
        )
        return [doc["blockedId"] for doc in cursor]

    def pairs(self) -> list[tuple[str, str]]:
        return [(d["blockerId"], d["blockedId"]) for d in self._blocks.find({}, {"_id": 0})]

    def has_blocked(self, blocker_id: str, blocked_id: str) -> bool:
        return self._blocks.find_one({"_id": _key(blocker_id, blocked_id)}) is not None

    def blockers_of(self, user_id: str, among: Collection[str]) -> set[str]:
        ids = list(set(among))
        if not ids:
            return set()
        query = {"blockedId": user_id, "blockerId": {"$in": ids}}
        return {doc["blockerId"] for doc in self._blocks.find(query, {"blockerId": 1})}

    def blocked_either_way(self, user_id: str, among: Collection[str]) -> set[str]:
        ids = set(among)
        if not ids:
            return set()
        query = {"$or": [{"blockerId": user_id}, {"blockedId": user_id}]}
        either = {
            doc["blockedId"] if doc["blockerId"] == user_id else doc["blockerId"]
            for doc in self._blocks.find(query)
        }
        return either & ids


def _key(blocker_id: str, blocked_id: str) -> str:
    return f"{blocker_id}>{blocked_id}"  # user ids never hold a '>'
