"""`MongoDirectoryStore`: the accounts as a directory import reads and writes them (MongoDB,
mongomock). Creations go in by `insert_many` chunks; updates one document at a time (mongomock
has no bulk updates). MongoDB gives this adapter no multi-document transaction: a failure
part-way leaves the writes done so far, and running the same import again completes it."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from bson import ObjectId

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.mongo_store import MongoStore

from ..application.directory_ports import CHUNK
from ..domain.errors import ImportAbandonedError
from ..domain.import_jobs import JobStatus, Phase
from ..domain.model import NewUser, Role, User
from .mongo_users import indexed, reindexed, user_of


class MongoDirectoryStore(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._users = db["users"]
        self._activations = db["activation_codes"]
        self._jobs = db["directory_imports"]

    def ensure_indexes(self) -> None:
        with self._serialised():
            self._users.create_index([("managed", 1), ("active", 1)])
            self._activations.create_index("import_id")

    def by_matricules(self, matricules: Sequence[str]) -> list[User]:
        if not matricules:
            return []
        with self._serialised():
            docs = list(self._users.find({"matricule": {"$in": list(matricules)}}))
        return [user_of(d) for d in docs]

    def managed_active(self) -> list[User]:
        with self._serialised():
            docs = list(self._users.find({"managed": True, "active": {"$ne": False}}))
        return [user_of(d) for d in docs]

    def count_active(self) -> int:
        with self._serialised():
            return int(self._users.count_documents({"active": {"$ne": False}}))

    def apply_import(
        self,
        import_id: str,
        creates: Sequence[NewUser],
        changes: Sequence[tuple[str, Mapping[str, Any]]],
    ) -> list[User]:
        now = utc_now_ms()
        docs = [
            indexed({**asdict(u), "_id": ObjectId(), "role": Role(u.role).value, "created_at": now})
            | {"updated_at": now}
            for u in creates
        ]
        pending = [{"_id": str(d["_id"]), "import_id": import_id} for d in docs]
        with self._serialised():
            for start in range(0, len(docs), CHUNK):
                self._users.insert_many(docs[start : start + CHUNK])
                self._activations.insert_many(pending[start : start + CHUNK])
            for user_id, values in changes:
                self._update(ObjectId(user_id), values, now)
            applied = {"phase": Phase.APPLIED.value, "done": len(docs) + len(changes)}
            running = {"_id": import_id, "status": JobStatus.RUNNING.value}
            marked = self._jobs.update_one(running, {"$set": {**applied, "updated_at": now}})
        if not marked.matched_count:  # failed meanwhile: the writes stay (no transaction)
            raise ImportAbandonedError()
        return [user_of(d) for d in docs]

    def _update(self, oid: ObjectId, values: Mapping[str, Any], now: Any) -> None:
        raw = {k: (v.value if isinstance(v, Role) else v) for k, v in values.items()}
        fields = reindexed(self._users, oid, raw)
        self._users.update_one({"_id": oid}, {"$set": {**fields, "updated_at": now}})
