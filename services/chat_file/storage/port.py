"""What `python -m scripts.port_db --service chat_file` needs: the SQL schema to fill, and how
the documents of the Mongo adapters become its rows.

Conversations give a `conversations` row and one `conversation_members` row per participant
(receipt pointers from the `readSeq`/`deliveredSeq`/`lastRead`/`readAt`/`deliveredAt` maps);
messages give `messages` rows and one `message_hidden` row per `deletedFor` entry; files give
`files` rows and one `file_conversations` row per `conversationIds` entry; push devices,
notification settings, mentions, reports, moderation audit entries, blocks, retention
overrides, legal holds and held messages map one document to one row. `messages.num` is
left to the target's sequence (assigned in `_id` order, i.e. in insertion order).

File bytes are not rows: in a directory (`FILE_STORAGE=local`) they stay where they are; in
GridFS (`FILE_STORAGE=gridfs`, MongoDB only) `copy_gridfs_files` writes them to a directory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, BinaryIO

from libs.servicekit.port_sources import MongoTable, Row, column_names
from libs.servicekit.sql_port import PortSpec
from services.chat_file.announcements.sql.tables import (
    announcements,
    broadcasts,
    org_members,
    receipts,
)
from services.chat_file.conversations.sql.tables import (
    conversations,
    hidden,
    members,
    mentions,
    messages,
)
from services.chat_file.files.adapters.local import LocalFileStorage
from services.chat_file.files.mongo.gridfs import GridFSFileStorage
from services.chat_file.files.sql.tables import file_links, files, upload_volume
from services.chat_file.kernel.sql import to_doc
from services.chat_file.moderation.sql.tables import (
    audit,
    blocks,
    held_messages,
    holds,
    reports,
    retention,
)
from services.chat_file.push.sql.tables import devices, notify_conversations, notify_users
from services.chat_file.storage.schema import SCHEMA, metadata
from services.chat_file.sync.sql.tables import change_heads, change_log

MONGODB_DB = "chat_file_service"
GRIDFS_BUCKET = "file_bytes"
CHUNK = 1 << 20


def port_spec() -> PortSpec:
    return PortSpec("chat_file", metadata, SCHEMA.script_location, SCHEMA.version_table)


def mongo_tables() -> dict[str, MongoTable]:
    return {
        "conversations": MongoTable("conversations", column_names(conversations), _conversation),
        "conversation_members": MongoTable("conversations", column_names(members), _members),
        "messages": MongoTable("messages", column_names(messages, "num"), _message),
        "message_hidden": MongoTable(
            "messages", column_names(hidden), _hidden, {"deletedFor.0": {"$exists": True}}
        ),
        "files": MongoTable("files", column_names(files), _file),
        "file_conversations": MongoTable(
            "files", column_names(file_links), _links, {"conversationIds.0": {"$exists": True}}
        ),
        "upload_volume": MongoTable("upload_volume", column_names(upload_volume), _volume),
        "push_devices": MongoTable("push_devices", column_names(devices), _device),
        "notification_user_settings": MongoTable(
            "notification_users", column_names(notify_users), _user_settings
        ),
        "notification_conversation_settings": MongoTable(
            "notification_conversations", column_names(notify_conversations), _conversation_settings
        ),
        "message_mentions": MongoTable("message_mentions", column_names(mentions), _mention),
        "message_reports": MongoTable("message_reports", column_names(reports), _report),
        "moderation_audit": MongoTable("moderation_audit", column_names(audit), _audit),
        "user_blocks": MongoTable("user_blocks", column_names(blocks), _block),
        "retention_policies": MongoTable("retention_policies", column_names(retention), _retention),
        "legal_holds": MongoTable("legal_holds", column_names(holds), _hold),
        "held_messages": MongoTable("held_messages", column_names(held_messages), _held),
        "change_heads": MongoTable("change_heads", column_names(change_heads), _change_head),
        "change_log": MongoTable("change_log", column_names(change_log), _change),
        "broadcasts": MongoTable("broadcasts", column_names(broadcasts), _broadcast),
        "announcements": MongoTable("announcements", column_names(announcements), _announcement),
        "org_members": MongoTable("org_members", column_names(org_members), _org_member),
        "announcement_receipts": MongoTable(
            "announcement_receipts", column_names(receipts), _announcement_receipt
        ),
    }


def _broadcast(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "title": doc["title"],
        "created_by": doc["created_by"],
        "admins": list(doc.get("admins") or []),
        "audience": {
            "units": [list(u) for u in doc.get("units") or []],
            "agents": list(doc.get("agents") or []),
        },
        "created_at": doc["created_at"],
        "last_message_at": doc.get("last_message_at"),
        "message_count": int(doc.get("message_count", 0)),
    }


def _announcement(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "broadcast_id": doc["broadcast_id"],
        "sender_id": doc["sender_id"],
        "content": doc["content"],
        "priority": doc["priority"],
        "request_ack": bool(doc.get("request_ack")),
        "created_at": doc["created_at"],
        "next_reminder_at": doc.get("next_reminder_at"),
        "reminder_rounds": int(doc.get("reminder_rounds", 0)),
    }


def _org_member(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "user_id": str(doc["_id"]),
        "ministere_key": doc.get("m") or "",
        "direction_key": doc.get("d") or "",
        "service_key": doc.get("s") or "",
    }


def _announcement_receipt(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "announcement_id": doc["announcement_id"],
        "user_id": doc["user_id"],
        "delivered_at": doc.get("delivered_at"),
        "read_at": doc.get("read_at"),
        "acked_at": doc.get("acked_at"),
    }


def _change_head(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {"user_id": str(doc["_id"]), "seq": int(doc.get("seq", 0))}


def _change(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "user_id": doc["userId"],
        "seq": int(doc["seq"]),
        "event": doc["event"],
        "payload": to_doc(doc.get("data") or {}),
        "created_at": doc["at"],
    }


def _conversation(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "type": doc["type"],
        "name": doc.get("name"),
        "created_by": doc.get("createdBy", ""),
        "created_at": doc["createdAt"],
        "last_activity": doc.get("lastActivity") or doc["createdAt"],
        "last_message": to_doc(doc.get("lastMessage")),
        "seq": int(doc.get("seq", 0)),
        "pair_key": doc.get("pairKey"),
    }


def _members(doc: Mapping[str, Any]) -> Iterator[Row]:
    admins = set(doc.get("admins") or [])
    maps = {f: doc.get(f) or {} for f in ("readSeq", "deliveredSeq", "lastRead", "readAt")}
    delivered_at = doc.get("deliveredAt") or {}
    for position, user in enumerate(dict.fromkeys(doc.get("participants") or [])):
        yield {
            "conversation_id": str(doc["_id"]),
            "user_id": user,
            "position": position,
            "is_admin": user in admins,
            "read_up_to": int(maps["readSeq"].get(user, 0)),
            "delivered_up_to": int(maps["deliveredSeq"].get(user, 0)),
            "last_read_id": maps["lastRead"].get(user),
            "read_at": maps["readAt"].get(user),
            "delivered_at": delivered_at.get(user),
            "posted": user in set(doc.get("posters") or []),
        }


def _message(doc: Mapping[str, Any]) -> Iterator[Row]:
    temporary_id = doc.get("temporaryId")
    yield {
        "id": str(doc["_id"]),
        "conversation_id": doc["conversationId"],
        "sender_id": doc["senderId"],
        "content": doc.get("content") or "",
        "type": doc.get("type", "TEXT"),
        "created_at": doc["createdAt"],
        "seq": int(doc.get("seq", 0)),
        "temporary_id": temporary_id,
        "client_key": doc.get("clientKey") or None,
        "file_id": doc.get("fileId"),
        "file": to_doc(doc.get("file")),
        "reply_to": doc.get("replyTo"),
        "edited": bool(doc.get("edited")),
        "edited_at": doc.get("editedAt"),
        "edit_history": to_doc(doc.get("editHistory")),
        "deleted": bool(doc.get("deleted")),
        "deleted_at": doc.get("deletedAt"),
        "deleted_by": doc.get("deletedBy"),
        "reactions": doc.get("reactions"),
        "mentions": list(doc.get("mentions") or []),
    }


def _hidden(doc: Mapping[str, Any]) -> Iterator[Row]:
    for user in dict.fromkeys(doc.get("deletedFor") or []):
        yield {"message_id": str(doc["_id"]), "user_id": user}


def _file(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "owner_id": doc["ownerId"],
        "original_name": doc["originalName"],
        "mime_type": doc["mimeType"],
        "kind": doc["kind"],
        "size": int(doc["size"]),
        "sha256": doc["sha256"],
        "created_at": doc["createdAt"],
        "thumbnails": list(doc.get("thumbnails") or []),
        "width": doc.get("width"),
        "height": doc.get("height"),
    }


def _links(doc: Mapping[str, Any]) -> Iterator[Row]:
    """Mongo keeps the link order in the list; SQL orders links by `linked_at`."""
    for n, conversation_id in enumerate(dict.fromkeys(doc.get("conversationIds") or [])):
        yield {
            "file_id": str(doc["_id"]),
            "conversation_id": conversation_id,
            "linked_at": doc["createdAt"] + timedelta(microseconds=n),
        }


def _volume(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {"owner_id": doc["ownerId"], "day": doc["day"], "bytes": int(doc["bytes"])}


def _device(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "user_id": doc["userId"],
        "device_key": doc["deviceKey"],
        "platform": doc["platform"],
        "token": doc["token"],
        "token_hash": doc["tokenHash"],
        "subscription_keys": dict(doc.get("keys") or {}),
        "app_version": doc.get("appVersion", ""),
        "created_at": doc["createdAt"],
        "updated_at": doc.get("updatedAt") or doc["createdAt"],
        "session_id": doc.get("sessionId"),
        "auth_ms": int(doc.get("authMs") or 0),
    }


def _user_settings(doc: Mapping[str, Any]) -> Iterator[Row]:
    quiet = doc.get("quietHours") or {}
    yield {
        "user_id": doc["_id"],
        "dnd_until": doc.get("dndUntil"),
        "quiet_start": quiet.get("start"),
        "quiet_end": quiet.get("end"),
        "time_zone": quiet.get("timeZone"),
        "previews": bool(doc.get("previews", True)),
    }


def _conversation_settings(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "user_id": doc["userId"],
        "conversation_id": doc["conversationId"],
        "level": doc.get("level", "all"),
        "muted_until": doc.get("mutedUntil"),
    }


def _mention(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "user_id": doc["userId"],
        "conversation_id": doc["conversationId"],
        "seq": int(doc["seq"]),
        "message_id": doc["messageId"],
    }


def _report(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "message_id": doc["messageId"],
        "conversation_id": doc["conversationId"],
        "reporter_id": doc["reporterId"],
        "sender_id": doc["senderId"],
        "reason": doc["reason"],
        "comment": doc.get("comment", ""),
        "snapshot": to_doc(doc["snapshot"]),
        "status": doc.get("status", "open"),
        "created_at": doc["createdAt"],
        "closed_by": doc.get("closedBy"),
        "closed_at": doc.get("closedAt"),
        "note": doc.get("note", ""),
    }


def _audit(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "at": doc["at"],
        "actor_id": doc["actorId"],
        "action": doc["action"],
        "target_type": doc["targetType"],
        "target_id": doc["targetId"],
        "detail": to_doc(doc.get("detail", {})),
    }


def _block(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "blocker_id": doc["blockerId"],
        "blocked_id": doc["blockedId"],
        "created_at": doc["createdAt"],
    }


def _retention(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "conversation_id": doc["_id"],
        "days": int(doc["days"]),
        "set_by": doc["setBy"],
        "set_at": doc["setAt"],
    }


def _hold(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "id": str(doc["_id"]),
        "kind": doc["kind"],
        "target_id": doc["targetId"],
        "reason": doc.get("reason", ""),
        "created_by": doc["createdBy"],
        "created_at": doc["createdAt"],
        "released_by": doc.get("releasedBy"),
        "released_at": doc.get("releasedAt"),
    }


def _held(doc: Mapping[str, Any]) -> Iterator[Row]:
    yield {
        "message_id": str(doc["_id"]),
        "conversation_id": doc["conversationId"],
        "sender_id": doc["senderId"],
        "content": doc.get("content", ""),
        "edit_history": to_doc(doc.get("editHistory") or []),
        "kept_at": doc["keptAt"],
    }


def copy_gridfs_files(db: Any, files_dir: str, bucket: str = GRIDFS_BUCKET) -> int:
    """Every GridFS object into `files_dir` laid out as `LocalFileStorage` reads it. Objects
    already there are skipped (each save is atomic), so an interrupted copy just runs again."""
    source, target = GridFSFileStorage(db, bucket), LocalFileStorage(files_dir)
    copied = 0
    for doc in db[f"{bucket}.files"].find({}, {"_id": 1}).sort("_id", 1):
        key = str(doc["_id"])
        if target.path(key).exists():
            continue
        with source.open(key) as stream:
            target.save(key, _chunks(stream))
        copied += 1
    return copied


def _chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk
