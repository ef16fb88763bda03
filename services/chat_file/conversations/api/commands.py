"""`ChatCommands`: the one entry point of each write, called by the HTTP view and the socket
handler alike, so both transports read the same schema (`schemas.py`), apply the same rate
limit, answer the same codes and return the same shape (the use case's typed result through
its view, `views.py`). The transport only says where the ids come from (path or payload) and
which send channel it is (`http:<user>` per user, a socket's sid per socket).
"""

from __future__ import annotations

from typing import Any

from libs.servicekit.http import load
from services.chat_file.conversations.api import schemas
from services.chat_file.conversations.api.views import (
    CONVERSATION,
    DELETION,
    LEFT,
    MEMBERSHIP,
    READ,
    STATUS,
    message_of,
)
from services.chat_file.conversations.application.bundle import ConversationsServices
from services.chat_file.kernel.errors import AgentSuspendedError
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.kernel.suspensions import Suspensions

Reply = dict[str, Any]


class ChatCommands:
    """Each write first checks that its caller is not suspended (`SUSPENDED`: a suspended agent
    reads but does not write, on both transports)."""

    def __init__(
        self,
        use_cases: ConversationsServices,
        limiter: SendRateLimiter,
        suspensions: Suspensions | None = None,
    ) -> None:
        self._suspensions = suspensions
        self._conversations = use_cases.conversations
        self._membership = use_cases.membership
        self._sending = use_cases.sending
        self._messages = use_cases.messages
        self._receipts = use_cases.receipts
        self.limiter = limiter

    def _active(self, user: Identity) -> None:
        if self._suspensions is not None and self._suspensions.is_suspended(user.user_id):
            raise AgentSuspendedError()

    def send_message(self, user: Identity, data: Reply, channel: str) -> tuple[Reply, bool]:
        self._active(user)
        self.limiter.check(channel)
        body = load(schemas.SEND_MESSAGE, data)
        sent, created = self._sending.send(
            user,
            conversation_id=body["conversationId"],
            receiver_id=body["receiverId"],
            content=body["content"],
            type=body["type"],
            file_id=body["fileId"],
            reply_to=body["replyTo"],
            temporary_id=body["temporaryId"],
            mentions=body["mentions"],
        )
        return message_of(sent), created

    def edit_message(self, user: Identity, message_id: str, data: Reply) -> Reply:
        self._active(user)
        body = load(schemas.EDIT, data)
        return message_of(self._messages.edit(user, message_id, body["content"], body["mentions"]))

    def delete_message(self, user: Identity, message_id: str, data: Reply) -> Reply:
        self._active(user)
        scope = load(schemas.DELETE, data)["scope"]
        return DELETION.dump_fast(self._messages.delete(user, message_id, scope))

    def remove_message(self, user: Identity, message_id: str) -> Reply:
        """A moderator's removal of any message (moderators and admins only)."""
        self._active(user)
        return DELETION.dump_fast(self._messages.remove(user, message_id))

    def react(self, user: Identity, message_id: str, emoji: Any, add: bool) -> Reply:
        self._active(user)
        return message_of(self._messages.react(user, message_id, emoji, add))

    def set_status(self, user: Identity, message_id: str, data: Reply) -> Reply:
        self._active(user)
        status = load(schemas.STATUS, data)["status"]
        return STATUS.dump_fast(self._receipts.set_status(user, message_id, status))

    def mark_read(self, user: Identity, conversation_id: str, data: Reply) -> Reply:
        self._active(user)
        message_id = load(schemas.READ, data)["messageId"]
        return READ.dump_fast(self._receipts.mark_read(user, conversation_id, message_id))

    def create_conversation(
        self, user: Identity, data: Reply, kind: str | None = None
    ) -> tuple[Reply, bool]:
        """`kind` fixes the type (`POST /groups`, `createGroup`...); else the body's `type`."""
        self._active(user)
        self._few_enough(data, "members", "recipients", extra=1)  # and the creator
        body = load(schemas.CREATE_CONVERSATION, data)
        created, is_new = self._conversations.create(
            user,
            kind or body["type"],
            participant_id=body["participantId"],
            name=body["name"],
            members=body["members"] + body["recipients"],
            admins=body["admins"],
        )
        return CONVERSATION.dump_fast(created), is_new

    def add_participants(self, user: Identity, conversation_id: str, data: Reply) -> Reply:
        """All or nothing (HTTP): every id valid, or the first error."""
        self._active(user)
        self._few_enough(data, "userIds", "members", "participantId")
        body = load(schemas.PARTICIPANTS, data)
        ids = body["userIds"] + body["members"] + body["participantId"]
        added = self._membership.add_participants(user, conversation_id, ids, body["role"])
        return CONVERSATION.dump_fast(added)

    def add_members(self, user: Identity, conversation_id: str, data: Reply) -> Reply:
        """What can be added is; the rest is listed in `failed` (the old clients' event)."""
        self._active(user)
        self._few_enough(data, "userIds", "members", "participantId")
        body = load(schemas.PARTICIPANTS, data)
        ids = body["participantId"] + body["userIds"] + body["members"]
        return MEMBERSHIP.dump_fast(self._membership.add_members(user, conversation_id, ids))

    def remove_members(self, user: Identity, conversation_id: str, data: Reply) -> Reply:
        self._active(user)
        body = load(schemas.PARTICIPANTS, data)
        ids = body["participantId"] + body["userIds"] + body["members"]
        return MEMBERSHIP.dump_fast(self._membership.remove_members(user, conversation_id, ids))

    def remove_participant(self, user: Identity, conversation_id: str, user_id: str) -> Reply:
        self._active(user)
        removed = self._membership.remove_participant(user, conversation_id, user_id)
        return CONVERSATION.dump_fast(removed)

    def remove_by_moderator(self, user: Identity, conversation_id: str, user_id: str) -> Reply:
        """A moderator removes an agent from a group or broadcast (moderators and admins)."""
        self._active(user)
        change = self._membership.remove_by_moderator(user, conversation_id, user_id)
        return MEMBERSHIP.dump_fast(change)

    def leave(self, user: Identity, conversation_id: str) -> Reply:
        self._active(user)
        return LEFT.dump_fast(self._membership.leave(user, conversation_id))

    def _few_enough(self, data: Reply, *keys: str, extra: int = 0) -> None:
        """TOO_MANY_MEMBERS before a member list is even parsed: 10 001 ids cost nothing."""
        lists = [data.get(k) for k in keys] if isinstance(data, dict) else []
        count = sum(len(v) for v in lists if isinstance(v, list))
        if count:
            self._conversations.members.check_cap(count + extra)
