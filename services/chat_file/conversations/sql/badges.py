"""`SqlBadgeCounts`: many users' unread totals in one grouped query over the members' pointers
(the `members_by_user` index), for push badges."""

from __future__ import annotations

import sqlalchemy as sa

from libs.servicekit.sql_store import SqlStore
from services.chat_file.conversations.sql.tables import conversations as C
from services.chat_file.conversations.sql.tables import members as M


class SqlBadgeCounts(SqlStore):
    def totals_for(self, user_ids: list[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(user_ids))
        if not ids:
            return {}
        unread = C.c.seq - M.c.read_up_to
        total = sa.func.coalesce(sa.func.sum(sa.case((unread > 0, unread), else_=0)), 0)
        query = (
            sa.select(M.c.user_id, total)
            .select_from(M.join(C, C.c.id == M.c.conversation_id))
            .where(M.c.user_id.in_(ids))
            .group_by(M.c.user_id)
        )
        with self._read.connect() as db:
            found = {user_id: int(n) for user_id, n in db.execute(query)}
        return {u: found.get(u, 0) for u in ids}
