"""`SqlMessageStore`: messages, "deleted for me" marks, reactions and edit history.

History pages walk the `(conversation_id, id)` index from the cursor (ids are time-ordered
ObjectIds: a total order, no skipped or repeated message when timestamps tie). `client_key`
("<senderId>:<temporaryId>", unique) makes client retries idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from bson import ObjectId
from sqlalchemy.engine import Connection, Engine

from libs.servicekit.sql_store import SqlStore
from services.chat_file.conversations.application.ports import DuplicateMessageError
from services.chat_file.conversations.domain.model import Message, MessageEdit, MessageType
from services.chat_file.conversations.domain.reactions import reacted
from services.chat_file.conversations.sql.search import MessageSearch
from services.chat_file.conversations.sql.tables import hidden as H
from services.chat_file.conversations.sql.tables import members as M
from services.chat_file.conversations.sql.tables import messages as T
from services.chat_file.kernel.sql import ColumnIndex, from_doc, to_doc

COLUMNS = [c for c in T.c if c.name != "num"]
COLUMN = ColumnIndex(COLUMNS)  # a row's values by column name


class SqlMessageStore(SqlStore):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._search = MessageSearch(engine.dialect.name)

    def new_id(self) -> str:
        return str(ObjectId())

    def insert(self, message: Message) -> Message:
        try:
            with self._engine.begin() as tx:
                tx.execute(T.insert().values(**row_of(message)))
        except sa.exc.IntegrityError as exc:
            raise DuplicateMessageError(message.temporary_id) from exc
        return message

    def set_seq(self, message_id: str, seq: int) -> None:
        with self._engine.begin() as tx:
            tx.execute(T.update().where(T.c.id == message_id).values(seq=seq))

    def remove(self, message_id: str) -> None:
        with self._engine.begin() as tx:
            tx.execute(T.delete().where(T.c.id == message_id))

    def find_by_temporary_id(self, sender_id: str, temporary_id: str) -> Message | None:
        return self._one(T.c.client_key == f"{sender_id}:{temporary_id}")

    def release_temporary_id(self, message_id: str) -> None:
        with self._engine.begin() as tx:
            tx.execute(T.update().where(T.c.id == message_id).values(client_key=None))

    def get(self, message_id: str) -> Message | None:
        return self._one(T.c.id == message_id)

    def page(
        self, conversation_id: str, user_id: str, cursor: str | None, limit: int, newer: bool
    ) -> list[Message]:
        """Up to `limit` messages after (`newer`) or before the cursor, nearest first."""
        query = PAGES[(cursor is not None, newer)]
        params = {
            "conversation": conversation_id,
            "user": user_id,
            "cursor": cursor,
            "limit": limit,
        }
        with self._read.connect() as db:
            return [_message(row) for row in db.execute(query, params).all()]

    def latest(self, conversation_id: str) -> Message | None:
        query = (
            sa.select(*COLUMNS)
            .where(T.c.conversation_id == conversation_id)
            .order_by(T.c.id.desc())
            .limit(1)
        )
        with self._read.connect() as db:
            row = db.execute(query).first()
        return _message(row) if row else None

    def edit(self, message_id: str, change: MessageEdit) -> Message | None:
        def edited(row: Any) -> dict[str, Any]:
            history = to_doc(change.history_after(list(row.edit_history or [])))
            new = {"content": change.content, "edited": True, "edited_at": change.at}
            if change.mentions is not None:
                new["mentions"] = list(change.mentions) or None
            return new | {"edit_history": history}

        return self._rewrite(message_id, edited)

    def delete_for_everyone(
        self, message_id: str, at: datetime, by: str | None = None
    ) -> Message | None:
        def change(_row: Any) -> dict[str, Any]:
            blank = {"content": "", "file": None, "edit_history": None}
            return {**blank, "deleted": True, "deleted_at": at, "deleted_by": by}

        return self._rewrite(message_id, change)

    def hide_for(self, message_id: str, user_id: str) -> None:
        exists = sa.select(H.c.message_id).where(
            H.c.message_id == message_id, H.c.user_id == user_id
        )
        with self._engine.begin() as tx:
            if tx.execute(exists).first() is None:
                tx.execute(H.insert().values(message_id=message_id, user_id=user_id))

    def file_in_use(self, conversation_id: str, file_id: str, besides: str) -> bool:
        query = (
            sa.select(T.c.id)
            .where(
                T.c.conversation_id == conversation_id,
                T.c.file_id == file_id,
                T.c.deleted.is_(False),
                T.c.id != besides,
            )
            .limit(1)
        )
        with self._engine.connect() as db:  # the primary: right after a deletion
            return db.execute(query).first() is not None

    def react(
        self, message_id: str, user_id: str, emoji: str, add: bool, max_per_user: int
    ) -> Message | None:
        def change(row: Any) -> dict[str, Any]:
            return {"reactions": reacted(row.reactions or [], user_id, emoji, add, max_per_user)}

        return self._rewrite(message_id, change)

    def search(
        self,
        user_id: str,
        text: str,
        limit: int,
        *,
        conversation_id: str | None = None,
        cursor: str | None = None,
    ) -> tuple[list[Message], str | None]:
        # Inlined like the search terms (see search.py): a generic plan that cannot see how
        # many conversations the caller is in scans the word index once per conversation.
        caller = sa.bindparam("caller", user_id, sa.String, literal_execute=True)
        mine = sa.select(M.c.conversation_id).where(M.c.user_id == caller)
        scope = [T.c.conversation_id.in_(mine), T.c.deleted.is_(False), _shown(caller)]
        if conversation_id:
            scope.append(T.c.conversation_id == conversation_id)
        query = self._search.query(sa.select(*COLUMNS), text, scope, cursor, limit)
        if query is None:
            return [], None
        with self._read.connect() as db:
            rows = db.execute(query).all()
        return [_message(r) for r in rows[:limit]], self._search.next_cursor(rows, limit)

    def _one(self, where: Any) -> Message | None:
        with self._read.connect() as db:
            row = db.execute(sa.select(*COLUMNS).where(where)).first()
            if row is None:
                return None
            hiders = db.execute(sa.select(H.c.user_id).where(H.c.message_id == row.id))
            return _message(row, list(hiders.scalars()))

    def _rewrite(self, message_id: str, change: Callable[[Any], dict[str, Any]]) -> Message | None:
        """Read-modify-write of one row in one transaction (row lock on PostgreSQL)."""
        with self._engine.begin() as tx:
            row = _locked(tx, message_id)
            if row is None:
                return None
            tx.execute(T.update().where(T.c.id == message_id).values(**change(row)))
        return self.get(message_id)


def _locked(tx: Connection, message_id: str) -> Any:
    query = sa.select(*COLUMNS).where(T.c.id == message_id)
    if tx.dialect.name == "postgresql":
        query = query.with_for_update()
    return tx.execute(query).first()


def _shown(user_id: Any) -> Any:
    """Not hidden by `user_id` ("deleted for me")."""
    mark = sa.select(H.c.message_id).where(H.c.message_id == T.c.id, H.c.user_id == user_id)
    return ~mark.exists()


def _page_query(cursor: bool, newer: bool) -> Any:
    """A history page, built once: bound parameters `conversation`, `user`, `cursor`, `limit`.
    (Building the statement on every call cost as much as running it.)"""
    query = sa.select(*COLUMNS).where(
        T.c.conversation_id == sa.bindparam("conversation"), _shown(sa.bindparam("user"))
    )
    if cursor:
        after: Any = sa.bindparam("cursor", type_=sa.String)
        query = query.where(T.c.id > after if newer else T.c.id < after)
    order = T.c.id.asc() if newer else T.c.id.desc()
    return query.order_by(order).limit(sa.bindparam("limit", type_=sa.Integer))


# (has a cursor, newer) → statement
PAGES = {(c, n): _page_query(c, n) for c in (False, True) for n in (False, True)}


def row_of(m: Message) -> dict[str, Any]:
    return {
        "id": m.id,
        "conversation_id": m.conversation_id,
        "sender_id": m.sender_id,
        "content": m.content,
        "type": m.type.value,
        "created_at": m.created_at,
        "seq": m.seq,
        "temporary_id": m.temporary_id,
        "client_key": f"{m.sender_id}:{m.temporary_id}" if m.temporary_id else None,
        "file_id": m.file_id,
        "file": to_doc(m.file),
        "reply_to": m.reply_to,
        "mentions": list(m.mentions) or None,
    }


def _message(row: Any, deleted_for: list[str] | None = None) -> Message:
    """A row of COLUMNS (maybe followed by more) as a Message, read by column name."""
    c = COLUMN
    file, edit_history = row[c.file], row[c.edit_history]
    return Message(
        id=row[c.id],
        conversation_id=row[c.conversation_id],
        sender_id=row[c.sender_id],
        content=row[c.content] or "",
        type=MessageType(row[c.type]),
        created_at=row[c.created_at],
        seq=int(row[c.seq]),
        temporary_id=row[c.temporary_id],
        file_id=row[c.file_id],
        file=from_doc(file) if file is not None else None,
        reply_to=row[c.reply_to],
        edited=bool(row[c.edited]),
        edited_at=row[c.edited_at],
        edit_history=from_doc(edit_history) if edit_history else [],
        deleted=bool(row[c.deleted]),
        deleted_for=deleted_for or [],
        deleted_by=row[c.deleted_by],
        reactions=list(row[c.reactions] or []),
        mentions=list(row[c.mentions] or []),
    )
