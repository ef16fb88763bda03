"""`MongoDeviceStore`: push targets in the `push_devices` collection (unique per user+deviceId
and per token hash)."""

from __future__ import annotations

from typing import Any

import pymongo
from pymongo.errors import DuplicateKeyError

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.push.domain.devices import Device, Platform, by_user, token_hash


class MongoDeviceStore(MongoStore):
    def __init__(self, db: Any, collection: str = "push_devices") -> None:
        self._devices = db[collection]

    def ensure_indexes(self) -> None:
        self._devices.create_index([("userId", 1), ("deviceKey", 1)], unique=True)
        self._devices.create_index("tokenHash", unique=True)
        self._devices.create_index("sessionId", sparse=True)

    def register(self, device: Device) -> Device:
        try:
            return self._register(device)
        except DuplicateKeyError:  # a concurrent registration of the same target won
            return self._register(device)

    def _register(self, device: Device) -> Device:
        digest = token_hash(device.token)
        mine = {"userId": device.user_id, "deviceKey": device.device_key}
        self._devices.delete_many(
            {"tokenHash": digest, "$or": [{k: {"$ne": v}} for k, v in mine.items()]}
        )
        doc = self._devices.find_one_and_update(
            mine,
            {
                "$set": _fields(device, digest),
                "$setOnInsert": {"_id": device.id, "createdAt": device.created_at},
            },
            upsert=True,
            return_document=pymongo.ReturnDocument.AFTER,
        )
        return _from_doc(doc)

    def list_for(self, user_id: str) -> list[Device]:
        return self.list_for_users([user_id]).get(user_id, [])

    def list_for_users(self, user_ids: list[str]) -> dict[str, list[Device]]:
        if not user_ids:
            return {}
        mine = {"userId": {"$in": list(dict.fromkeys(user_ids))}}
        cursor = self._devices.find(mine).sort([("createdAt", 1), ("_id", 1)])
        return by_user(_from_doc(doc) for doc in cursor)

    def delete(self, user_id: str, device_id: str) -> bool:
        return bool(self._devices.delete_one({"_id": device_id, "userId": user_id}).deleted_count)

    def delete_token(self, token: str) -> int:
        return self._delete({"tokenHash": token_hash(token)})

    def delete_for_session(self, session_id: str) -> int:
        return self._delete({"sessionId": session_id})

    def delete_for_user(self, user_id: str, authenticated_up_to_ms: int) -> int:
        return self._delete({"userId": user_id, "authMs": {"$lte": authenticated_up_to_ms}})

    def _delete(self, query: dict[str, Any]) -> int:
        return int(self._devices.delete_many(query).deleted_count)


def _fields(d: Device, digest: str) -> dict[str, Any]:
    return {
        "platform": d.platform.value,
        "token": d.token,
        "tokenHash": digest,
        "keys": dict(d.keys),
        "appVersion": d.app_version,
        "updatedAt": d.created_at,
        "sessionId": d.session_id,
        "authMs": d.auth_ms,
    }


def _from_doc(doc: dict[str, Any]) -> Device:
    return Device(
        id=doc["_id"],
        user_id=doc["userId"],
        platform=Platform(doc["platform"]),
        token=doc["token"],
        device_key=doc["deviceKey"],
        app_version=doc.get("appVersion", ""),
        created_at=doc["createdAt"],
        keys=dict(doc.get("keys") or {}),
        session_id=doc.get("sessionId"),
        auth_ms=int(doc.get("authMs") or 0),
    )
