"""`MongoMessageStore`: messages in MongoDB (pymongo or mongomock, same queries).

Indexes: `(conversationId, _id)` serves history pages (the cursor is the `_id`, a total order:
no skipped or repeated message when timestamps tie); `(conversationId, seq)` serves read
marks; `clientKey` = "<senderId>:<temporaryId>" (present only when a temporaryId was sent) is
unique and sparse, which makes client retries idempotent.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import datetime
from typing import Any

import pymongo
from bson import ObjectId
from pymongo.errors import DuplicateKeyError

from libs.servicekit.errors import StoreUnavailableError
from libs.servicekit.mongo_store import MongoStore
from services.chat_file.conversations.application.ports import DuplicateMessageError
from services.chat_file.conversations.domain.errors import InvalidCursorError
from services.chat_file.conversations.domain.model import (
    Message,
    MessageEdit,
    MessageType,
    kept_history,
)
from services.chat_file.conversations.domain.reactions import reacted
from services.chat_file.kernel.ids import is_object_id

AFTER = pymongo.ReturnDocument.AFTER
REACT_ATTEMPTS = 8
WORD = re.compile(r"\w+", re.UNICODE)
# Each base letter also matches its accented forms (mongomock has no text index).
ACCENTS = {
    "a": "aàâä",
    "c": "cç",
    "e": "eéèêë",
    "i": "iîï",
    "o": "oôö",
    "u": "uùûü",
    "y": "yÿ",
}


def accent_blind(word: str) -> str:
    """An escaped regex for `word` that ignores accents: "helene" matches "Hélène"."""
    plain = unicodedata.normalize("NFKD", word.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return "".join(f"[{ACCENTS[ch]}]" if ch in ACCENTS else re.escape(ch) for ch in plain)


class MongoMessageStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._col = db["messages"]
        self._conversations = db["conversations"]
        self._text_index = not type(db).__module__.startswith("mongomock")

    def ensure_indexes(self) -> None:
        self._col.create_index([("conversationId", 1), ("_id", -1)], name="history")
        self._col.create_index([("conversationId", 1), ("seq", 1)], name="by_seq")
        self._col.create_index([("clientKey", 1)], unique=True, sparse=True, name="idempotency")
        if self._text_index:  # French stemming; diacritics are ignored by text indexes v3
            self._col.create_index(
                [("content", pymongo.TEXT)], default_language="french", name="search"
            )

    def new_id(self) -> str:
        return str(ObjectId())

    def insert(self, message: Message) -> Message:
        try:
            self._col.insert_one(_to_doc(message))
        except DuplicateKeyError as exc:
            raise DuplicateMessageError(message.temporary_id) from exc
        return message

    def remove(self, message_id: str) -> None:
        self._col.delete_one({"_id": ObjectId(message_id)})

    def set_seq(self, message_id: str, seq: int) -> None:
        self._col.update_one({"_id": ObjectId(message_id)}, {"$set": {"seq": seq}})

    def find_by_temporary_id(self, sender_id: str, temporary_id: str) -> Message | None:
        doc = self._col.find_one({"clientKey": f"{sender_id}:{temporary_id}"})
        return _from_doc(doc) if doc else None

    def release_temporary_id(self, message_id: str) -> None:
        self._col.update_one({"_id": ObjectId(message_id)}, {"$unset": {"clientKey": ""}})

    def get(self, message_id: str) -> Message | None:
        doc = self._col.find_one({"_id": ObjectId(message_id)})
        return _from_doc(doc) if doc else None

    def page(
        self, conversation_id: str, user_id: str, cursor: str | None, limit: int, newer: bool
    ) -> list[Message]:
        """Up to `limit` messages after (`newer`) or before the cursor, nearest first."""
        query: dict[str, Any] = {"conversationId": conversation_id, "deletedFor": {"$ne": user_id}}
        if cursor:
            query["_id"] = {"$gt" if newer else "$lt": ObjectId(cursor)}
        order = pymongo.ASCENDING if newer else pymongo.DESCENDING
        return [_from_doc(d) for d in self._col.find(query).sort("_id", order).limit(limit)]

    def latest(self, conversation_id: str) -> Message | None:
        docs = list(self._col.find({"conversationId": conversation_id}).sort("_id", -1).limit(1))
        return _from_doc(docs[0]) if docs else None

    def edit(self, message_id: str, change: MessageEdit) -> Message | None:
        changes: dict[str, Any] = {"content": change.content, "edited": True, "editedAt": change.at}
        if change.mentions is not None:
            changes["mentions"] = list(change.mentions)
        kept = {"$each": [change.previous], "$slice": -max(change.max_versions, 0)}
        edited = self._update(message_id, {"$set": changes, "$push": {"editHistory": kept}})
        if edited is None:
            return None
        trimmed = kept_history(edited.edit_history, change.max_versions, change.max_bytes)
        if len(trimmed) == len(edited.edit_history):
            return edited
        # Over the byte bound: drop the oldest, unless a later edit has rewritten it since.
        done = self._col.update_one(
            {"_id": ObjectId(message_id), "editedAt": edited.edited_at},
            {"$set": {"editHistory": trimmed}},
        )
        return replace(edited, edit_history=trimmed) if done.matched_count else self.get(message_id)

    def delete_for_everyone(
        self, message_id: str, at: datetime, by: str | None = None
    ) -> Message | None:
        done = {"deleted": True, "deletedAt": at, "deletedBy": by, "content": "", "file": None}
        return self._update(
            message_id,
            {
                "$set": done,
                "$unset": {"editHistory": ""},
            },
        )

    def hide_for(self, message_id: str, user_id: str) -> None:
        self._col.update_one({"_id": ObjectId(message_id)}, {"$addToSet": {"deletedFor": user_id}})

    def file_in_use(self, conversation_id: str, file_id: str, besides: str) -> bool:
        query = {
            "conversationId": conversation_id,
            "fileId": file_id,
            "deleted": {"$ne": True},
            "_id": {"$ne": ObjectId(besides)},
        }
        return self._col.find_one(query, {"_id": 1}) is not None

    def react(
        self, message_id: str, user_id: str, emoji: str, add: bool, max_per_user: int
    ) -> Message | None:
        if not add:
            entry = {"userId": user_id, "emoji": emoji}
            return self._update(message_id, {"$pull": {"reactions": entry}})
        # Compare and set: the cap counts the user's reactions, which no update operator can.
        for _ in range(REACT_ATTEMPTS):
            doc = self._col.find_one({"_id": ObjectId(message_id)}, {"reactions": 1})
            if doc is None:
                return None
            before = doc.get("reactions")
            after = reacted(list(before or []), user_id, emoji, True, max_per_user)
            unchanged = {"$exists": False} if before is None else before
            done = self._col.find_one_and_update(
                {"_id": ObjectId(message_id), "reactions": unchanged},
                {"$set": {"reactions": after}},
                return_document=AFTER,
            )
            if done is not None:
                return _from_doc(done)
        raise StoreUnavailableError("Réactions modifiées sans cesse : réessayez dans un instant")

    def search(
        self,
        user_id: str,
        text: str,
        limit: int,
        *,
        conversation_id: str | None = None,
        cursor: str | None = None,
    ) -> tuple[list[Message], str | None]:
        """A real server uses the text index (`$text`, best score first, offset cursor);
        mongomock has no `$text`: an escaped case-insensitive regex, newest first."""
        words = WORD.findall(text)[:12]
        if not words:
            return [], None
        mine = [d["_id"] for d in self._conversations.find({"participants": user_id}, {"_id": 1})]
        ids = [str(i) for i in mine if not conversation_id or str(i) == conversation_id]
        query: dict[str, Any] = {
            "conversationId": {"$in": ids},
            "deleted": {"$ne": True},
            "deletedFor": {"$ne": user_id},
        }
        if self._text_index:
            return self._text_search(query, text, limit, cursor)
        query["$and"] = [{"content": {"$regex": accent_blind(w), "$options": "i"}} for w in words]
        if cursor:
            query["_id"] = {"$lt": _cursor_id(cursor)}
        docs = list(self._col.find(query).sort("_id", -1).limit(limit + 1))
        more = len(docs) > limit
        return [_from_doc(d) for d in docs[:limit]], str(docs[limit - 1]["_id"]) if more else None

    def _text_search(
        self, query: dict[str, Any], text: str, limit: int, cursor: str | None
    ) -> tuple[list[Message], str | None]:
        offset = int(cursor[1:]) if cursor and cursor[:1] == "o" and cursor[1:].isdigit() else 0
        score = {"score": {"$meta": "textScore"}}
        found = (
            self._col.find({**query, "$text": {"$search": text}}, score)
            .sort([("score", {"$meta": "textScore"}), ("_id", -1)])
            .skip(offset)
            .limit(limit + 1)
        )
        docs = list(found)
        more = len(docs) > limit
        return [_from_doc(d) for d in docs[:limit]], f"o{offset + limit}" if more else None

    def _update(self, message_id: str, update: dict[str, Any]) -> Message | None:
        doc = self._col.find_one_and_update(
            {"_id": ObjectId(message_id)}, update, return_document=AFTER
        )
        return _from_doc(doc) if doc else None


def _to_doc(m: Message) -> dict[str, Any]:
    """Optional fields are stored only when set (smaller documents, cheaper pages)."""
    doc: dict[str, Any] = {
        "_id": ObjectId(m.id),
        "conversationId": m.conversation_id,
        "senderId": m.sender_id,
        "content": m.content,
        "type": m.type.value,
        "createdAt": m.created_at,
        "seq": m.seq,
    }
    optional = {
        "fileId": m.file_id,
        "file": m.file,
        "replyTo": m.reply_to,
        "mentions": list(m.mentions),
    }
    doc.update({k: v for k, v in optional.items() if v})
    if m.temporary_id:
        doc["temporaryId"] = m.temporary_id
        doc["clientKey"] = f"{m.sender_id}:{m.temporary_id}"
    return doc


def _from_doc(doc: dict[str, Any]) -> Message:
    return Message(
        id=str(doc["_id"]),
        conversation_id=doc["conversationId"],
        sender_id=doc["senderId"],
        content=doc.get("content") or "",
        type=MessageType(doc.get("type", "TEXT")),
        created_at=doc["createdAt"],
        seq=int(doc.get("seq", 0)),
        temporary_id=doc.get("temporaryId"),
        file_id=doc.get("fileId"),
        file=doc.get("file"),
        reply_to=doc.get("replyTo"),
        edited=bool(doc.get("edited")),
        edited_at=doc.get("editedAt"),
        edit_history=list(doc.get("editHistory") or []),
        deleted=bool(doc.get("deleted")),
        deleted_for=list(doc.get("deletedFor") or []),
        deleted_by=doc.get("deletedBy"),
        reactions=list(doc.get("reactions") or []),
        mentions=list(doc.get("mentions") or []),
    )


def _cursor_id(cursor: str) -> ObjectId:
    if not is_object_id(cursor):
        raise InvalidCursorError()
    return ObjectId(cursor)
