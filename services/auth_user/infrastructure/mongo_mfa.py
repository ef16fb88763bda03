"""`MongoMfaStore`: one document per user in the `mfa` collection (`_id` = user id):
`{secret, confirmed, last_step, recovery: [hashes]}`. Each accepting write is one conditional
single-document update, so a code cannot be accepted twice."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.mongo_store import MongoStore

from ..domain.mfa import MfaCredential


class MongoMfaStore(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._mfa = db["mfa"]

    def ensure_indexes(self) -> None:
        """Only `_id` is looked up."""

    def get(self, user_id: str) -> MfaCredential | None:
        with self._serialised():
            doc = self._mfa.find_one({"_id": user_id})
        if doc is None:
            return None
        recovery = tuple(sorted(doc.get("recovery", [])))
        return MfaCredential(
            user_id, doc["secret"], bool(doc.get("confirmed")), doc.get("last_step", 0), recovery
        )

    def begin(self, user_id: str, sealed_secret: str) -> None:
        with self._serialised():
            self._mfa.delete_one({"_id": user_id, "confirmed": False})
            if self._mfa.find_one({"_id": user_id}) is None:
                self._mfa.insert_one(
                    {
                        "_id": user_id,
                        "secret": sealed_secret,
                        "confirmed": False,
                        "last_step": 0,
                        "recovery": [],
                        "created_at": utc_now_ms(),
                    }
                )

    def confirm(self, user_id: str, step: int, recovery_hashes: Sequence[str]) -> bool:
        values = {"confirmed": True, "last_step": step, "recovery": list(recovery_hashes)}
        with self._serialised():
            done = self._mfa.update_one({"_id": user_id, "confirmed": False}, {"$set": values})
        return bool(done.modified_count)

    def use_step(self, user_id: str, step: int) -> bool:
        fresh = {"_id": user_id, "confirmed": True, "last_step": {"$lt": step}}
        with self._serialised():
            return bool(self._mfa.update_one(fresh, {"$set": {"last_step": step}}).modified_count)

    def use_recovery(self, user_id: str, recovery_hash: str) -> bool:
        mine = {"_id": user_id, "recovery": recovery_hash}
        with self._serialised():
            spent = self._mfa.update_one(mine, {"$pull": {"recovery": recovery_hash}})
        return bool(spent.modified_count)

    def replace_recovery(self, user_id: str, recovery_hashes: Sequence[str]) -> None:
        with self._serialised():
            self._mfa.update_one({"_id": user_id}, {"$set": {"recovery": list(recovery_hashes)}})

    def delete(self, user_id: str) -> bool:
        with self._serialised():
            return bool(self._mfa.delete_one({"_id": user_id}).deleted_count)
