"""`SqlMessageAppender`: a new message stored and numbered in one transaction.

The UPDATE that takes the conversation's next number locks its row, so concurrent sends to one
conversation queue there and numbers never repeat; the message is inserted with that number and
the sender's read pointer moves, or nothing happens at all (a taken temporaryId rolls the number
back). Three statements in one transaction, where the step-by-step path of the Mongo adapter
needs four transactions and can leave a stored message unnumbered for a retry to finish.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import sqlalchemy as sa

from libs.servicekit.sql_store import SqlStore
from services.chat_file.conversations.application.ports import DuplicateMessageError
from services.chat_file.conversations.domain.errors import ConversationNotFoundError
from services.chat_file.conversations.domain.model import Message
from services.chat_file.conversations.sql.messages import row_of
from services.chat_file.conversations.sql.tables import conversations as C
from services.chat_file.conversations.sql.tables import members as M
from services.chat_file.conversations.sql.tables import messages as T
from services.chat_file.kernel.sql import to_doc

NEXT_SEQ = (
    C.update()
    .where(C.c.id == sa.bindparam("conversation"))
    .values(
        seq=C.c.seq + 1,
        last_message=sa.bindparam("summary", type_=C.c.last_message.type),
        last_activity=sa.bindparam("at", type_=C.c.last_activity.type),
    )
    .returning(C.c.seq)
)
SENDER_READ = (
    M.update()
    .where(
        M.c.conversation_id == sa.bindparam("conversation"),
        M.c.user_id == sa.bindparam("sender"),
        M.c.read_up_to < sa.bindparam("seq"),
    )
    .values(
        read_up_to=sa.bindparam("seq"),
        last_read_id=sa.bindparam("message"),
        read_at=sa.bindparam("at", type_=M.c.read_at.type),
        posted=True,  # the sender has written here (contacts, Conversation.makes_contacts)
    )
)


class SqlMessageAppender(SqlStore):
    def append(self, message: Message, summary: dict[str, Any]) -> Message:
        where = {"conversation": message.conversation_id, "at": message.created_at}
        try:
            with self._engine.begin() as tx:
                seq = tx.execute(NEXT_SEQ, {**where, "summary": to_doc(summary)}).scalar()
                if seq is None:
                    raise ConversationNotFoundError()
                numbered = replace(message, seq=int(seq))
                tx.execute(T.insert(), row_of(numbered))
                read = {"sender": message.sender_id, "seq": numbered.seq, "message": message.id}
                tx.execute(SENDER_READ, {**where, **read})
        except sa.exc.IntegrityError as exc:
            raise DuplicateMessageError(message.temporary_id) from exc
        return numbered
