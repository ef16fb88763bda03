"""`MessageSender`: sending a message, with only what sending needs. Check (validate and
authorise, no write), do (store, number, link the attachment), notify (`newMessage`). A
refused message leaves no message, no link, no event.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from services.chat_file.conversations.application.access import (
    BlockGuard,
    audience,
    conversation_for,
)
from services.chat_file.conversations.application.appending import StepwiseAppender, number
from services.chat_file.conversations.application.mentions import Mentions
from services.chat_file.conversations.application.ports import (
    AttachmentResolver,
    ConversationStore,
    DuplicateMessageError,
    MessageAppender,
    MessageStore,
)
from services.chat_file.conversations.application.results import MessageResult
from services.chat_file.conversations.domain.errors import (
    AttachmentNotFoundError,
    ConversationNotFoundError,
    MessageNotFoundError,
)
from services.chat_file.conversations.domain.model import (
    Conversation,
    Message,
    MessageType,
    check_content,
    parse_message_type,
)
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.errors import InvalidIdError
from services.chat_file.kernel.identity import Identity
from services.chat_file.kernel.ids import check_object_id
from services.chat_file.kernel.notifier import Notifier
from services.chat_file.users.application.directory import UserDirectory

SUMMARY_CHARS = 200
# a temporaryId repeats a message sent within this window; reused later, it makes a new one
DEDUPE_WINDOW = timedelta(hours=24)

OpenPrivate = Callable[[str, Any], tuple[Conversation, bool]]  # ConversationService.open_private


class MessageSender:
    def __init__(
        self,
        conversations: ConversationStore,
        messages: MessageStore,
        directory: UserDirectory,
        notifier: Notifier,
        open_private: OpenPrivate,
        *,
        attachments: AttachmentResolver | None = None,
        max_length: int = 10_000,
        mentions: Mentions | None = None,
        appender: MessageAppender | None = None,
        clock: Callable[[], datetime] = utc_now,
        blocks: BlockGuard | None = None,
        contacts_changed: Callable[[list[str]], None] | None = None,
        dedupe_window: timedelta = DEDUPE_WINDOW,
    ) -> None:
        self._conversations = conversations
        self._blocks = blocks or BlockGuard()
        self._contacts_changed = contacts_changed  # a private chat's first post by one side
        self._dedupe_window = dedupe_window  # TEMPORARY_ID_WINDOW
        self._messages = messages
        self._appender = appender or StepwiseAppender(conversations, messages)
        self._directory = directory
        self.notifier = notifier
        self._open_private = open_private
        self.attachments = attachments
        self.max_length = max_length
        self.mentions = mentions
        self._clock = clock
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
    ) -> tuple[MessageResult, bool]:
        """`(message, created)`; a retry with the same temporaryId returns the stored one.

        Check (validate and authorise, no write), do (store, number, link the attachment),
        notify (`newMessage`): a refused message leaves no message, no link and no event.
        """
        sender = user.user_id
        kind = parse_message_type(type)
        if receiver_id:  # no private conversation opened for nothing
            check_content(content, kind, bool(file_id), self.max_length)
        conversation = self._target(sender, conversation_id, receiver_id)
        conversation.check_can_post(sender)
        self._blocks.check(conversation, sender)
        # No lookup of the temporaryId first: the insert itself finds a retry (unique key).
        message = self._checked(conversation, sender, kind, content, file_id, reply_to, mentions)
        message.temporary_id = temporary_id
        stored, created = self._persist(message)
        self._link_attachment(stored)  # only now: a refused message links nothing
        result = self._result(stored, conversation)
        if created:
            self.sent += 1
            first_post = sender not in conversation.posters  # may make the pair contacts now
            if self._contacts_changed and first_post and conversation.is_private():
                self._contacts_changed(conversation.participants)
            self.notifier.notify("newMessage", result, audience(conversation))
        return result, created

    def _checked(
        self,
        conversation: Conversation,
        sender: str,
        kind: MessageType,
        content: Any,
        file_id: str | None,
        reply_to: str | None,
        mentions: Any,
    ) -> Message:
        """The message to store, once the checks that read the stores passed (no write)."""
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
            file_id=file_id if file else None,
            file=file,
            reply_to=reply_to,
        )
        if self.mentions is not None:
            message.mentions = self.mentions.resolve(conversation, sender, text, mentions)
        return message

    def _target(
        self, sender: str, conversation_id: str | None, receiver_id: str | None
    ) -> Conversation:
        """The conversation posted to. With a receiverId, the pair's private conversation is
        opened (as `POST /conversations` would), after the content was checked. The old console
        sends a client-made `conversationId` with the `receiverId` of a first message: an id
        the sender cannot reach (unknown, or someone else's) then gives way to the pair's
        conversation; the client's id is never adopted."""
        if conversation_id:
            try:
                return conversation_for(self._conversations, conversation_id, sender)
            except ConversationNotFoundError:
                if not receiver_id:
                    raise
        if receiver_id:
            return self._open_private(sender, receiver_id)[0]
        raise InvalidIdError("conversationId ou receiverId requis")

    def _persist(self, message: Message) -> tuple[Message, bool]:
        """Store the message numbered in its conversation (the sender has read it)."""
        try:
            stored = self._appender.append(message, summary_of(message))
        except DuplicateMessageError:  # a retry: this temporaryId is stored already
            existing = self._messages.find_by_temporary_id(
                message.sender_id, message.temporary_id or ""
            )
            if existing is None:
                raise
            if existing.created_at < self._clock() - self._dedupe_window:
                # reused long after (an app reinstalled, a counter restarted): the old message
                # lets go of it and this one is stored (a concurrent resend finds this one)
                self._messages.release_temporary_id(existing.id)
                return self._persist(message)
            return self._retried(existing), False
        self._record_mentions(stored)
        return stored, True

    def _retried(self, existing: Message) -> Message:
        """The message a previous try with this temporaryId stored, its numbering finished
        (the step-by-step appender may have stored it without a number)."""
        if not existing.seq:
            number(self._conversations, self._messages, existing, summary_of(existing))
            self._record_mentions(existing)
        return existing

    def _record_mentions(self, message: Message) -> None:
        if self.mentions is not None:
            self.mentions.record(message)

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

    def _result(self, message: Message, conversation: Conversation) -> MessageResult:
        return MessageResult(message, conversation, self._directory.resolve(message.sender_id))


def summary_of(message: Message) -> dict[str, Any]:
    """What a conversation keeps as `lastMessage` (stored with it)."""
    return {
        "id": message.id,
        "senderId": message.sender_id,
        "content": message.content[:SUMMARY_CHARS],
        "type": message.type.value,
        "createdAt": message.created_at,
    }
