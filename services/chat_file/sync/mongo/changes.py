"""`MongoChangeLog`: the same contract on MongoDB, without multi-document transactions.

Each user's number comes from an atomic `$inc` on their head document (`change_heads`, one
round trip per user: no other single operation returns the new numbers of many documents), then
the entries go in with one `insert_many`. A process stopped between the two leaves numbers
without an entry: a hole a reader sees as nothing changed there, never a repeated number.
"""

from __future__ import annotations

import threading
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, ReturnDocument

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.sync.domain.changes import Change, LogSlice


class MongoChangeLog(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._heads = db["change_heads"]
        self._log = db["change_log"]

    def ensure_indexes(self) -> None:
        self._log.create_index([("userId", ASCENDING), ("seq", ASCENDING)], unique=True)
        self._log.create_index([("at", ASCENDING)])

    def append(
        self, user_ids: list[str], event: str, data: dict[str, Any], at: datetime
    ) -> dict[str, int]:
        users = sorted(set(user_ids))
        numbers: dict[str, int] = {}
        with self._serialised():
            for user in users:
                head = self._heads.find_one_and_update(
                    {"_id": user},
                    {"$inc": {"seq": 1}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
                numbers[user] = int(head["seq"])
            if users:
                docs = [
                    {"userId": u, "seq": numbers[u], "event": event, "data": data, "at": at}
                    for u in users
                ]
                self._log.insert_many(docs, ordered=False)
        return numbers

    def read(self, user_id: str, after: int, limit: int) -> LogSlice:
        with self._serialised():
            head = self._heads.find_one({"_id": user_id})
            if head is None:
                return LogSlice(0, None, [])
            first = self._log.find_one({"userId": user_id}, sort=[("seq", ASCENDING)])
            found = (
                self._log.find({"userId": user_id, "seq": {"$gt": after}})
                .sort("seq", ASCENDING)
                .limit(limit)
            )
            changes = [Change(int(d["seq"]), d["event"], d["data"], d["at"]) for d in found]
        oldest = int(first["seq"]) if first else None
        return LogSlice(int(head["seq"]), oldest, changes)

    def head(self, user_id: str) -> int:
        with self._serialised():
            doc = self._heads.find_one({"_id": user_id})
        return int(doc["seq"]) if doc else 0

    def compact(self, before: datetime) -> int:
        with self._serialised():
            return int(self._log.delete_many({"at": {"$lt": before}}).deleted_count)
