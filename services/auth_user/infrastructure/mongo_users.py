"""MongoUserStore: users in the `users` collection (pymongo, or mongomock in-process)."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

import pymongo
from bson import ObjectId
from bson.errors import InvalidId
from pymongo.errors import DuplicateKeyError

from libs.servicekit.clock import utc_now_ms
from libs.servicekit.mongo_store import MongoStore

from ..domain.errors import MatriculeTakenError
from ..domain.model import NewUser, Role, User

_SORT = [("nom", pymongo.ASCENDING), ("prenom", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]


def _object_id(user_id: str) -> ObjectId | None:
    try:
        return ObjectId(user_id)
    except (InvalidId, TypeError):
        return None


def _user(doc: Mapping[str, Any]) -> User:
    return User(
        id=str(doc["_id"]),
        matricule=doc["matricule"],
        nom=doc.get("nom", ""),
        prenom=doc.get("prenom", ""),
        password_hash=doc.get("password_hash", ""),
        role=Role(doc.get("role", Role.USER)),
        email=doc.get("email"),
        profile_pic=doc.get("profile_pic"),
        active=bool(doc.get("active", True)),
        ministere=doc.get("ministere", ""),
        sexe=doc.get("sexe", ""),
        created_at=doc.get("created_at"),
        updated_at=doc.get("updated_at"),
    )


class MongoUserStore(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._users = db["users"]

    def ensure_indexes(self) -> None:
        with self._serialised():
            self._users.create_index("matricule", unique=True)
            self._users.create_index([("nom", 1), ("prenom", 1)])

    def get(self, user_id: str) -> User | None:
        oid = _object_id(user_id)
        if oid is None:
            return None
        with self._serialised():
            doc = self._users.find_one({"_id": oid})
        return _user(doc) if doc else None

    def get_by_matricule(self, matricule: str) -> User | None:
        with self._serialised():
            doc = self._users.find_one({"matricule": matricule})
        return _user(doc) if doc else None

    def get_many(self, user_ids: Sequence[str]) -> list[User]:
        oids = [oid for oid in map(_object_id, user_ids) if oid is not None]
        if not oids:
            return []
        with self._serialised():
            docs = list(self._users.find({"_id": {"$in": oids}}))
        return [_user(d) for d in docs]

    def search(self, query: str | None, offset: int, limit: int) -> tuple[list[User], int]:
        where: dict[str, Any] = {}
        if query:
            pattern = {"$regex": re.escape(query), "$options": "i"}
            where = {"$or": [{"nom": pattern}, {"prenom": pattern}, {"matricule": pattern}]}
        with self._serialised():
            total = self._users.count_documents(where)
            docs = list(self._users.find(where).sort(_SORT).skip(offset).limit(limit))
        return [_user(d) for d in docs], total

    def add(self, user: NewUser) -> User:
        now = utc_now_ms()
        doc = {**asdict(user), "role": user.role.value, "created_at": now, "updated_at": now}
        try:
            with self._serialised():
                result = self._users.insert_one(doc)
        except DuplicateKeyError as exc:
            raise MatriculeTakenError() from exc
        return _user({**doc, "_id": result.inserted_id})

    def update(self, user_id: str, changes: Mapping[str, Any]) -> User | None:
        oid = _object_id(user_id)
        if oid is None:
            return None
        values = {k: (v.value if isinstance(v, Role) else v) for k, v in changes.items()}
        values["updated_at"] = utc_now_ms()
        with self._serialised():
            doc = self._users.find_one_and_update(
                {"_id": oid}, {"$set": values}, return_document=pymongo.ReturnDocument.AFTER
            )
        return _user(doc) if doc else None

    def delete(self, user_id: str) -> bool:
        oid = _object_id(user_id)
        if oid is None:
            return False
        with self._serialised():
            return bool(self._users.delete_one({"_id": oid}).deleted_count)

    def ping(self) -> None:
        with self._serialised():
            self._users.database.command("ping")
