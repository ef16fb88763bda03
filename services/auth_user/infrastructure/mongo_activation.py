"""`MongoActivationStore`: pending activations in the `activation_codes` collection (`_id` is
the user id). A code is forgotten (find-and-delete) before the password is set, so it works
once even when two activations race."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bson import ObjectId

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.mongo_store import MongoStore

from ..domain.activation import PendingActivation
from ..domain.model import User
from .mongo_users import user_of


class MongoActivationStore(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._codes = db["activation_codes"]
        self._users = db["users"]

    def ensure_indexes(self) -> None:
        with self._serialised():
            self._codes.create_index("import_id")

    def pending_of_import(self, import_id: str) -> list[User]:
        with self._serialised():
            ids = [ObjectId(d["_id"]) for d in self._codes.find({"import_id": import_id})]
            docs = list(
                self._users.find({"_id": {"$in": ids}, "password_hash": "", "active": True})
            )
        return sorted((user_of(d) for d in docs), key=lambda u: (u.nom, u.prenom, u.id))

    def get(self, user_id: str) -> PendingActivation | None:
        with self._serialised():
            doc = self._codes.find_one({"_id": user_id})
        if doc is None:
            return None
        return PendingActivation(
            user_id, doc.get("import_id"), doc.get("code_hash"), doc.get("expires_at")
        )

    def issue(
        self, import_id: str | None, hashes: Sequence[tuple[str, str]], expires_at: datetime
    ) -> None:
        values: dict[str, Any] = {"expires_at": expires_at, "issued_at": utc_now_ms()}
        if import_id is not None:
            values["import_id"] = import_id
        with self._serialised():
            for user_id, code_hash in hashes:
                fields = {**values, "code_hash": code_hash}
                self._codes.update_one({"_id": user_id}, {"$set": fields}, upsert=True)

    def consume(self, user_id: str, code_hash: str, password_hash: str, now: datetime) -> bool:
        mine = {"_id": user_id, "code_hash": code_hash, "expires_at": {"$gt": now}}
        with self._serialised():
            if self._codes.find_one_and_delete(mine) is None:
                return False
            values = {"password_hash": password_hash, "updated_at": utc_now_ms()}
            self._users.update_one({"_id": ObjectId(user_id)}, {"$set": values})
        return True
