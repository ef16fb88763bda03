"""`MongoAnnouncementStore`: the same contract on MongoDB (and mongomock).

Collections `broadcasts`, `announcements`, `org_members` ({_id: user id, m, d, s} with a
compound index on the three unit keys) and `announcement_receipts` ({_id: "<announcement>:<user>"}).
The census reads the announcement's receipts (those who reported anything), then the audience's
members by the unit index, and counts in Python: two reads, not one query as on SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING
from pymongo.errors import DuplicateKeyError

from libs.servicekit.mongo_store import MongoStore

from ..domain.model import Announcement, Audience, Broadcast, Priority, ReceiptState, UnitCensus
from ..domain.units import LEVELS, Unit

_FIELDS = {
    ReceiptState.DELIVERED: ("delivered_at",),
    ReceiptState.READ: ("delivered_at", "read_at"),
    ReceiptState.ACKNOWLEDGED: ("delivered_at", "read_at", "acked_at"),
}
_KEYS = ("m", "d", "s")


def audience_match(audience: Audience) -> dict[str, Any]:
    clauses: list[dict[str, Any]] = []
    for unit in audience.units:
        clause = {"m": unit.ministere}
        if unit.direction:
            clause["d"] = unit.direction
        if unit.service:
            clause["s"] = unit.service
        clauses.append(clause)
    if audience.agents:
        clauses.append({"_id": {"$in": sorted(audience.agents)}})
    return {"$or": clauses}


class MongoAnnouncementStore(MongoStore):
    def __init__(self, db: Any) -> None:
        super().__init__()
        self._broadcasts = db["broadcasts"]
        self._sent = db["announcements"]
        self._members = db["org_members"]
        self._receipts = db["announcement_receipts"]

    def ensure_indexes(self) -> None:
        self._members.create_index([(k, ASCENDING) for k in _KEYS], name="org_members_by_unit")
        self._sent.create_index([("broadcast_id", ASCENDING), ("created_at", ASCENDING)])
        self._sent.create_index([("next_reminder_at", ASCENDING)])

    def create_broadcast(self, broadcast: Broadcast) -> None:
        audience = broadcast.audience
        self._broadcasts.insert_one(
            {
                "_id": broadcast.id,
                "title": broadcast.title,
                "created_by": broadcast.created_by,
                "admins": sorted(broadcast.admins),
                "units": [[u.ministere, u.direction, u.service] for u in audience.units],
                "agents": sorted(audience.agents),
                "created_at": broadcast.created_at,
                "last_message_at": broadcast.last_message_at,
                "message_count": broadcast.message_count,
            }
        )

    def get_broadcast(self, broadcast_id: str) -> Broadcast | None:
        doc = self._broadcasts.find_one({"_id": broadcast_id})
        if doc is None:
            return None
        audience = Audience(tuple(Unit(*u) for u in doc["units"]), frozenset(doc["agents"]))
        return Broadcast(
            doc["_id"],
            doc["title"],
            doc["created_by"],
            frozenset(doc["admins"]),
            audience,
            doc["created_at"],
            doc.get("last_message_at"),
            int(doc.get("message_count", 0)),
        )

    def append(self, announcement: Announcement) -> None:
        self._sent.insert_one(
            {
                "_id": announcement.id,
                "broadcast_id": announcement.broadcast_id,
                "sender_id": announcement.sender_id,
                "content": announcement.content,
                "priority": announcement.priority.value,
                "request_ack": announcement.request_ack,
                "created_at": announcement.created_at,
                "next_reminder_at": announcement.next_reminder_at,
                "reminder_rounds": 0,
            }
        )
        self._broadcasts.update_one(
            {"_id": announcement.broadcast_id},
            {"$inc": {"message_count": 1}, "$set": {"last_message_at": announcement.created_at}},
        )

    def get_announcement(self, announcement_id: str) -> Announcement | None:
        doc = self._sent.find_one({"_id": announcement_id})
        return _announcement(doc) if doc is not None else None

    def reminders_due(self, now: datetime, most: int, limit: int) -> list[tuple[Announcement, int]]:
        query = {"next_reminder_at": {"$ne": None, "$lte": now}, "reminder_rounds": {"$lt": most}}
        found = self._sent.find(query).sort("next_reminder_at", ASCENDING).limit(limit)
        return [(_announcement(doc), int(doc.get("reminder_rounds", 0))) for doc in found]

    def reminded(self, announcement_id: str, rounds: int, next_at: datetime | None) -> None:
        self._sent.update_one(
            {"_id": announcement_id},
            {"$set": {"reminder_rounds": rounds, "next_reminder_at": next_at}},
        )

    def record(self, announcement_id: str, user_id: str, state: ReceiptState, at: datetime) -> bool:
        fields = _FIELDS[state]
        key = f"{announcement_id}:{user_id}"
        done = self._receipts.update_one(
            {"_id": key, fields[-1]: None},
            [{"$set": {f: {"$ifNull": [f"${f}", at]} for f in fields}}],
        )
        if done.modified_count:
            return True
        if self._receipts.find_one({"_id": key}, {"_id": 1}) is not None:
            return False
        doc = {"_id": key, "announcement_id": announcement_id, "user_id": user_id}
        try:
            self._receipts.insert_one({**doc, **dict.fromkeys(fields, at)})
        except DuplicateKeyError:  # a concurrent first report: theirs stands
            return False
        return True

    def put_members(self, members: Iterable[tuple[str, Unit]]) -> None:
        """Replace the members' documents a thousand at a time (delete, then insert: two round
        trips a chunk; an agent moved concurrently may briefly be in no unit)."""
        docs = {
            uid: {"_id": uid, "m": u.ministere, "d": u.direction, "s": u.service}
            for uid, u in members
        }
        chunk = list(docs.values())
        for start in range(0, len(chunk), 1000):
            part = chunk[start : start + 1000]
            self._members.delete_many({"_id": {"$in": [d["_id"] for d in part]}})
            self._members.insert_many(part, ordered=False)

    def audience_page(self, audience: Audience, after: str, limit: int) -> list[str]:
        query = {"$and": [audience_match(audience), {"_id": {"$gt": after}}]}
        found = self._members.find(query, {"_id": 1}).sort("_id", ASCENDING).limit(limit)
        return [doc["_id"] for doc in found]

    def _reached(self, announcement_id: str) -> dict[str, int]:
        """How far each recipient who reported anything got (1 delivered .. 3 acknowledged)."""
        found = self._receipts.find({"announcement_id": announcement_id})
        return {
            doc["user_id"]: sum(1 for f in ("delivered_at", "read_at", "acked_at") if doc.get(f))
            for doc in found
        }

    def census(self, announcement_id: str, audience: Audience, level: str) -> list[UnitCensus]:
        depth = LEVELS.index(level) + 1
        reached = self._reached(announcement_id)
        rows: dict[str, list[int]] = {}
        for doc in self._members.find(audience_match(audience)):
            name = "/".join(doc.get(k, "") for k in _KEYS[:depth])
            rows.setdefault(name, [0, 0, 0, 0])[3 - reached.get(doc["_id"], 0)] += 1
        return [UnitCensus(name, *rows[name]) for name in sorted(rows)]

    def pending_agents(
        self,
        announcement_id: str,
        audience: Audience,
        target: ReceiptState,
        limit: int,
        after: str = "",
    ) -> list[str]:
        needed = len(_FIELDS[target])
        reached = self._reached(announcement_id)
        query = {"$and": [audience_match(audience), {"_id": {"$gt": after}}]}
        found = self._members.find(query, {"_id": 1}).sort("_id", ASCENDING)
        pending = (doc["_id"] for doc in found if reached.get(doc["_id"], 0) < needed)
        return [uid for _, uid in zip(range(limit), pending, strict=False)]


def _announcement(doc: dict[str, Any]) -> Announcement:
    return Announcement(
        doc["_id"],
        doc["broadcast_id"],
        doc["sender_id"],
        doc["content"],
        Priority(doc["priority"]),
        bool(doc["request_ack"]),
        doc["created_at"],
        doc.get("next_reminder_at"),
    )
