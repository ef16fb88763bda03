"""`MongoBadgeCounts`: many users' unread totals from the conversation documents (their `seq`
and per-member `readSeq`), one query, for push badges."""

from __future__ import annotations

from typing import Any

from libs.servicekit.mongo_store import MongoStore


class MongoBadgeCounts(MongoStore):
    def __init__(self, db: Any, collection: str = "conversations") -> None:
        self._col = db[collection]

    def totals_for(self, user_ids: list[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(user_ids))
        totals = dict.fromkeys(ids, 0)
        if not ids:
            return totals
        wanted = set(ids)
        cursor = self._col.find(
            {"participants": {"$in": ids}}, {"seq": 1, "participants": 1, "readSeq": 1}
        )
        for doc in cursor:
            seq, read = int(doc.get("seq", 0)), doc.get("readSeq") or {}
            for user_id in wanted.intersection(doc.get("participants", [])):
                totals[user_id] += max(0, seq - int(read.get(user_id, 0)))
        return totals
