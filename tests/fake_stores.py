"""In-memory fakes of chat_file's storage ports (unit tests build the services on these).

They keep the semantics the contract suite
(tests/integration/chat_file/conversations/test_store_contract.py) checks on every real
backend, so a unit test on fakes means the same as on a database.
"""

from __future__ import annotations

import base64
import copy
import itertools
import re
import threading
import unicodedata
from collections.abc import Collection
from dataclasses import replace
from datetime import datetime
from typing import Any

from services.chat_file.conversations.application.ports import DuplicateMessageError, PurgedBatch
from services.chat_file.conversations.domain.errors import InvalidCursorError
from services.chat_file.conversations.domain.model import (
    Circle,
    Conversation,
    Message,
    MessageEdit,
    Receipt,
    pair_key,
)
from services.chat_file.conversations.domain.reactions import reacted
from services.chat_file.files.domain.model import FileRecord
from services.chat_file.storage.stores import ChatStores
from tests.fake_moderation_stores import (
    FakeAuditLog,
    FakeBlockStore,
    FakeHoldStore,
    FakeReportStore,
    FakeRetentionPolicyStore,
)
from tests.fake_push_stores import (
    FakeBadgeCounts,
    FakeDeviceStore,
    FakeMentionStore,
    FakeNotificationSettingsStore,
)
from tests.fake_sync_stores import FakeChangeLog
from tests.unit.chat_file.announcements.fakes import FakeAnnouncementStore

_ids = itertools.count(1)


def new_id() -> str:
    """24-hex, increasing like ObjectIds."""
    return f"{0x6A000000 + next(_ids):024x}"


class FakeConversationStore:
    def __init__(self) -> None:
        self.rows: dict[str, Conversation] = {}
        self.pairs: dict[str, str] = {}
        self.writes = 0  # member/conversation row writes (receipt cost checks)
        self.down = False
        self._lock = threading.Lock()

    def create(self, conversation: Conversation, key: str | None = None) -> Conversation:
        conversation.id = conversation.id or new_id()
        conversation.receipts = {
            p: Receipt(read_up_to=conversation.seq, delivered_up_to=conversation.seq)
            for p in conversation.participants
        }
        self.rows[conversation.id] = copy.deepcopy(conversation)
        if key:
            self.pairs[key] = conversation.id
        return copy.deepcopy(conversation)

    def get(self, conversation_id: str) -> Conversation | None:
        found = self.rows.get(conversation_id)
        return copy.deepcopy(found) if found else None

    def get_many(self, conversation_ids: list[str]) -> dict[str, Conversation]:
        return {i: c for i in conversation_ids if (c := self.get(i)) is not None}

    def get_or_create_private(self, a: str, b: str, now: datetime) -> tuple[Conversation, bool]:
        key = pair_key(a, b)
        with self._lock:
            if key in self.pairs:
                return self.get(self.pairs[key]), False  # type: ignore[return-value]
            return self.create(Conversation.private(new_id(), a, b, now), key), True

    def list_for(self, user_id: str, skip: int, limit: int) -> tuple[list[Conversation], int]:
        mine = [c for c in self.rows.values() if user_id in c.participants]
        mine.sort(key=lambda c: (c.last_activity, c.id), reverse=True)
        return [copy.deepcopy(c) for c in mine[skip : skip + limit]], len(mine)

    def unread_totals(self, user_id: str) -> tuple[int, int]:
        counts = [c.unread_for(user_id) for c in self.rows.values() if user_id in c.participants]
        return sum(counts), sum(1 for n in counts if n)

    def ids_for(self, user_id: str) -> list[str]:
        return [i for i, c in self.rows.items() if user_id in c.participants]

    def circle_of(self, user_id: str) -> Circle:
        mine = [c for c in self.rows.values() if user_id in c.participants]
        return Circle.seen_by(user_id, mine)

    def add_participants(
        self, conversation_id: str, user_ids: list[str], admins: list[str]
    ) -> Conversation | None:
        c = self.rows.get(conversation_id)
        if c is None:
            return None
        for user in user_ids:
            if user not in c.participants:
                c.participants.append(user)
                c.receipts[user] = Receipt(read_up_to=c.seq, delivered_up_to=c.seq)
        c.admins.extend(a for a in admins if a not in c.admins and a in c.participants)
        return self.get(conversation_id)

    def remove_participant(self, conversation_id: str, user_id: str) -> Conversation | None:
        c = self.rows.get(conversation_id)
        if c is None:
            return None
        c.participants = [p for p in c.participants if p != user_id]
        c.admins = [a for a in c.admins if a != user_id]
        c.receipts.pop(user_id, None)
        return self.get(conversation_id)

    def next_seq(self, conversation_id: str, summary: dict[str, Any], at: datetime) -> int:
        self._check()
        c = self.rows.get(conversation_id)
        if c is None:
            return 0
        with self._lock:
            c.seq += 1
            c.last_message, c.last_activity = dict(summary), at
            if summary.get("senderId"):
                c.posters = c.posters | {summary["senderId"]}
            self.writes += 1
            return c.seq

    def mark_read(
        self, conversation_id: str, user_id: str, seq: int, message_id: str, at: datetime
    ) -> bool:
        return self._advance(conversation_id, user_id, seq, at, True, message_id)

    def mark_delivered(self, conversation_id: str, user_id: str, seq: int, at: datetime) -> bool:
        return self._advance(conversation_id, user_id, seq, at, False, None)

    def ping(self) -> bool:
        return not self.down

    def _advance(
        self, cid: str, user: str, seq: int, at: datetime, read: bool, message_id: str | None
    ) -> bool:
        self._check()
        c = self.rows.get(cid)
        if c is None or user not in c.participants:
            return False
        before = c.receipt(user)
        after = before.advanced(seq, at, read=read, message_id=message_id)
        if after == before:
            return False
        c.receipts[user] = after
        self.writes += 1
        return True

    def _check(self) -> None:
        if self.down:
            from libs.servicekit.errors import StoreUnavailableError

            raise StoreUnavailableError()


class FakeMessageStore:
    def __init__(self, conversations: FakeConversationStore) -> None:
        self.rows: dict[str, Message] = {}
        self.released: set[str] = set()  # ids whose (sender, temporaryId) no longer dedupes
        self._conversations = conversations

    def new_id(self) -> str:
        return new_id()

    def insert(self, message: Message) -> Message:
        if message.temporary_id and self.find_by_temporary_id(
            message.sender_id, message.temporary_id
        ):
            raise DuplicateMessageError(message.temporary_id)
        self.rows[message.id] = copy.deepcopy(message)
        return message

    def set_seq(self, message_id: str, seq: int) -> None:
        self.rows[message_id].seq = seq

    def remove(self, message_id: str) -> None:
        self.rows.pop(message_id, None)

    def find_by_temporary_id(self, sender_id: str, temporary_id: str) -> Message | None:
        for m in self.rows.values():
            same = m.sender_id == sender_id and m.temporary_id == temporary_id
            if same and m.id not in self.released:
                return copy.deepcopy(m)
        return None

    def release_temporary_id(self, message_id: str) -> None:
        self.released.add(message_id)

    def get(self, message_id: str) -> Message | None:
        found = self.rows.get(message_id)
        return copy.deepcopy(found) if found else None

    def page(
        self, conversation_id: str, user_id: str, cursor: str | None, limit: int, newer: bool
    ) -> list[Message]:
        rows = [
            m
            for m in self.rows.values()
            if m.conversation_id == conversation_id and user_id not in m.deleted_for
        ]
        if cursor:
            rows = [m for m in rows if (m.id > cursor if newer else m.id < cursor)]
        rows.sort(key=lambda m: m.id, reverse=not newer)
        return [copy.deepcopy(m) for m in rows[:limit]]

    def latest(self, conversation_id: str) -> Message | None:
        rows = [m for m in self.rows.values() if m.conversation_id == conversation_id]
        return copy.deepcopy(max(rows, key=lambda m: m.id)) if rows else None

    def edit(self, message_id: str, change: MessageEdit) -> Message | None:
        def edited(m: Message) -> Message:
            mentions = m.mentions if change.mentions is None else change.mentions
            return replace(
                m,
                content=change.content,
                edited=True,
                edited_at=change.at,
                edit_history=change.history_after(m.edit_history),
                mentions=list(mentions),
            )

        return self._change(message_id, edited)

    def delete_for_everyone(
        self, message_id: str, at: datetime, by: str | None = None
    ) -> Message | None:
        return self._change(
            message_id,
            lambda m: replace(
                m, deleted=True, content="", file=None, edit_history=[], deleted_by=by
            ),
        )

    def hide_for(self, message_id: str, user_id: str) -> None:
        m = self.rows.get(message_id)
        if m is not None and user_id not in m.deleted_for:
            m.deleted_for.append(user_id)

    def file_in_use(self, conversation_id: str, file_id: str, besides: str) -> bool:
        return any(
            m.conversation_id == conversation_id
            and m.file_id == file_id
            and not m.deleted
            and m.id != besides
            for m in self.rows.values()
        )

    def react(
        self, message_id: str, user_id: str, emoji: str, add: bool, max_per_user: int
    ) -> Message | None:
        def change(m: Message) -> Message:
            return replace(m, reactions=reacted(m.reactions, user_id, emoji, add, max_per_user))

        return self._change(message_id, change)

    def search(
        self,
        user_id: str,
        text: str,
        limit: int,
        *,
        conversation_id: str | None = None,
        cursor: str | None = None,
    ) -> tuple[list[Message], str | None]:
        """Every word of `text` starts a word of the message, accents and case aside."""
        words = _words(text)
        if not words:
            return [], None
        mine = set(self._conversations.ids_for(user_id))
        hits = [
            m
            for m in sorted(self.rows.values(), key=lambda m: m.id, reverse=True)
            if m.conversation_id in mine
            and (not conversation_id or m.conversation_id == conversation_id)
            and not m.deleted
            and user_id not in m.deleted_for
            and all(any(w.startswith(q) for w in _words(m.content)) for q in words)
        ]
        start = _offset(cursor)
        page = hits[start : start + limit]
        more = len(hits) > start + limit
        return [copy.deepcopy(m) for m in page], _cursor(start + limit) if more else None

    def _change(self, message_id: str, fn: Any) -> Message | None:
        m = self.rows.get(message_id)
        if m is None:
            return None
        self.rows[message_id] = fn(m)
        return self.get(message_id)


def _words(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return re.findall(r"\w+", plain)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o{offset}".encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        return int(raw[1:]) if raw.startswith("o") else int("x")
    except ValueError:
        raise InvalidCursorError() from None


class FakeFileStore:
    def __init__(self) -> None:
        self.rows: dict[str, FileRecord] = {}
        self.volume: dict[tuple[str, str], int] = {}

    def add(self, record: FileRecord) -> None:
        self.rows[record.id] = record

    def get(self, file_id: str) -> FileRecord | None:
        return self.rows.get(file_id)

    def list_for_conversation(self, conversation_id: str, limit: int) -> list[FileRecord]:
        found = [r for r in self.rows.values() if conversation_id in r.conversation_ids]
        found.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return found[:limit]

    def link_conversation(self, file_id: str, conversation_id: str) -> None:
        r = self.rows.get(file_id)
        if r is not None and conversation_id not in r.conversation_ids:
            self.rows[file_id] = replace(r, conversation_ids=(*r.conversation_ids, conversation_id))

    def unlink_conversation(self, file_id: str, conversation_id: str) -> None:
        r = self.rows.get(file_id)
        if r is not None:
            kept = tuple(c for c in r.conversation_ids if c != conversation_id)
            self.rows[file_id] = replace(r, conversation_ids=kept)

    def delete(self, file_id: str) -> bool:
        return self.rows.pop(file_id, None) is not None

    def delete_unattached(self, file_id: str) -> bool:
        found = self.rows.get(file_id)
        return found is not None and not found.conversation_ids and self.delete(file_id)

    def unattached_before(self, cutoff: datetime, limit: int) -> list[FileRecord]:
        found = [r for r in self.rows.values() if not r.conversation_ids and r.created_at < cutoff]
        return sorted(found, key=lambda r: (r.created_at, r.id))[:limit]

    def list_for_owner(
        self, owner_id: str, limit: int, before: tuple[datetime, str] | None = None
    ) -> list[FileRecord]:
        found = [r for r in self.rows.values() if r.owner_id == owner_id]
        if before is not None:
            found = [r for r in found if (r.created_at, r.id) < before]
        return sorted(found, key=lambda r: (r.created_at, r.id), reverse=True)[:limit]

    def usage(self, owner_id: str) -> int:
        return sum(r.size for r in self.rows.values() if r.owner_id == owner_id)

    def daily_volume(self, owner_id: str, day: str) -> int:
        return self.volume.get((owner_id, day), 0)

    def add_daily_volume(self, owner_id: str, day: str, size: int) -> None:
        self.volume[owner_id, day] = self.volume.get((owner_id, day), 0) + size


def fake_chat_stores(conversations: FakeConversationStore | None = None) -> ChatStores:
    """Every store in memory; `conversations` lets a test pass its own (e.g. one that fails)."""
    conversations = conversations or FakeConversationStore()
    messages, mentions = FakeMessageStore(conversations), FakeMentionStore()
    return ChatStores(
        conversations=conversations,
        messages=messages,
        files=FakeFileStore(),
        devices=FakeDeviceStore(),
        notification_settings=FakeNotificationSettingsStore(),
        mentions=mentions,
        badges=FakeBadgeCounts(conversations),
        reports=FakeReportStore(),
        moderation_audit=FakeAuditLog(),
        blocks=FakeBlockStore(),
        purge=FakeMessagePurge(conversations, messages, mentions),
        retention=FakeRetentionPolicyStore(),
        holds=FakeHoldStore(),
        changes=FakeChangeLog(),
        backend="memory",
        announcements=FakeAnnouncementStore(),
    )


class FakeMessagePurge:
    """Retention's deletes over the fakes' rows (the semantics of the SQL and Mongo purges)."""

    def __init__(
        self,
        conversations: FakeConversationStore,
        messages: FakeMessageStore,
        mentions: FakeMentionStore,
    ) -> None:
        self._conversations = conversations
        self._messages = messages
        self._mentions = mentions

    def purge(
        self,
        before: datetime,
        limit: int,
        conversation_id: str | None = None,
        excluded: Collection[str] = (),
        kept_senders: Collection[str] = (),
    ) -> PurgedBatch:
        expired = sorted(
            (
                m
                for m in self._messages.rows.values()
                if m.created_at < before
                and (conversation_id is None or m.conversation_id == conversation_id)
                and m.conversation_id not in excluded
                and m.sender_id not in kept_senders
            ),
            key=lambda m: (m.created_at, m.id),
        )[:limit]
        last: dict[str, int] = {}
        for m in expired:
            del self._messages.rows[m.id]
            last[m.conversation_id] = max(last.get(m.conversation_id, 0), m.seq)
            self._mentions.rows = {
                r for r in self._mentions.rows if (r[1], r[2]) != (m.conversation_id, m.seq)
            }
        gone = {m.id for m in expired}
        for chat, seq in last.items():
            row = self._conversations.rows.get(chat)
            if row is None:
                continue
            row.receipts = {
                user: replace(
                    r,
                    read_up_to=max(r.read_up_to, seq),
                    delivered_up_to=max(r.delivered_up_to, seq),
                )
                for user, r in row.receipts.items()
            }
            if row.last_message and row.last_message.get("id") in gone:
                row.last_message = None
        files = list(dict.fromkeys(m.file_id for m in expired if m.file_id))
        return PurgedBatch(len(expired), files)

    def attached(self, file_ids: Collection[str]) -> set[str]:
        wanted = set(file_ids)
        return {m.file_id for m in self._messages.rows.values() if m.file_id in wanted}
