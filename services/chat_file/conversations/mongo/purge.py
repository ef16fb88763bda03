"""`MongoMessagePurge`: the SQL purge's twin. The batch comes from the `by_time` index
(`createdAt`), or the history index for one conversation; the messages, their mentions
(`messageId` index) go; each participant's `readSeq` / `deliveredSeq` moves up with `$max`; a
conversation whose `lastMessage` was purged forgets it. MongoDB has no transaction here: a
batch interrupted half way is finished by the next run (the same messages are still expired)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import Any

from bson import ObjectId

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.conversations.application.ports import PurgedBatch


class MongoMessagePurge(MongoStore):
    def __init__(self, db: Any) -> None:
        self._messages = db["messages"]
        self._conversations = db["conversations"]
        self._mentions = db["message_mentions"]

    def ensure_indexes(self) -> None:
        self._messages.create_index([("createdAt", 1), ("_id", 1)], name="by_time")
        self._messages.create_index([("fileId", 1)], name="by_file", sparse=True)
        self._mentions.create_index([("messageId", 1)], name="by_message")

    def purge(
        self,
        before: datetime,
        limit: int,
        conversation_id: str | None = None,
        excluded: Collection[str] = (),
        kept_senders: Collection[str] = (),
    ) -> PurgedBatch:
        query: dict[str, Any] = {"createdAt": {"$lt": before}}
        if kept_senders:
            query["senderId"] = {"$nin": list(kept_senders)}
        if conversation_id is not None:
            query["conversationId"] = conversation_id
            order = [("_id", 1)]
        else:
            if excluded:
                query["conversationId"] = {"$nin": list(excluded)}
            order = [("createdAt", 1), ("_id", 1)]
        fields = {"conversationId": 1, "seq": 1, "fileId": 1}
        docs = list(self._messages.find(query, fields).sort(order).limit(limit))
        if not docs:
            return PurgedBatch(0, [])
        ids = [doc["_id"] for doc in docs]
        self._mentions.delete_many({"messageId": {"$in": [str(i) for i in ids]}})
        self._messages.delete_many({"_id": {"$in": ids}})
        last: dict[str, int] = defaultdict(int)
        for doc in docs:
            chat = doc["conversationId"]
            last[chat] = max(last[chat], int(doc.get("seq", 0)))
        gone = {str(i) for i in ids}
        for chat, seq in last.items():
            found = self._conversations.find_one(
                {"_id": ObjectId(chat)}, {"participants": 1, "lastMessage": 1}
            )
            if found is None:
                continue
            moved = {
                **{f"readSeq.{u}": seq for u in found.get("participants", [])},
                **{f"deliveredSeq.{u}": seq for u in found.get("participants", [])},
            }
            change: dict[str, Any] = {"$max": moved} if moved else {}
            if (found.get("lastMessage") or {}).get("id") in gone:
                change["$set"] = {"lastMessage": None}
            if change:
                self._conversations.update_one({"_id": ObjectId(chat)}, change)
        files = list(dict.fromkeys(doc["fileId"] for doc in docs if doc.get("fileId")))
        return PurgedBatch(len(docs), files)

    def attached(self, file_ids: Collection[str]) -> set[str]:
        ids = list(set(file_ids))
        if not ids:
            return set()
        return {str(f) for f in self._messages.distinct("fileId", {"fileId": {"$in": ids}})}
