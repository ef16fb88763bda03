"""`MessageService`: send (idempotent), history, get, edit, delete, reactions, search.

Every write is persisted first, then announced through the `Notifier` port.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.errors import (
    AttachmentNotFoundError,
    InvalidCursorError,
    InvalidEmojiError,
    InvalidIdError,
    InvalidQueryError,
    MessageDeletedError,
    MessageNotFoundError,
)
from ..domain.identity import Identity
from ..domain.model import Conversation, Message, check_content, check_object_id, parse_message_type
from ..domain.paging import parse_cursor, parse_direction, parse_limit
from .access import audience, conversation_for, message_for
from .conversations import ConversationService, utc_now
from .directory import UserDirectory
from .mentions import Mentions
from .ports import (
    AttachmentResolver,
    ConversationStore,
    DuplicateMessageError,
    MessageStore,
    Notifier,
)
from .presenters import iso, message_view, page_views, summary_of

MAX_EMOJI = 16
MAX_QUERY = 200
SEARCH_CURSOR_RE = re.compile(r"^[A-Za-z0-9_=-]{1,200}$")  # opaque, made by the store

logger = logging.getLogger(__name__)


class MessageService:
    def __init__(
        self,
        conversations: ConversationStore,
        messages: MessageStore,
        directory: UserDirectory,
        notifier: Notifier,
        conversation_service: ConversationService,
        attachments: AttachmentResolver | None = None,
        max_length: int = 10_000,
        clock: Callable[[], datetime] = utc_now,
        mentions: Mentions | None = None,
    ) -> None:
        self._conversations = conversations
        self._messages = messages
        self._directory = directory
        self.notifier = notifier
        self._conversation_service = conversation_service
        self.attachments = attachments
        self.max_length = max_length
        self._clock = clock
        self.mentions = mentions
        self.sent = 0  # messages stored by this process (metrics)

    def send(
        self,
        user: Identity,
        *,
        conversation_id: str | None = None,
        receiver_id: str | None = None,
        content: Any = None,
        type: Any = None,
        file_id: str | None = None,
        reply_to: str | None = None,
        temporary_id: str | None = None,
        mentions: Any = None,
    ) -> tuple[dict[str, Any], bool]:
        """`(message, created)`; a retry with the same temporaryId returns the stored one."""
        sender = user.user_id
        kind = parse_message_type(type)
        conversation = self._target(sender, conversation_id, receiver_id)
        conversation.check_can_post(sender)
        if temporary_id:
            existing = self._messages.find_by_temporary_id(sender, temporary_id)
            if existing is not None:
                if not existing.seq:  # stored, but numbering failed last time: finish it now
                    self._number(existing)
                self._link_attachment(existing)
                return self._view(existing, conversation), False
        file = self._attachment(file_id, sender, conversation.id)
        text = check_content(content, kind, file is not None, self.max_length)
        if reply_to:
            self._check_reply(reply_to, conversation.id, sender)
        message = Message(
            id=self._messages.new_id(),
            conversation_id=conversation.id,
            sender_id=sender,
            content=text,
            type=kind,
            created_at=self._clock(),
            temporary_id=temporary_id,
            file_id=file_id if file else None,
            file=file,
            reply_to=reply_to,
        )
        if self.mentions is not None:
            message.mentions = self.mentions.resolve(conversation, sender, text, mentions)
        stored, created = self._persist(message)
        self._link_attachment(stored)  # only now: a refused message links nothing
        view = self._view(stored, conversation)
        if created:
            self.sent += 1
            self.notifier.notify("newMessage", view, audience(conversation))
        return view, created

    def _target(
        self, sender: str, conversation_id: str | None, receiver_id: str | None
    ) -> Conversation:
        if conversation_id:
            return conversation_for(self._conversations, conversation_id, sender)
        if receiver_id:
            return self._conversation_service.open_private(sender, receiver_id)[0]
        raise InvalidIdError("conversationId ou receiverId requis")

    def _persist(self, message: Message) -> tuple[Message, bool]:
        """Store the message, then number it in its conversation (the sender has read it).

        Storing first means a failed insert leaves no trace (no lastMessage, no unread count for
        a message that does not exist). If numbering the stored message fails, it is removed
        again so the caller's error is true; if even that fails, a retry with the same
        temporaryId finds it and completes the numbering.
        """
        try:
            stored = self._messages.insert(message)
        except DuplicateMessageError:  # a concurrent retry with this temporaryId won the race
            existing = self._messages.find_by_temporary_id(
                message.sender_id, message.temporary_id or ""
            )
            if existing is None:
                raise
            return existing, False
        try:
            self._number(stored)
        except Exception:
            if not stored.seq:
                self._withdraw(stored)
            raise
        return stored, True

    def _withdraw(self, message: Message) -> None:
        try:
            self._messages.remove(message.id)
        except Exception:  # the store is failing: the retry path above finishes the job
            logger.warning("message %s stored but not numbered; kept for retry", message.id)

    def _number(self, message: Message) -> None:
        cid, sender = message.conversation_id, message.sender_id
        message.seq = self._conversations.next_seq(cid, summary_of(message), message.created_at)
        self._messages.set_seq(message.id, message.seq)
        self._conversations.mark_read(cid, sender, message.seq, message.id, message.created_at)
        if self.mentions is not None:
            self.mentions.record(message)

    def history(
        self,
        user: Identity,
        conversation_id: str,
        cursor: str | None = None,
        limit: Any = None,
        direction: str | None = None,
    ) -> dict[str, Any]:
        """A page, newest first; all senders resolved in one directory lookup."""
        conversation = conversation_for(self._conversations, conversation_id, user.user_id)
        size, newer, after = (
            parse_limit(limit, 50),
            parse_direction(direction),
            parse_cursor(cursor),
        )
        rows = self._messages.page(conversation.id, user.user_id, after, size + 1, newer)
        has_more = len(rows) > size
        rows = rows[:size]
        if newer:
            rows.reverse()
        if rows:
            next_cursor: str | None = rows[0].id if newer else rows[-1].id
        else:
            next_cursor = after
        senders = self._directory.resolve_map(m.sender_id for m in rows)
        views = page_views(rows, senders, conversation)
        return {
            "conversationId": conversation.id,
            "messages": views,
            "nextCursor": next_cursor,
            "hasMore": has_more,
            "totalCount": conversation.seq,
        }

    def get(self, user: Identity, message_id: str) -> dict[str, Any]:
        message, conversation = self._access(message_id, user)
        return self._view(message, conversation, detail=True)

    def edit(self, user: Identity, message_id: str, content: Any) -> dict[str, Any]:
        message, conversation = self._access(message_id, user)
        message.check_author(user.user_id)
        if message.deleted:
            raise MessageDeletedError()
        text = check_content(content, message.type, message.file is not None, self.max_length)
        previous = {"content": message.content, "editedAt": message.edited_at or message.created_at}
        updated = self._messages.edit(message.id, text, previous, self._clock())
        author = self._directory.resolve(user.user_id)
        view = message_view(updated or message, author, conversation, detail=True)
        legacy = {"success": True, "newContent": view["content"], "editedBy": user.user_id}
        legacy["editedByMatricule"] = user.matricule or author.get("matricule")
        self.notifier.notify("message:edited", {**view, **legacy}, audience(conversation))
        return view

    def delete(self, user: Identity, message_id: str, scope: str | None) -> dict[str, Any]:
        """scope=me hides it for the caller; scope=everyone (author only) blanks it for all."""
        message, conversation = self._access(message_id, user)
        scope = scope or "me"
        if scope not in {"me", "everyone"}:
            raise InvalidQueryError("scope doit valoir me ou everyone")
        if scope == "everyone":
            message.check_author(user.user_id)
            message = self._messages.delete_for_everyone(message.id, self._clock()) or message
        else:
            self._messages.hide_for(message.id, user.user_id)
        now = iso(self._clock())
        result: dict[str, Any] = {"messageId": message.id, "conversationId": conversation.id}
        result |= {"scope": scope, "deleteType": scope, "deleted": True, "deletedAt": now}
        if scope == "everyone":  # the view's timestamp (the message's time) is kept
            event = {**self._view(message, conversation), **result, "success": True}
            self.notifier.notify("message:deleted", event, audience(conversation))
        result["timestamp"] = now
        if scope == "me":  # the caller's devices only: nobody else's view changed
            event = {**result, "success": True}
            self.notifier.notify("message:deleted", event, [user.user_id])
        return result

    def react(self, user: Identity, message_id: str, emoji: Any, add: bool) -> dict[str, Any]:
        if not isinstance(emoji, str) or not 0 < len(emoji) <= MAX_EMOJI or emoji.strip() != emoji:
            raise InvalidEmojiError()
        message, conversation = self._access(message_id, user)
        if message.deleted:
            raise MessageDeletedError()
        updated = self._messages.react(message.id, user.user_id, emoji, add)
        view = self._view(updated or message, conversation)
        self.notifier.notify("message:reaction", view, audience(conversation))
        return view

    def search(
        self,
        user: Identity,
        text: Any,
        conversation_id: str | None = None,
        limit: Any = None,
        cursor: str | None = None,
    ) -> dict[str, Any]:
        """Index-backed word search over the caller's conversations, best match first."""
        query = text.strip() if isinstance(text, str) else ""
        if not 1 <= len(query) <= MAX_QUERY:
            raise InvalidQueryError(f"q est requis ({MAX_QUERY} caractères au plus)")
        size = parse_limit(limit, default=20, maximum=50)
        if conversation_id:
            conversation_for(self._conversations, conversation_id, user.user_id)
        if cursor is not None and not SEARCH_CURSOR_RE.match(cursor):
            raise InvalidCursorError()
        rows, next_cursor = self._messages.search(
            user.user_id, query, size, conversation_id=conversation_id, cursor=cursor or None
        )
        senders = self._directory.resolve_map(m.sender_id for m in rows)
        where = self._conversations.get_many([m.conversation_id for m in rows]) if rows else {}
        views = [message_view(m, senders[m.sender_id], where[m.conversation_id]) for m in rows]
        return {"query": query, "messages": views, "count": len(views), "nextCursor": next_cursor}

    def _access(self, message_id: str, user: Identity) -> tuple[Message, Conversation]:
        return message_for(self._messages, self._conversations, message_id, user.user_id)

    def _attachment(self, file_id: str | None, user_id: str, conversation_id: str) -> Any:
        if not file_id:
            return None
        file = (
            self.attachments.resolve(file_id, user_id, conversation_id)
            if self.attachments
            else None
        )
        if file is None:
            raise AttachmentNotFoundError()
        return file

    def _link_attachment(self, message: Message) -> None:
        if message.file_id and self.attachments:
            self.attachments.link(message.file_id, message.conversation_id)

    def _check_reply(self, reply_to: str, conversation_id: str, user_id: str) -> None:
        check_object_id(reply_to)
        quoted = self._messages.get(reply_to)
        if quoted is None or quoted.conversation_id != conversation_id:
            raise MessageNotFoundError("Message cité introuvable")
        if not quoted.visible_to(user_id):
            raise MessageNotFoundError("Message cité introuvable")

    def _view(
        self, message: Message, conversation: Conversation, detail: bool = False
    ) -> dict[str, Any]:
        return message_view(
            message, self._directory.resolve(message.sender_id), conversation, detail=detail
        )
