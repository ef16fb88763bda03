"""`MessageService`: history, get, edit, delete, reactions, search (sending is `sending.py`).

Every write is checked first (no write), then persisted, then announced through the `Notifier`
port.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from services.chat_file.conversations.application.access import (
    BlockGuard,
    audience,
    conversation_for,
    message_for,
    split_audience,
)
from services.chat_file.conversations.application.mentions import Mentions
from services.chat_file.conversations.application.ports import (
    AttachmentResolver,
    ConversationStore,
    MessageStore,
)
from services.chat_file.conversations.application.results import (
    Deletion,
    Edit,
    MessagePage,
    MessageResult,
    ReactionChange,
    SearchPage,
)
from services.chat_file.conversations.domain.errors import (
    InvalidCursorError,
    InvalidQueryError,
    MessageDeletedError,
    MessageNotFoundError,
)
from services.chat_file.conversations.domain.model import (
    EDIT_HISTORY_BYTES,
    EDIT_HISTORY_VERSIONS,
    Conversation,
    Message,
    MessageEdit,
    check_content,
)
from services.chat_file.conversations.domain.paging import (
    parse_cursor,
    parse_direction,
    parse_limit,
)
from services.chat_file.conversations.domain.reactions import (
    MAX_REACTIONS_PER_USER,
    check_reaction,
    count_of,
)
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.errors import ModeratorRequiredError
from services.chat_file.kernel.holds import LegalHolds
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id
from services.chat_file.kernel.notifier import Notifier
from services.chat_file.users.application.directory import UserDirectory

MODERATION = "moderation"  # who removed a message a moderator removed
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
        *,
        max_length: int = 10_000,
        clock: Callable[[], datetime] = utc_now,
        mentions: Mentions | None = None,
        blocks: BlockGuard | None = None,
        holds: LegalHolds | None = None,
        history_versions: int = EDIT_HISTORY_VERSIONS,
        history_bytes: int = EDIT_HISTORY_BYTES,
        max_reactions: int = MAX_REACTIONS_PER_USER,
        attachments: AttachmentResolver | None = None,
    ) -> None:
        self._holds = holds
        self._blocks = blocks or BlockGuard()
        self._attachments = attachments
        self._max_reactions = max_reactions
        self._conversations = conversations
        self._history_bounds = (history_versions, history_bytes)
        self._messages = messages
        self._directory = directory
        self.notifier = notifier
        self.max_length = max_length
        self._clock = clock
        self.mentions = mentions

    def history(
        self,
        user: Identity,
        conversation_id: str,
        cursor: str | None = None,
        limit: Any = None,
        direction: str | None = None,
    ) -> MessagePage:
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
        seen = conversation.seen_by(user.user_id)
        return MessagePage(seen, rows, senders, next_cursor, has_more)

    def get(self, user: Identity, message_id: str) -> MessageResult:
        message, conversation = self._access(message_id, user)
        return self._result(message, conversation.seen_by(user.user_id), detail=True)

    def edit(
        self, user: Identity, message_id: str, content: Any, mentions: Any = None
    ) -> MessageResult:
        """New content; its mentions resolved again from it (and `mentions`), as on send."""
        message, conversation = self._access(message_id, user)
        message.check_author(user.user_id)
        if message.deleted:
            raise MessageDeletedError()
        self._blocks.check(conversation, user.user_id)
        text = check_content(content, message.type, message.file is not None, self.max_length)
        previous = {"content": message.content, "editedAt": message.edited_at or message.created_at}
        mentioned = (
            self.mentions.resolve(conversation, user.user_id, text, mentions)
            if self.mentions is not None
            else None
        )
        change = MessageEdit(text, previous, self._clock(), mentioned, *self._history_bounds)
        updated = self._messages.edit(message.id, change)
        if updated is not None and self.mentions is not None:
            self.mentions.rerecord(updated, message.mentions)
        author = self._directory.resolve(user.user_id)
        result = MessageResult(updated or message, conversation, author, detail=True)
        # The event carries the new text, never the history (`GET /messages/<id>`, `getMessage`)
        matricule = user.matricule or author.get("matricule")
        everyone, recipients = split_audience(conversation)
        for users in (everyone, recipients):
            if users:
                seen = conversation if users is everyone else conversation.seen_by(users[0])
                edit = Edit(MessageResult(result.message, seen, author), user.user_id, matricule)
                self.notifier.notify("message:edited", edit, users)
        return result

    def delete(self, user: Identity, message_id: str, scope: str | None) -> Deletion:
        """scope=me hides it for the caller; scope=everyone (author only) blanks it for all."""
        message, conversation = self._access(message_id, user)
        scope = scope or "me"
        if scope not in {"me", "everyone"}:
            raise InvalidQueryError("scope doit valoir me ou everyone")
        if scope == "everyone":
            message.check_author(user.user_id)
            self._keep_if_held(message)
            attached = message.file_id
            message = self._messages.delete_for_everyone(message.id, self._clock()) or message
            if attached:
                self._unlink_unused(attached, message)
        else:
            self._messages.hide_for(message.id, user.user_id)
        at = self._clock()
        deletion = Deletion(self._result(message, conversation.seen_by(user.user_id)), scope, at)
        if scope != "everyone":  # the caller's devices: no other view changed
            self.notifier.notify("message:deleted", deletion, [user.user_id])
            return deletion
        everyone, recipients = split_audience(conversation)
        self.notifier.notify("message:deleted", deletion, everyone)
        if recipients:
            seen = self._result(message, conversation.seen_by(recipients[0]))
            self.notifier.notify("message:deleted", Deletion(seen, scope, at), recipients)
        return deletion

    def remove(self, user: Identity, message_id: str) -> Deletion:
        """A moderator removes any message for everyone (a tombstone marked "moderation",
        `message:deleted {by: "moderation"}`); MODERATOR_REQUIRED for anyone else."""
        if not user.moderates:
            raise ModeratorRequiredError()
        message = self._messages.get(check_object_id(message_id))
        conversation = self._conversations.get(message.conversation_id) if message else None
        if message is None or conversation is None:
            raise MessageNotFoundError()
        if message.deleted:
            raise MessageDeletedError()
        at = self._clock()
        self._keep_if_held(message)
        attached = message.file_id
        removed = self._messages.delete_for_everyone(message.id, at, MODERATION) or message
        if attached:  # as for the author's own deletion: the file goes with its last message
            self._unlink_unused(attached, removed)
        deletion = Deletion(self._result(removed, conversation), "everyone", at, MODERATION)
        self.notifier.notify("message:deleted", deletion, audience(conversation))
        return deletion

    def _keep_if_held(self, message: Message) -> None:
        """Under a legal hold, the content and edit history are kept before the blanking."""
        if self._holds is not None and self._holds.is_held(
            message.conversation_id, message.sender_id
        ):
            history = list(message.edit_history)
            self._holds.keep(
                message.id,
                message.conversation_id,
                message.sender_id,
                message.content,
                history,
                self._clock(),
            )

    def react(self, user: Identity, message_id: str, emoji: Any, add: bool) -> MessageResult:
        """One emoji or known shortcode, at most `max_reactions` per user and message; the
        event carries the change and that emoji's count, never the message."""
        emoji = check_reaction(emoji)
        message, conversation = self._access(message_id, user)
        conversation.check_can_interact(user.user_id)  # BROADCAST_READ_ONLY for recipients
        if message.deleted:
            raise MessageDeletedError()
        self._blocks.check(conversation, user.user_id)
        updated = (
            self._messages.react(message.id, user.user_id, emoji, add, self._max_reactions)
            or message
        )
        change = ReactionChange(
            message.id,
            conversation.id,
            user.user_id,
            emoji,
            add,
            count_of(updated.reactions, emoji),
            self._clock(),
        )
        self.notifier.notify("message:reaction", change, audience(conversation))
        return self._result(updated, conversation)

    def search(
        self,
        user: Identity,
        text: Any,
        conversation_id: str | None = None,
        limit: Any = None,
        cursor: str | None = None,
    ) -> SearchPage:
        """Index-backed word search over the caller's conversations, best match first."""
        query = text.strip() if isinstance(text, str) else ""
        if not 1 <= len(query) <= MAX_QUERY:
            raise InvalidQueryError(
                "q est requis (%(max)s caractères au plus)", params={"max": MAX_QUERY}
            )
        size = parse_limit(limit, default=20, maximum=50)
        if conversation_id:
            conversation_for(self._conversations, conversation_id, user.user_id)
        if cursor is not None and not SEARCH_CURSOR_RE.match(cursor):
            raise InvalidCursorError()
        rows, next_cursor = self._messages.search(
            user.user_id, query, size, conversation_id=conversation_id, cursor=cursor or None
        )
        senders = self._directory.resolve_map(m.sender_id for m in rows)
        found = self._conversations.get_many([m.conversation_id for m in rows]) if rows else {}
        where = {cid: c.seen_by(user.user_id) for cid, c in found.items()}
        return SearchPage(query, rows, senders, where, next_cursor)

    def _unlink_unused(self, file_id: str, deleted: Message) -> None:
        """The attachment of a message deleted for everyone stops being readable in its
        conversation, unless another live message there still carries it."""
        if self._attachments is None:
            return
        if not self._messages.file_in_use(deleted.conversation_id, file_id, deleted.id):
            self._attachments.unlink(file_id, deleted.conversation_id)

    def _access(self, message_id: str, user: Identity) -> tuple[Message, Conversation]:
        return message_for(self._messages, self._conversations, message_id, user.user_id)

    def _result(
        self, message: Message, conversation: Conversation, detail: bool = False
    ) -> MessageResult:
        sender = self._directory.resolve(message.sender_id)
        return MessageResult(message, conversation, sender, detail)
