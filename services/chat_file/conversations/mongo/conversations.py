"""`MongoConversationStore`: conversations in MongoDB (pymongo or mongomock, same queries).

Document: `{_id, type, name, participants, admins, createdBy, createdAt, lastActivity,
lastMessage, seq, pairKey?}` and the members' receipt pointers as maps keyed by user id:
`readSeq`, `lastRead` (message id), `readAt`, `deliveredSeq`, `deliveredAt`.
`pairKey` (sorted "a|b") exists on private conversations only, with a unique sparse index:
two concurrent get-or-create calls for one pair end with one conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pymongo
from bson import ObjectId
from pymongo.errors import DuplicateKeyError, PyMongoError

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.conversations.domain.model import (
    Circle,
    Conversation,
    ConversationType,
    Receipt,
    pair_key,
    shares_presence,
)

RECEIPT_FIELDS = ("readSeq", "lastRead", "readAt", "deliveredSeq", "deliveredAt")


class MongoConversationStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._col = db["conversations"]
        self._db = db

    def ensure_indexes(self) -> None:
        self._col.create_index([("pairKey", 1)], unique=True, sparse=True, name="pair_unique")
        self._col.create_index(
            [("participants", 1), ("lastActivity", -1), ("_id", -1)], name="by_participant"
        )

    def create(self, conversation: Conversation, key: str | None = None) -> Conversation:
        doc = _to_doc(conversation)
        if key:
            doc["pairKey"] = key
        result = self._col.insert_one(doc)
        conversation.id = str(result.inserted_id)
        return conversation

    def get(self, conversation_id: str) -> Conversation | None:
        doc = self._col.find_one({"_id": ObjectId(conversation_id)})
        return _from_doc(doc) if doc else None

    def get_many(self, conversation_ids: list[str]) -> dict[str, Conversation]:
        """Conversations by id in one query."""
        ids = [ObjectId(c) for c in dict.fromkeys(conversation_ids)]
        return {str(doc["_id"]): _from_doc(doc) for doc in self._col.find({"_id": {"$in": ids}})}

    def get_or_create_private(self, a: str, b: str, now: datetime) -> tuple[Conversation, bool]:
        key = pair_key(a, b)
        doc = self._col.find_one({"pairKey": key})
        if doc:
            return _from_doc(doc), False
        conversation = Conversation.private("", a, b, now)
        try:
            return self.create(conversation, key), True
        except DuplicateKeyError:  # the other side created it just now
            return _from_doc(self._col.find_one({"pairKey": key})), False

    def list_for(self, user_id: str, skip: int, limit: int) -> tuple[list[Conversation], int]:
        query = {"participants": user_id}
        cursor = (
            self._col.find(query)
            .sort([("lastActivity", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)])
            .skip(skip)
            .limit(limit)
        )
        return [_from_doc(d) for d in cursor], self._col.count_documents(query)

    def unread_totals(self, user_id: str) -> tuple[int, int]:
        """(unread messages, conversations with unread) over all the user's conversations."""
        total = conversations = 0
        for doc in self._col.find({"participants": user_id}, {"seq": 1, f"readSeq.{user_id}": 1}):
            unread = max(0, int(doc.get("seq", 0)) - int(doc.get("readSeq", {}).get(user_id, 0)))
            total += unread
            conversations += 1 if unread else 0
        return total, conversations

    def ids_for(self, user_id: str) -> list[str]:
        return [str(d["_id"]) for d in self._col.find({"participants": user_id}, {"_id": 1})]

    def circle_of(self, user_id: str) -> Circle:
        fields = {"_id": 1, "type": 1, "participants": 1, "admins": 1, "posters": 1}
        pairs: list[tuple[str, str]] = []
        for d in self._col.find({"participants": user_id}, fields):
            cid, admins, posters = str(d["_id"]), set(d.get("admins") or ()), d.get("posters") or ()
            me = (user_id in admins, user_id in posters)
            pairs.append((cid, user_id))
            pairs += [
                (cid, u)
                for u in d.get("participants", [])
                if u != user_id and shares_presence(d["type"], me, (u in admins, u in posters))
            ]
        return Circle.of(pairs)

    def add_participants(
        self, conversation_id: str, user_ids: list[str], admins: list[str]
    ) -> Conversation | None:
        oid = ObjectId(conversation_id)
        doc = self._col.find_one({"_id": oid}, {"seq": 1, "participants": 1})
        if doc is None:
            return None
        new = [u for u in user_ids if u not in doc["participants"]]
        update: dict[str, Any] = {
            "$addToSet": {"participants": {"$each": user_ids}, "admins": {"$each": admins}}
        }
        if new:  # newcomers start with nothing unread
            seq = int(doc.get("seq", 0))
            update["$set"] = {
                **{f"readSeq.{u}": seq for u in new},
                **{f"deliveredSeq.{u}": seq for u in new},
            }
        doc = self._col.find_one_and_update(
            {"_id": oid}, update, return_document=pymongo.ReturnDocument.AFTER
        )
        return _from_doc(doc) if doc else None

    def remove_participant(self, conversation_id: str, user_id: str) -> Conversation | None:
        doc = self._col.find_one_and_update(
            {"_id": ObjectId(conversation_id)},
            {
                "$pull": {"participants": user_id, "admins": user_id},
                "$unset": {f"{field}.{user_id}": "" for field in RECEIPT_FIELDS},
            },
            return_document=pymongo.ReturnDocument.AFTER,
        )
        return _from_doc(doc) if doc else None

    def next_seq(self, conversation_id: str, summary: dict[str, Any], at: datetime) -> int:
        update: dict[str, Any] = {
            "$inc": {"seq": 1},
            "$set": {"lastMessage": summary, "lastActivity": at},
        }
        if summary.get("senderId"):
            update["$addToSet"] = {"posters": summary["senderId"]}
        doc = self._col.find_one_and_update(
            {"_id": ObjectId(conversation_id)},
            update,
            projection={"seq": 1},
            return_document=pymongo.ReturnDocument.AFTER,
        )
        return int(doc["seq"]) if doc else 0

    def mark_read(
        self, conversation_id: str, user_id: str, seq: int, message_id: str, at: datetime
    ) -> bool:
        changes = {f"readSeq.{user_id}": seq, f"lastRead.{user_id}": message_id}
        changes[f"readAt.{user_id}"] = at
        return self._advance(conversation_id, [f"readSeq.{user_id}"], seq, changes)

    def mark_delivered(self, conversation_id: str, user_id: str, seq: int, at: datetime) -> bool:
        changes = {f"deliveredSeq.{user_id}": seq, f"deliveredAt.{user_id}": at}
        marks = [f"deliveredSeq.{user_id}", f"readSeq.{user_id}"]  # read implies delivered
        return self._advance(conversation_id, marks, seq, changes)

    def _advance(
        self, conversation_id: str, marks: list[str], seq: int, changes: dict[str, Any]
    ) -> bool:
        below = [{"$or": [{m: {"$lt": seq}}, {m: {"$exists": False}}]} for m in marks]
        result = self._col.update_one(
            {"_id": ObjectId(conversation_id), "$and": below}, {"$set": changes}
        )
        return bool(result.modified_count)

    def ping(self) -> bool:
        try:
            self._db.command("ping")
        except PyMongoError:
            return False
        return True


def _to_doc(c: Conversation) -> dict[str, Any]:
    return {
        "type": c.type.value,
        "name": c.name,
        "participants": c.participants,
        "admins": c.admins,
        "createdBy": c.created_by,
        "createdAt": c.created_at,
        "lastActivity": c.last_activity,
        "lastMessage": c.last_message,
        "seq": c.seq,
        "readSeq": {u: r.read_up_to for u, r in c.receipts.items()},
        "deliveredSeq": {u: r.delivered_up_to for u, r in c.receipts.items()},
        "posters": sorted(c.posters),
    }


def _from_doc(doc: dict[str, Any]) -> Conversation:
    return Conversation(
        id=str(doc["_id"]),
        type=ConversationType(doc["type"]),
        participants=list(doc.get("participants", [])),
        admins=list(doc.get("admins", [])),
        created_by=doc.get("createdBy", ""),
        created_at=doc["createdAt"],
        last_activity=doc.get("lastActivity") or doc["createdAt"],
        name=doc.get("name"),
        last_message=doc.get("lastMessage"),
        seq=int(doc.get("seq", 0)),
        receipts=_receipts(doc),
        posters=frozenset(doc.get("posters") or ()),
    )


def _receipts(doc: dict[str, Any]) -> dict[str, Receipt]:
    read, delivered = doc.get("readSeq") or {}, doc.get("deliveredSeq") or {}
    last, read_at, delivered_at = (doc.get(f) or {} for f in ("lastRead", "readAt", "deliveredAt"))
    return {
        user: Receipt(
            read_up_to=int(read.get(user, 0)),
            delivered_up_to=int(delivered.get(user, 0)),
            last_read_id=last.get(user),
            read_at=read_at.get(user),
            delivered_at=delivered_at.get(user),
        )
        for user in doc.get("participants", [])
    }
