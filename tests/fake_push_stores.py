"""In-memory fakes of chat_file's push-related storage ports (devices, notification settings,
mentions, badge counts), with the semantics their contract tests check on every backend."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from services.chat_file.push.domain.devices import Device
from services.chat_file.push.domain.notify_prefs import ConversationPrefs, UserPrefs

if TYPE_CHECKING:
    from tests.fake_stores import FakeConversationStore


class FakeDeviceStore:
    def __init__(self) -> None:
        self.rows: dict[str, Device] = {}
        self._lock = threading.Lock()

    def register(self, device: Device) -> Device:
        with self._lock:
            for row in list(self.rows.values()):
                same_target = (row.user_id, row.device_key) == (device.user_id, device.device_key)
                if row.token == device.token and not same_target:
                    del self.rows[row.id]
            for row in self.rows.values():
                if (row.user_id, row.device_key) == (device.user_id, device.device_key):
                    stored = replace(device, id=row.id, created_at=row.created_at)
                    self.rows[row.id] = stored
                    return stored
            self.rows[device.id] = device
            return device

    def list_for(self, user_id: str) -> list[Device]:
        return self.list_for_users([user_id]).get(user_id, [])

    def list_for_users(self, user_ids: list[str]) -> dict[str, list[Device]]:
        wanted = set(user_ids)
        found: dict[str, list[Device]] = {}
        for row in sorted(self.rows.values(), key=lambda d: (d.created_at, d.id)):
            if row.user_id in wanted:
                found.setdefault(row.user_id, []).append(row)
        return found

    def delete(self, user_id: str, device_id: str) -> bool:
        row = self.rows.get(device_id)
        if row is None or row.user_id != user_id:
            return False
        del self.rows[device_id]
        return True

    def delete_token(self, token: str) -> int:
        return self._delete(lambda row: row.token == token)

    def delete_for_session(self, session_id: str) -> int:
        return self._delete(lambda row: row.session_id == session_id)

    def delete_for_user(self, user_id: str, authenticated_up_to_ms: int) -> int:
        return self._delete(
            lambda row: row.user_id == user_id and row.auth_ms <= authenticated_up_to_ms
        )

    def _delete(self, dead: Callable[[Device], bool]) -> int:
        with self._lock:
            gone = [i for i, row in self.rows.items() if dead(row)]
            for i in gone:
                del self.rows[i]
        return len(gone)


class FakeNotificationSettingsStore:
    def __init__(self) -> None:
        self.users: dict[str, UserPrefs] = {}
        self.chats: dict[tuple[str, str], ConversationPrefs] = {}

    def get_user(self, user_id: str) -> UserPrefs:
        return self.users.get(user_id) or UserPrefs(user_id)

    def put_user(self, prefs: UserPrefs) -> None:
        self.users[prefs.user_id] = prefs

    def get_conversation(self, user_id: str, conversation_id: str) -> ConversationPrefs:
        found = self.chats.get((user_id, conversation_id))
        return found or ConversationPrefs(user_id, conversation_id)

    def put_conversation(self, prefs: ConversationPrefs) -> None:
        self.chats[(prefs.user_id, prefs.conversation_id)] = prefs

    def conversations_of(self, user_id: str) -> list[ConversationPrefs]:
        return sorted(
            (p for (u, _), p in self.chats.items() if u == user_id),
            key=lambda p: p.conversation_id,
        )

    def for_recipients(
        self, conversation_id: str, user_ids: list[str]
    ) -> tuple[dict[str, UserPrefs], dict[str, ConversationPrefs]]:
        users = {u: self.users[u] for u in user_ids if u in self.users}
        chats = {
            u: self.chats[(u, conversation_id)]
            for u in user_ids
            if (u, conversation_id) in self.chats
        }
        return users, chats


class FakeMentionStore:
    def __init__(self) -> None:
        self.rows: set[tuple[str, str, int]] = set()  # (user, conversation, seq)

    def add(self, conversation_id: str, message_id: str, seq: int, user_ids: list[str]) -> None:
        self.rows.update((u, conversation_id, seq) for u in user_ids)

    def remove(self, conversation_id: str, seq: int, user_ids: list[str]) -> None:
        self.rows.difference_update((u, conversation_id, seq) for u in user_ids)

    def unread_counts(self, user_id: str, read_up_to: dict[str, int]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for user, conversation_id, seq in self.rows:
            if user == user_id and seq > read_up_to.get(conversation_id, seq):
                counts[conversation_id] = counts.get(conversation_id, 0) + 1
        return counts


class FakeBadgeCounts:
    def __init__(self, conversations: FakeConversationStore) -> None:
        self._conversations = conversations

    def totals_for(self, user_ids: list[str]) -> dict[str, int]:
        return {u: self._conversations.unread_totals(u)[0] for u in dict.fromkeys(user_ids)}
