"""`SqlMentionStore`: `message_mentions` rows (user, conversation, seq), keyed so that counting
a user's unread mentions walks the primary key."""

from __future__ import annotations

import sqlalchemy as sa

from libs.servicekit.sql_store import SqlStore
from services.chat_file.conversations.sql.tables import mentions as X


class SqlMentionStore(SqlStore):
    def add(self, conversation_id: str, message_id: str, seq: int, user_ids: list[str]) -> None:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return
        with self._engine.begin() as tx:
            known = sa.select(X.c.user_id).where(
                X.c.conversation_id == conversation_id, X.c.seq == seq, X.c.user_id.in_(ids)
            )
            present = set(tx.execute(known).scalars())
            rows = [
                {
                    "user_id": u,
                    "conversation_id": conversation_id,
                    "seq": seq,
                    "message_id": message_id,
                }
                for u in ids
                if u not in present
            ]
            if rows:
                tx.execute(X.insert(), rows)

    def remove(self, conversation_id: str, seq: int, user_ids: list[str]) -> None:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return
        gone = X.delete().where(
            X.c.user_id.in_(ids), X.c.conversation_id == conversation_id, X.c.seq == seq
        )
        with self._engine.begin() as tx:
            tx.execute(gone)

    def unread_counts(self, user_id: str, read_up_to: dict[str, int]) -> dict[str, int]:
        if not read_up_to:
            return {}
        after = sa.or_(
            *(sa.and_(X.c.conversation_id == c, X.c.seq > seq) for c, seq in read_up_to.items())
        )
        query = (
            sa.select(X.c.conversation_id, sa.func.count())
            .where(X.c.user_id == user_id, after)
            .group_by(X.c.conversation_id)
        )
        with self._read.connect() as db:
            return {cid: int(n) for cid, n in db.execute(query)}
