"""`MongoMentionStore`: the `message_mentions` collection, one document per (user,
conversation, seq), indexed for counting a user's unread mentions."""

from __future__ import annotations

from typing import Any

from libs.servicekit.mongo_store import MongoStore


class MongoMentionStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._mentions = db["message_mentions"]

    def ensure_indexes(self) -> None:
        self._mentions.create_index([("userId", 1), ("conversationId", 1), ("seq", 1)])

    def add(self, conversation_id: str, message_id: str, seq: int, user_ids: list[str]) -> None:
        for user_id in dict.fromkeys(user_ids):
            key = _key(user_id, conversation_id, seq)
            fields = {"userId": user_id, "conversationId": conversation_id, "seq": seq}
            self._mentions.update_one(
                {"_id": key}, {"$set": {**fields, "messageId": message_id}}, upsert=True
            )

    def remove(self, conversation_id: str, seq: int, user_ids: list[str]) -> None:
        keys = [_key(u, conversation_id, seq) for u in dict.fromkeys(user_ids)]
        if keys:
            self._mentions.delete_many({"_id": {"$in": keys}})

    def unread_counts(self, user_id: str, read_up_to: dict[str, int]) -> dict[str, int]:
        if not read_up_to:
            return {}
        after = [{"conversationId": c, "seq": {"$gt": seq}} for c, seq in read_up_to.items()]
        pipeline = [
            {"$match": {"userId": user_id, "$or": after}},
            {"$group": {"_id": "$conversationId", "n": {"$sum": 1}}},
        ]
        return {doc["_id"]: int(doc["n"]) for doc in self._mentions.aggregate(pipeline)}


def _key(user_id: str, conversation_id: str, seq: int) -> str:
    """One document per (user, conversation, seq): its id, so `add` is an upsert."""
    return f"{user_id}:{conversation_id}:{seq}"
