"""`MongoFileStore`: file metadata in the `files` collection (bytes live in a FileStorage)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.files.domain.model import FileKind, FileRecord


class MongoFileStore(MongoStore):
    def __init__(self, db: Any, collection: str = "files") -> None:
        self._files = db[collection]
        self._volume = db["upload_volume"]
        self._files.create_index([("conversationIds", 1), ("createdAt", -1)])
        self._files.create_index([("ownerId", 1), ("createdAt", -1)])
        self._files.create_index([("createdAt", 1)])

    def add(self, record: FileRecord) -> None:
        self._files.insert_one(_to_doc(record))

    def get(self, file_id: str) -> FileRecord | None:
        doc = self._files.find_one({"_id": file_id})
        return _from_doc(doc) if doc else None

    def list_for_conversation(self, conversation_id: str, limit: int) -> list[FileRecord]:
        cursor = (
            self._files.find({"conversationIds": conversation_id})
            .sort([("createdAt", -1), ("_id", -1)])
            .limit(limit)
        )
        return [_from_doc(doc) for doc in cursor]

    def link_conversation(self, file_id: str, conversation_id: str) -> None:
        self._files.update_one(
            {"_id": file_id}, {"$addToSet": {"conversationIds": conversation_id}}
        )

    def unlink_conversation(self, file_id: str, conversation_id: str) -> None:
        self._files.update_one({"_id": file_id}, {"$pull": {"conversationIds": conversation_id}})

    def delete(self, file_id: str) -> bool:
        return bool(self._files.delete_one({"_id": file_id}).deleted_count)

    def delete_unattached(self, file_id: str) -> bool:
        """Delete the document only if no conversation uses the file (one conditional delete)."""
        return bool(self._files.delete_one({"_id": file_id, **UNATTACHED}).deleted_count)

    def unattached_before(self, cutoff: datetime, limit: int) -> list[FileRecord]:
        cursor = (
            self._files.find({"createdAt": {"$lt": cutoff}, **UNATTACHED})
            .sort([("createdAt", 1), ("_id", 1)])
            .limit(limit)
        )
        return [_from_doc(doc) for doc in cursor]

    def list_for_owner(
        self, owner_id: str, limit: int, before: tuple[datetime, str] | None = None
    ) -> list[FileRecord]:
        query: dict[str, Any] = {"ownerId": owner_id}
        if before is not None:
            at, file_id = before
            query["$or"] = [{"createdAt": {"$lt": at}}, {"createdAt": at, "_id": {"$lt": file_id}}]
        cursor = self._files.find(query).sort([("createdAt", -1), ("_id", -1)]).limit(limit)
        return [_from_doc(doc) for doc in cursor]

    def usage(self, owner_id: str) -> int:
        totals = self._files.aggregate(
            [{"$match": {"ownerId": owner_id}}, {"$group": {"_id": None, "n": {"$sum": "$size"}}}]
        )
        return next((int(row["n"]) for row in totals), 0)

    def daily_volume(self, owner_id: str, day: str) -> int:
        doc = self._volume.find_one({"_id": f"{owner_id}:{day}"})
        return int(doc["bytes"]) if doc else 0

    def add_daily_volume(self, owner_id: str, day: str, size: int) -> None:
        self._volume.update_one(
            {"_id": f"{owner_id}:{day}"},
            {"$inc": {"bytes": size}, "$setOnInsert": {"ownerId": owner_id, "day": day}},
            upsert=True,
        )


UNATTACHED = {"conversationIds.0": {"$exists": False}}


def _to_doc(record: FileRecord) -> dict[str, Any]:
    return {
        "_id": record.id,
        "ownerId": record.owner_id,
        "originalName": record.original_name,
        "mimeType": record.mime_type,
        "kind": record.kind.value,
        "size": record.size,
        "sha256": record.sha256,
        "createdAt": record.created_at,
        "conversationIds": list(record.conversation_ids),
        "thumbnails": list(record.thumbnails),
        "width": record.width,
        "height": record.height,
    }


def _from_doc(doc: dict[str, Any]) -> FileRecord:
    return FileRecord(
        id=doc["_id"],
        owner_id=doc["ownerId"],
        original_name=doc["originalName"],
        mime_type=doc["mimeType"],
        kind=FileKind(doc["kind"]),
        size=doc["size"],
        sha256=doc["sha256"],
        created_at=doc["createdAt"],
        conversation_ids=tuple(doc.get("conversationIds", ())),
        thumbnails=tuple(doc.get("thumbnails", ())),
        width=doc.get("width"),
        height=doc.get("height"),
    )
