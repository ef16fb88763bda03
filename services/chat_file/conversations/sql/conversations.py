"""`SqlConversationStore`: conversations and their members' receipt pointers.

A conversation is one `conversations` row plus one `conversation_members` row per participant
(order, admin flag, `read_up_to`, `delivered_up_to`). Marking read or delivered is one
conditional UPDATE of one member row; unread = `seq - read_up_to`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from bson import ObjectId
from sqlalchemy.engine import Connection

from libs.servicekit.sql import SQL_STORE_ERRORS
from libs.servicekit.sql_store import SqlStore
from services.chat_file.conversations.domain.model import (
    Circle,
    Conversation,
    ConversationType,
    Receipt,
    pair_key,
    shares_presence,
)
from services.chat_file.conversations.sql.tables import conversations as C
from services.chat_file.conversations.sql.tables import members as M
from services.chat_file.kernel.sql import ColumnIndex, from_doc, to_doc


class SqlConversationStore(SqlStore):
    def create(self, conversation: Conversation, key: str | None = None) -> Conversation:
        conversation.id = conversation.id or str(ObjectId())
        with self._engine.begin() as tx:
            _insert(tx, conversation, key)
        return conversation

    def get(self, conversation_id: str) -> Conversation | None:
        """One conversation (every page, send and receipt starts here): single-id statements,
        no IN list for SQLAlchemy to render again on each call."""
        with self._read.connect() as db:
            row = db.execute(BY_ID, {"id": conversation_id}).first()
            if row is None:
                return None
            people = db.execute(MEMBERS_OF_ONE, {"id": conversation_id}).all()
        return _conversation(row, people)

    def get_many(self, conversation_ids: list[str]) -> dict[str, Conversation]:
        ids = list(dict.fromkeys(conversation_ids))
        if not ids:
            return {}
        with self._read.connect() as db:
            rows = db.execute(BY_IDS, {"ids": ids}).all()
            found = _assemble(db, rows)
        return {c.id: c for c in found}

    def get_or_create_private(self, a: str, b: str, now: datetime) -> tuple[Conversation, bool]:
        key = pair_key(a, b)
        existing = self._by_pair(key)
        if existing is not None:
            return existing, False
        conversation = Conversation.private(str(ObjectId()), a, b, now)
        try:
            with self._engine.begin() as tx:
                _insert(tx, conversation, key)
        except sa.exc.IntegrityError:  # the other side created it just now
            found = self._by_pair(key)
            if found is None:
                raise
            return found, False
        return conversation, True

    def list_for(self, user_id: str, skip: int, limit: int) -> tuple[list[Conversation], int]:
        mine = sa.select(M.c.conversation_id).where(M.c.user_id == user_id)
        page = (
            sa.select(C)
            .where(C.c.id.in_(mine))
            .order_by(C.c.last_activity.desc(), C.c.id.desc())
            .offset(skip)
            .limit(limit)
        )
        total = sa.select(sa.func.count()).select_from(M).where(M.c.user_id == user_id)
        with self._read.connect() as db:
            found = _assemble(db, db.execute(page).all())
            count = int(db.execute(total).scalar_one())
        return found, count

    def unread_totals(self, user_id: str) -> tuple[int, int]:
        unread = C.c.seq - M.c.read_up_to
        query = (
            sa.select(
                sa.func.coalesce(sa.func.sum(sa.case((unread > 0, unread), else_=0)), 0),
                sa.func.count().filter(unread > 0),
            )
            .select_from(M.join(C, C.c.id == M.c.conversation_id))
            .where(M.c.user_id == user_id)
        )
        with self._read.connect() as db:
            total, conversations = db.execute(query).one()
        return int(total), int(conversations)

    def ids_for(self, user_id: str) -> list[str]:
        query = sa.select(M.c.conversation_id).where(M.c.user_id == user_id)
        with self._read.connect() as db:
            return list(db.execute(query).scalars())

    def circle_of(self, user_id: str) -> Circle:
        with self._read.connect() as db:
            rows = db.execute(CIRCLE, {"user": user_id}).all()
        return Circle.of(
            [
                (r.conversation_id, r.user_id)
                for r in rows
                if r.user_id == user_id
                or shares_presence(r.type, (r.mine_admin, r.mine_posted), (r.is_admin, r.posted))
            ]
        )

    def add_participants(
        self, conversation_id: str, user_ids: list[str], admins: list[str]
    ) -> Conversation | None:
        with self._engine.begin() as tx:
            seq = _locked_seq(tx, conversation_id)
            if seq is None:
                return None
            present = _member_ids(tx, conversation_id)
            if admins:
                tx.execute(
                    M.update()
                    .where(M.c.conversation_id == conversation_id, M.c.user_id.in_(admins))
                    .values(is_admin=True)
                )
            new = [u for u in dict.fromkeys(user_ids) if u not in present]
            if new:  # newcomers start with nothing unread
                start = _next_position(tx, conversation_id)
                tx.execute(M.insert(), _member_rows(conversation_id, new, set(admins), start, seq))
        return self.get(conversation_id)

    def remove_participant(self, conversation_id: str, user_id: str) -> Conversation | None:
        with self._engine.begin() as tx:
            tx.execute(
                M.delete().where(M.c.conversation_id == conversation_id, M.c.user_id == user_id)
            )
        return self.get(conversation_id)

    def next_seq(self, conversation_id: str, summary: dict[str, Any], at: datetime) -> int:
        update = (
            C.update()
            .where(C.c.id == conversation_id)
            .values(seq=C.c.seq + 1, last_message=to_doc(summary), last_activity=at)
            .returning(C.c.seq)
        )
        sender = summary.get("senderId")
        with self._engine.begin() as tx:
            seq = tx.execute(update).scalar_one_or_none()
            if seq is not None and sender:
                poster = (M.c.conversation_id == conversation_id) & (M.c.user_id == sender)
                tx.execute(M.update().where(poster).values(posted=True))
        return int(seq) if seq is not None else 0

    def mark_read(
        self, conversation_id: str, user_id: str, seq: int, message_id: str, at: datetime
    ) -> bool:
        changes = {"read_up_to": seq, "last_read_id": message_id, "read_at": at}
        return self._advance(conversation_id, user_id, [M.c.read_up_to], seq, changes)

    def mark_delivered(self, conversation_id: str, user_id: str, seq: int, at: datetime) -> bool:
        marks = [M.c.delivered_up_to, M.c.read_up_to]  # read implies delivered
        changes = {"delivered_up_to": seq, "delivered_at": at}
        return self._advance(conversation_id, user_id, marks, seq, changes)

    def _advance(
        self,
        conversation_id: str,
        user_id: str,
        marks: list[sa.Column[Any]],
        seq: int,
        changes: dict[str, Any],
    ) -> bool:
        """Move the member's pointers to `seq` only while every one of `marks` is below it."""
        update = (
            M.update()
            .where(M.c.conversation_id == conversation_id, M.c.user_id == user_id)
            .where(*(mark < seq for mark in marks))
            .values(**changes)
        )
        with self._engine.begin() as tx:
            return bool(tx.execute(update).rowcount)

    def ping(self) -> bool:
        try:
            with self._read.connect() as db:
                db.execute(sa.text("SELECT 1"))
        except SQL_STORE_ERRORS:
            return False
        return True

    def _by_pair(self, key: str) -> Conversation | None:
        with self._read.connect() as db:
            rows = db.execute(sa.select(C).where(C.c.pair_key == key)).all()
            found = _assemble(db, rows)
        return found[0] if found else None


def _insert(tx: Connection, conversation: Conversation, key: str | None) -> None:
    c = conversation
    tx.execute(
        C.insert().values(
            id=c.id,
            type=c.type.value,
            name=c.name,
            created_by=c.created_by,
            created_at=c.created_at,
            last_activity=c.last_activity,
            last_message=to_doc(c.last_message),
            seq=c.seq,
            pair_key=key,
        )
    )
    tx.execute(M.insert(), _member_rows(c.id, c.participants, set(c.admins), 0, c.seq))


def _member_rows(
    conversation_id: str, user_ids: Iterable[str], admins: set[str], start: int, seq: int
) -> list[dict[str, Any]]:
    return [
        {
            "conversation_id": conversation_id,
            "user_id": user,
            "position": start + n,
            "is_admin": user in admins,
            "read_up_to": seq,
            "delivered_up_to": seq,
        }
        for n, user in enumerate(user_ids)
    ]


def _locked_seq(tx: Connection, conversation_id: str) -> int | None:
    query = sa.select(C.c.seq).where(C.c.id == conversation_id)
    if tx.dialect.name == "postgresql":
        query = query.with_for_update()
    seq = tx.execute(query).scalar_one_or_none()
    return None if seq is None else int(seq)


def _member_ids(tx: Connection, conversation_id: str) -> set[str]:
    query = sa.select(M.c.user_id).where(M.c.conversation_id == conversation_id)
    return set(tx.execute(query).scalars())


def _next_position(tx: Connection, conversation_id: str) -> int:
    query = sa.select(sa.func.max(M.c.position)).where(M.c.conversation_id == conversation_id)
    last = tx.execute(query).scalar_one_or_none()
    return 0 if last is None else int(last) + 1


# A member row as `_assemble` reads it (a 1 000-member group is 1 000 rows on every request
# that loads it: `MEMBER` reads them by name at the cost of a tuple index).
MEMBER_COLUMNS = (
    M.c.conversation_id,
    M.c.user_id,
    M.c.is_admin,
    M.c.read_up_to,
    M.c.delivered_up_to,
    M.c.last_read_id,
    M.c.read_at,
    M.c.delivered_at,
    M.c.posted,
)


MEMBER = ColumnIndex(MEMBER_COLUMNS)

# Built once (building a statement on every call cost as much as running it).
BY_IDS = sa.select(C).where(C.c.id.in_(sa.bindparam("ids", expanding=True)))
BY_ID = sa.select(C).where(C.c.id == sa.bindparam("id"))
MEMBERS_OF = (
    sa.select(*MEMBER_COLUMNS)
    .where(M.c.conversation_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(M.c.position)
)
# Every (conversation, participant) pair of the user's conversations: rooms and contacts at once.
_MINE = M.alias("mine")
CIRCLE = (  # the user's (conversation, participant) pairs, with what shares_presence reads
    sa.select(
        M.c.conversation_id,
        M.c.user_id,
        M.c.is_admin,
        M.c.posted,
        C.c.type,
        _MINE.c.is_admin.label("mine_admin"),
        _MINE.c.posted.label("mine_posted"),
    )
    .join(_MINE, _MINE.c.conversation_id == M.c.conversation_id)
    .join(C, C.c.id == M.c.conversation_id)
    .where(_MINE.c.user_id == sa.bindparam("user"))
)
MEMBERS_OF_ONE = (
    sa.select(*MEMBER_COLUMNS)
    .where(M.c.conversation_id == sa.bindparam("id"))
    .order_by(M.c.position)
)


def _assemble(db: Connection, rows: Sequence[Any]) -> list[Conversation]:
    """Conversations from their rows and all their members (one more query)."""
    if not rows:
        return []
    ids = [row.id for row in rows]
    by_conversation: dict[str, list[Any]] = {i: [] for i in ids}
    for member in db.execute(MEMBERS_OF, {"ids": ids}).all():
        by_conversation[member[MEMBER.conversation_id]].append(member)
    return [_conversation(row, by_conversation[row.id]) for row in rows]


def _conversation(row: Any, people: Sequence[Any]) -> Conversation:
    """A conversation row and its member rows (`MEMBER_COLUMNS`, in participant order)."""
    user, admin = MEMBER.user_id, MEMBER.is_admin
    return Conversation(
        id=row.id,
        type=ConversationType(row.type),
        participants=[member[user] for member in people],
        admins=[member[user] for member in people if member[admin]],
        created_by=row.created_by,
        created_at=row.created_at,
        last_activity=row.last_activity,
        name=row.name,
        last_message=from_doc(row.last_message),
        seq=int(row.seq),
        receipts={member[user]: _receipt(member) for member in people},
        posters=frozenset(member[user] for member in people if member[MEMBER.posted]),
    )


def _receipt(member: Any) -> Receipt:
    return Receipt(
        read_up_to=member[MEMBER.read_up_to],
        delivered_up_to=member[MEMBER.delivered_up_to],
        last_read_id=member[MEMBER.last_read_id],
        read_at=member[MEMBER.read_at],
        delivered_at=member[MEMBER.delivered_at],
    )
