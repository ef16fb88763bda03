"""`MongoNotificationSettingsStore`: notification settings in `notification_users` (one
document per user) and `notification_conversations` (one per user and conversation)."""

from __future__ import annotations

from typing import Any

from libs.servicekit.mongo_store import MongoStore
from services.chat_file.push.domain.notify_prefs import (
    ConversationPrefs,
    Level,
    QuietHours,
    RecipientPrefs,
    UserPrefs,
)


class MongoNotificationSettingsStore(MongoStore):
    def __init__(self, db: Any) -> None:
        self._users = db["notification_users"]
        self._chats = db["notification_conversations"]

    def ensure_indexes(self) -> None:
        self._chats.create_index([("conversationId", 1), ("userId", 1)])
        self._chats.create_index([("userId", 1), ("conversationId", 1)])

    def get_user(self, user_id: str) -> UserPrefs:
        doc = self._users.find_one({"_id": user_id})
        return _user(doc) if doc else UserPrefs(user_id)

    def put_user(self, prefs: UserPrefs) -> None:
        quiet = prefs.quiet_hours
        fields = {
            "dndUntil": prefs.dnd_until,
            "quietHours": (
                {"start": quiet.start, "end": quiet.end, "timeZone": quiet.time_zone}
                if quiet
                else None
            ),
            "previews": prefs.previews,
        }
        self._users.update_one({"_id": prefs.user_id}, {"$set": fields}, upsert=True)

    def get_conversation(self, user_id: str, conversation_id: str) -> ConversationPrefs:
        doc = self._chats.find_one({"_id": _key(user_id, conversation_id)})
        return _conversation(doc) if doc else ConversationPrefs(user_id, conversation_id)

    def put_conversation(self, prefs: ConversationPrefs) -> None:
        fields = {
            "userId": prefs.user_id,
            "conversationId": prefs.conversation_id,
            "level": prefs.level.value,
            "mutedUntil": prefs.muted_until,
        }
        key = _key(prefs.user_id, prefs.conversation_id)
        self._chats.update_one({"_id": key}, {"$set": fields}, upsert=True)

    def conversations_of(self, user_id: str) -> list[ConversationPrefs]:
        cursor = self._chats.find({"userId": user_id}).sort("conversationId", 1)
        return [_conversation(doc) for doc in cursor]

    def for_recipients(self, conversation_id: str, user_ids: list[str]) -> RecipientPrefs:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return {}, {}
        users = {d["_id"]: _user(d) for d in self._users.find({"_id": {"$in": ids}})}
        query = {"conversationId": conversation_id, "userId": {"$in": ids}}
        chats = {d["userId"]: _conversation(d) for d in self._chats.find(query)}
        return users, chats


def _key(user_id: str, conversation_id: str) -> str:
    return f"{user_id}:{conversation_id}"


def _user(doc: dict[str, Any]) -> UserPrefs:
    quiet = doc.get("quietHours")
    hours = QuietHours(quiet["start"], quiet["end"], quiet["timeZone"]) if quiet else None
    return UserPrefs(doc["_id"], doc.get("dndUntil"), hours, bool(doc.get("previews", True)))


def _conversation(doc: dict[str, Any]) -> ConversationPrefs:
    return ConversationPrefs(
        doc["userId"], doc["conversationId"], Level(doc["level"]), doc.get("mutedUntil")
    )
