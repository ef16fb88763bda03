"""MongoUserStore: users in the `users` collection (pymongo, or mongomock in-process).

Each document also holds what the SQL adapter's indexes compute: `words`, the folded words of
nom, prenom and matricule (search: each query word must start one; multikey index), and the
folded org keys `ministere_key`, `direction_key`, `service_key` (filters; compound index).
"""

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
from ..domain.org import ANY_UNIT, ORG_LEVELS, OrgFilter, UnitCount, folded_words, org_keys

_SORT = [("nom", pymongo.ASCENDING), ("prenom", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)]
NAMED = ("nom", "prenom", "matricule")  # what `words` is made of
MAX_QUERY_WORDS = 8


def _object_id(user_id: str) -> ObjectId | None:
    try:
        return ObjectId(user_id)
    except (InvalidId, TypeError):
        return None


def user_of(doc: Mapping[str, Any]) -> User:
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
        direction=doc.get("direction", ""),
        service=doc.get("service", ""),
        poste=doc.get("poste", ""),
        phone=doc.get("phone"),
        locale=doc.get("locale", "fr"),
        managed=bool(doc.get("managed", False)),
    )


def _unit_count(group: Mapping[str, Any]) -> UnitCount:
    names = [group[level] or "" for level in ORG_LEVELS]
    return UnitCount(names[0], names[1], names[2], int(group["agents"]))


def reindexed(users: Any, oid: ObjectId, values: Mapping[str, Any]) -> dict[str, Any]:
    """`indexed(values)` for an update of the document `oid`: when a name changes, the search
    words are made again from all three names (the others read from the document)."""
    if any(name in values for name in NAMED):
        current = users.find_one({"_id": oid}, dict.fromkeys(NAMED, 1)) or {}
        values = {**{n: current.get(n, "") for n in NAMED}, **values}
    return indexed(values)


def indexed(values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` plus the search words and org keys computed from them (all of nom, prenom and
    matricule must be in `values` for the words)."""
    extra: dict[str, Any] = org_keys(values)
    if all(name in values for name in NAMED):
        extra["words"] = folded_words(" ".join(values[name] for name in NAMED))
    return {**values, **extra}


class MongoUserStore(MongoStore):
    def __init__(self, db: Any, *, lock: threading.Lock | None = None) -> None:
        super().__init__(lock=lock)
        self._users = db["users"]

    def ensure_indexes(self) -> None:
        with self._serialised():
            self._users.create_index("matricule", unique=True)
            self._users.create_index([("nom", 1), ("prenom", 1)])
            self._users.create_index("words")
            keys = [(f"{level}_key", 1) for level in ORG_LEVELS]
            self._users.create_index([*keys, ("nom", 1), ("prenom", 1)])
            self._index_older_documents()

    def _index_older_documents(self) -> None:
        """Documents written before `words` and the org keys existed get them once."""
        for doc in list(self._users.find({"words": {"$exists": False}})):
            named = {name: doc.get(name, "") for name in (*NAMED, *ORG_LEVELS)}
            self._users.update_one({"_id": doc["_id"]}, {"$set": indexed(named)})

    def get(self, user_id: str) -> User | None:
        oid = _object_id(user_id)
        if oid is None:
            return None
        with self._serialised():
            doc = self._users.find_one({"_id": oid})
        return user_of(doc) if doc else None

    def get_by_matricule(self, matricule: str) -> User | None:
        with self._serialised():
            doc = self._users.find_one({"matricule": matricule})
        return user_of(doc) if doc else None

    def get_many(self, user_ids: Sequence[str]) -> list[User]:
        oids = [oid for oid in map(_object_id, user_ids) if oid is not None]
        if not oids:
            return []
        with self._serialised():
            docs = list(self._users.find({"_id": {"$in": oids}}))
        return [user_of(d) for d in docs]

    def get_many_by_matricule(self, matricules: Sequence[str]) -> list[User]:
        wanted = [m for m in dict.fromkeys(matricules) if isinstance(m, str) and m]
        if not wanted:
            return []
        with self._serialised():
            docs = list(self._users.find({"matricule": {"$in": wanted}}))
        return [user_of(d) for d in docs]

    def search(
        self, query: str | None, offset: int, limit: int, org: OrgFilter = ANY_UNIT
    ) -> tuple[list[User], int]:
        where: dict[str, Any] = dict(org.keys())
        if query:
            words = folded_words(query)[:MAX_QUERY_WORDS]
            if not words:
                return [], 0
            where["$and"] = [{"words": {"$regex": "^" + re.escape(w)}} for w in words]
        with self._serialised():
            total = self._users.count_documents(where)
            docs = list(self._users.find(where).sort(_SORT).skip(offset).limit(limit))
        return [user_of(d) for d in docs], total

    def org_units(self) -> list[UnitCount]:
        keys = {level: f"${level}_key" for level in ORG_LEVELS}
        names = {level: {"$min": f"${level}"} for level in ORG_LEVELS}
        pipeline = [
            {"$match": {"active": {"$ne": False}}},
            {"$group": {"_id": keys, **names, "agents": {"$sum": 1}}},
            {"$sort": {f"_id.{level}": 1 for level in ORG_LEVELS}},
        ]
        with self._serialised():
            groups = list(self._users.aggregate(pipeline))
        return [_unit_count(g) for g in groups]

    def add(self, user: NewUser) -> User:
        now = utc_now_ms()
        doc = indexed({**asdict(user), "role": user.role.value, "created_at": now})
        doc["updated_at"] = now
        try:
            with self._serialised():
                result = self._users.insert_one(doc)
        except DuplicateKeyError as exc:
            raise MatriculeTakenError() from exc
        return user_of({**doc, "_id": result.inserted_id})

    def update(self, user_id: str, changes: Mapping[str, Any]) -> User | None:
        oid = _object_id(user_id)
        if oid is None:
            return None
        values = {k: (v.value if isinstance(v, Role) else v) for k, v in changes.items()}
        values["updated_at"] = utc_now_ms()
        with self._serialised():
            values = reindexed(self._users, oid, values)
            doc = self._users.find_one_and_update(
                {"_id": oid}, {"$set": values}, return_document=pymongo.ReturnDocument.AFTER
            )
        return user_of(doc) if doc else None

    def delete(self, user_id: str) -> bool:
        oid = _object_id(user_id)
        if oid is None:
            return False
        with self._serialised():
            return bool(self._users.delete_one({"_id": oid}).deleted_count)

    def ping(self) -> None:
        with self._serialised():
            self._users.database.command("ping")
