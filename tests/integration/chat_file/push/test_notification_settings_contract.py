"""The storage contract of notification settings (NotificationSettingsStore, 6 methods) on
every backend (the `stores` fixture: fakes, SQLite, PostgreSQL, mongomock, MongoDB if set)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from services.chat_file.push.domain.notify_prefs import (
    ConversationPrefs,
    Level,
    QuietHours,
    UserPrefs,
)
from services.chat_file.storage.stores import ChatStores

LATER = datetime(2026, 3, 1, 18, 30, tzinfo=UTC)


def user() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def cid() -> str:
    return uuid.uuid4().hex[:24]


def test_absent_settings_read_as_the_defaults(stores: ChatStores) -> None:
    someone, chat = user(), cid()
    assert stores.notification_settings.get_user(someone) == UserPrefs(someone)
    assert stores.notification_settings.get_conversation(someone, chat) == ConversationPrefs(
        someone, chat, Level.ALL, None
    )
    assert stores.notification_settings.conversations_of(someone) == []


def test_user_settings_are_replaced_whole(stores: ChatStores) -> None:
    someone = user()
    full = UserPrefs(someone, LATER, QuietHours("22:00", "07:00", "Africa/Douala"), False)
    stores.notification_settings.put_user(full)
    assert stores.notification_settings.get_user(someone) == full
    cleared = UserPrefs(someone, None, None, True)
    stores.notification_settings.put_user(cleared)
    assert stores.notification_settings.get_user(someone) == cleared


def test_conversation_settings_per_user_and_conversation(stores: ChatStores) -> None:
    someone, other, first, second = user(), user(), cid(), cid()
    muted = ConversationPrefs(someone, first, Level.ALL, LATER)
    quiet = ConversationPrefs(someone, second, Level.MENTIONS, None)
    for prefs in (muted, quiet, ConversationPrefs(other, first, Level.NONE)):
        stores.notification_settings.put_conversation(prefs)
    assert stores.notification_settings.get_conversation(someone, first) == muted
    again = ConversationPrefs(someone, first, Level.NONE, None)
    stores.notification_settings.put_conversation(again)
    assert stores.notification_settings.get_conversation(someone, first) == again
    listed = stores.notification_settings.conversations_of(someone)
    assert listed == sorted([again, quiet], key=lambda p: p.conversation_id)


def test_for_recipients_returns_only_stored_rows_of_that_conversation(stores: ChatStores) -> None:
    a, b, c, chat, elsewhere = user(), user(), user(), cid(), cid()
    stores.notification_settings.put_user(UserPrefs(a, previews=False))
    stores.notification_settings.put_conversation(ConversationPrefs(b, chat, Level.MENTIONS))
    stores.notification_settings.put_conversation(ConversationPrefs(c, elsewhere, Level.NONE))
    users, chats = stores.notification_settings.for_recipients(chat, [a, b, c])
    assert users == {a: UserPrefs(a, previews=False)}
    assert chats == {b: ConversationPrefs(b, chat, Level.MENTIONS)}
    assert stores.notification_settings.for_recipients(chat, []) == ({}, {})
