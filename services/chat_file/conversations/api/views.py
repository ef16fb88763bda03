"""The wire shapes of conversations and messages: one view per shape (camelCase, ISO-8601 UTC
times), each a marshmallow schema that documents the shape (`/openapi.json`) and produces it
(`dump_fast`, checked equal to marshmallow's own dump). The old clients' names come from
`aliases.py`. Both transports and the events use these views; the use cases return typed
results (`application/results.py`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import fields, missing

from libs.servicekit.views import View
from services.chat_file.conversations.api import aliases
from services.chat_file.conversations.api.aliases import (
    ListMetadataView,
    PageMetadataView,
    actor_field,
)
from services.chat_file.conversations.application.results import (
    ConversationPage,
    ConversationResult,
    Deletion,
    MembershipChange,
    MessagePage,
    MessageResult,
    ParticipantIdPage,
    Profile,
    ReactionChange,
    ReadMark,
    SearchPage,
    StatusChange,
)
from services.chat_file.conversations.domain.model import Conversation, Message, ReceiptStatus
from services.chat_file.kernel.clock import iso

DISPLAYED_PARTICIPANTS = 50
PARTICIPANT_IDS_SHOWN = 200  # the rest: GET /conversations/<id>/participants


class ReceiptIndex:
    """A conversation's receipt pointers read once for many messages. Same results as
    `Conversation.status_of`, `read_by` and `delivered_to`, at a cost that does not grow with
    members times messages: the status floor is computed once per sender; who read (or has) a
    message depends only on how many pointers reach its number (a bisection), so each distinct
    answer is built once per page and shared by the views that have it (treat them as
    read-only); each time is converted to ISO text at most once."""

    def __init__(self, conversation: Conversation) -> None:
        self._conversation = conversation
        receipts = conversation.receipts.items()
        self._read = _Reached([(u, r.read_up_to, r.read_at) for u, r in receipts])
        self._delivered = _Reached(
            [(u, r.delivered, r.delivered_at or r.read_at) for u, r in receipts]
        )
        self._floors: dict[str, tuple[int, int] | None] = {}

    def status(self, sender_id: str, seq: int) -> str:
        if sender_id not in self._floors:
            c = self._conversation
            recipients = [c.receipt(r) for r in c.recipients_of(sender_id)]
            self._floors[sender_id] = (
                (min(r.read_up_to for r in recipients), min(r.delivered for r in recipients))
                if recipients
                else None
            )
        floor = self._floors[sender_id]
        if floor is None or not seq:
            return "SENT"
        if floor[0] >= seq:
            return ReceiptStatus.READ.value
        return ReceiptStatus.DELIVERED.value if floor[1] >= seq else "SENT"

    def read_by(self, sender_id: str, seq: int) -> dict[str, str | None]:
        return self._read.reached(sender_id, seq)

    def delivered_to(self, sender_id: str, seq: int) -> dict[str, str | None]:
        return self._delivered.reached(sender_id, seq)


class _Reached:
    """Which members' pointer (read or delivered) reaches a sequence number, with the time."""

    def __init__(self, rows: list[tuple[str, int, datetime | None]]) -> None:
        self._rows = rows  # (user, pointer, time), in member order
        self._pointers = sorted(pointer for _, pointer, _ in rows)
        self._answers: dict[tuple[str, int], dict[str, str | None]] = {}
        self._times: dict[str, str | None] = {}

    def reached(self, sender_id: str, seq: int) -> dict[str, str | None]:
        count = len(self._pointers) - bisect_left(self._pointers, seq)  # pointers >= seq
        key = (sender_id, count)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = {
                user: self._time(user, moment)
                for user, pointer, moment in self._rows
                if pointer >= seq and user != sender_id
            }
        return answer

    def _time(self, user: str, moment: datetime | None) -> str | None:
        if user not in self._times:
            self._times[user] = iso(moment)
        return self._times[user]


@dataclass(frozen=True)
class MessageRow:
    """One message of a page: its sender and the page's shared receipt index."""

    message: Message
    sender: Profile
    receipts: ReceiptIndex
    detail: bool = False


class MessageView(View):
    id = fields.String()
    messageId = aliases.message_id()
    conversationId = fields.String()
    senderId = fields.String()
    senderName = fields.String()
    senderAvatar = fields.String(allow_none=True)
    content = fields.String(metadata={"description": "empty once deleted for everyone"})
    type = fields.String(metadata={"enum": ["TEXT", "IMAGE", "FILE", "AUDIO", "VIDEO"]})
    status = fields.String(metadata={"enum": ["SENT", "DELIVERED", "READ"]})
    fileId = fields.String(allow_none=True)
    file = fields.Dict(allow_none=True)
    replyTo = fields.String(allow_none=True)
    temporaryId = fields.String(allow_none=True)
    timestamp = aliases.message_timestamp()
    createdAt = fields.String()
    edited = fields.Boolean()
    editedAt = fields.String(allow_none=True)
    deleted = fields.Boolean()
    deletedBy = fields.String(
        allow_none=True,
        metadata={"enum": ["author", "moderation"], "description": "who deleted it for everyone"},
    )
    reactions = fields.List(fields.Dict())
    mentions = fields.List(fields.String(), metadata={"description": "mentioned user ids"})
    deliveredTo = fields.Dict(metadata={"description": "user id → when (ISO-8601)"})
    readBy = fields.Dict(metadata={"description": "user id → when (ISO-8601)"})

    def extract(self, result: MessageResult | MessageRow) -> dict[str, Any]:
        """Status, readBy and deliveredTo come from the members' receipt pointers."""
        if isinstance(result, MessageResult):
            result = MessageRow(
                result.message, result.sender, ReceiptIndex(result.conversation), result.detail
            )
        message, sender, index = result.message, result.sender, result.receipts
        stamp = iso(message.created_at)
        sender_id, seq, deleted = message.sender_id, message.seq, message.deleted
        return {
            "id": message.id,
            "conversationId": message.conversation_id,
            "senderId": sender_id,
            "senderName": sender["name"],
            "senderAvatar": sender.get("avatar"),
            "content": "" if deleted else message.content,
            "type": message.type.value,
            "status": index.status(sender_id, seq),
            "fileId": None if deleted else message.file_id,
            "file": None if deleted else message.file,
            "replyTo": message.reply_to,
            "temporaryId": message.temporary_id,
            "createdAt": stamp,
            "edited": message.edited,
            "editedAt": iso(message.edited_at) if message.edited_at else None,
            "deleted": deleted,
            "deletedBy": (message.deleted_by or "author") if deleted else None,
            "reactions": message.reactions,
            "mentions": list(message.mentions),
            "deliveredTo": index.delivered_to(sender_id, seq),
            "readBy": index.read_by(sender_id, seq),
            "editHistory": edit_history(message) if result.detail else missing,
        }


class MessageDetailView(MessageView):
    """One message with its edit history (`GET /messages/{id}`, an edit)."""

    editHistory = fields.List(fields.Dict(), metadata={"description": "{content, editedAt}"})


def edit_history(message: Message) -> list[dict[str, Any]]:
    return [
        {"content": h.get("content"), "editedAt": iso(h.get("editedAt"))}
        for h in message.edit_history
    ]


class HistoryView(View):
    conversationId = fields.String()
    messages = fields.List(fields.Nested(MessageView), metadata={"description": "newest first"})
    nextCursor = fields.String(allow_none=True)
    hasMore = fields.Boolean()
    totalCount = fields.Integer(
        metadata={"description": "messages ever posted in the conversation (deleted included)"}
    )

    def extract(self, page: MessagePage) -> dict[str, Any]:
        """Every message of the page shares one receipt index."""
        return {
            "conversationId": page.conversation.id,
            "messages": rows(page.messages, page.senders, page.conversation),
            "nextCursor": page.next_cursor,
            "hasMore": page.has_more,
            "totalCount": page.conversation.seq,
        }


class SearchView(View):
    query = fields.String()
    messages = fields.List(
        fields.Nested(MessageView),
        metadata={"description": "best match first (case- and accent-insensitive words)"},
    )
    count = fields.Integer()
    nextCursor = fields.String(allow_none=True, metadata={"description": "null on the last page"})

    def extract(self, page: SearchPage) -> dict[str, Any]:
        found = [
            MessageResult(m, page.conversations[m.conversation_id], page.senders[m.sender_id])
            for m in page.messages
        ]
        return {
            "query": page.query,
            "messages": found,
            "count": len(found),
            "nextCursor": page.next_cursor,
        }


def rows(
    messages: list[Message], senders: Mapping[str, Profile], conversation: Conversation
) -> list[MessageRow]:
    index = ReceiptIndex(conversation)
    return [MessageRow(m, senders[m.sender_id], index) for m in messages]


class ParticipantView(View):
    """A participant's display data (`ConversationView.extract` shapes it)."""

    shaped = True
    userId = fields.String()
    name = fields.String(metadata={"description": '"Utilisateur inconnu" when unresolvable'})
    avatar = fields.String(allow_none=True)
    matricule = fields.String(allow_none=True)
    nom = fields.String(allow_none=True)
    prenom = fields.String(allow_none=True)
    ministere = fields.String(allow_none=True)
    sexe = fields.String(allow_none=True)
    isAdmin = fields.Boolean()


class LastMessageView(View):
    """The conversation's stored summary (`ConversationView.extract` shapes it)."""

    shaped = True
    id = fields.String()
    senderId = fields.String()
    content = fields.String(metadata={"description": "the first 200 characters"})
    type = fields.String()
    createdAt = fields.String()
    senderName = fields.String(allow_none=True)


class ConversationView(View):
    id = fields.String()
    mongoId = aliases.underscore_id()
    conversationId = aliases.conversation_id()
    type = fields.String(metadata={"enum": ["PRIVATE", "GROUP", "BROADCAST"]})
    name = fields.String(allow_none=True)
    participants = fields.List(
        fields.Nested(ParticipantView), metadata={"description": "the first 50"}
    )
    participantIds = fields.List(
        fields.String(),
        metadata={
            "description": "the first 200 (GET /conversations/{id}/participants pages the rest)"
        },
    )
    participantCount = fields.Integer(metadata={"description": "all the caller may see"})
    admins = fields.List(fields.String())
    createdBy = fields.String()
    createdAt = fields.String()
    lastActivity = fields.String()
    lastMessage = fields.Nested(LastMessageView, allow_none=True)
    unreadCount = fields.Integer(metadata={"description": "the caller's, exact"})
    lastReadMessageId = fields.String(allow_none=True)

    def extract(self, result: ConversationResult) -> dict[str, Any]:
        c, profiles, viewer = result.conversation, result.profiles, result.viewer
        visible = c.visible_participants(viewer)
        participants = [
            {**profiles[p], "isAdmin": c.is_admin(p)} for p in visible[:DISPLAYED_PARTICIPANTS]
        ]
        last = None
        if c.last_message:
            sender = profiles.get(c.last_message.get("senderId", ""), {})
            last = {
                **c.last_message,
                "createdAt": iso(c.last_message.get("createdAt")),
                "senderName": sender.get("name"),
            }
        unread_mentions = result.unread_mentions
        return {
            "id": c.id,
            "type": c.type.value,
            "name": c.name,
            "participants": participants,
            "participantIds": visible[:PARTICIPANT_IDS_SHOWN],
            "participantCount": len(visible),
            "admins": c.admins,
            "createdBy": c.created_by,
            "createdAt": iso(c.created_at),
            "lastActivity": iso(c.last_activity),
            "lastMessage": last,
            "unreadCount": c.unread_for(viewer),
            "lastReadMessageId": c.receipt(viewer).last_read_id,
            "unreadMentions": missing if unread_mentions is None else unread_mentions,
        }


class ParticipantIdPageView(View):
    """`GET /conversations/{id}/participants`: the participant ids past a view's first 200."""

    conversationId = fields.String()
    participantIds = fields.List(fields.String())
    offset = fields.Integer()
    limit = fields.Integer()
    total = fields.Integer()
    hasMore = fields.Boolean()
    nextOffset = fields.Integer(allow_none=True)

    def extract(self, page: ParticipantIdPage) -> dict[str, Any]:
        more = page.offset + len(page.ids) < page.total
        return {
            "conversationId": page.conversation_id,
            "participantIds": page.ids,
            "offset": page.offset,
            "limit": page.limit,
            "total": page.total,
            "hasMore": more,
            "nextOffset": page.offset + len(page.ids) if more else None,
        }


class ConversationListItemView(ConversationView):
    unreadMentions = fields.Integer(metadata={"description": "unread messages mentioning you"})


class PageView(PageMetadataView):
    """Today's `{page, limit, total, pages, hasMore}` and, beside them, the old clients' keys
    (`currentPage`, `totalPages`, `totalCount`, `hasNext`...)."""

    page = fields.Integer()
    limit = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
    hasMore = fields.Boolean()

    def extract(self, result: Any) -> dict[str, Any]:
        """From `(page, limit, total)`."""
        number, size, total = result
        return {
            **super().extract(result),
            "page": number,
            "total": total,
            "pages": (total + size - 1) // size,
            "hasMore": number * size < total,
        }


class ConversationPageView(View):
    conversations = fields.List(fields.Nested(ConversationListItemView))
    totalUnreadMessages = fields.Integer()
    unreadConversations = fields.Integer()
    pagination = fields.Nested(PageView)
    metadata = fields.Nested(
        ListMetadataView, metadata={"description": "the same page, as the old clients read it"}
    )

    def extract(self, page: ConversationPage) -> dict[str, Any]:
        number, size, total = page.page, page.limit, page.total
        return {
            "conversations": page.conversations,
            "totalUnreadMessages": page.total_unread,
            "unreadConversations": page.unread_conversations,
            "pagination": (number, size, total),
            "metadata": {"pagination": (number, size, total)},
        }


class DeletionView(View):
    messageId = fields.String()
    conversationId = fields.String()
    scope = fields.String(metadata={"enum": ["me", "everyone"]})
    deleteType = aliases.delete_type()
    deleted = fields.Boolean()
    deletedAt = fields.String()
    timestamp = fields.String(metadata={"description": "= deletedAt (old clients)"})

    def extract(self, result: Deletion) -> dict[str, Any]:
        message, at = result.message.message, iso(result.at)
        return {
            "messageId": message.id,
            "conversationId": message.conversation_id,
            "scope": result.scope,
            "deleted": True,
            "deletedAt": at,
            "timestamp": at,
        }


class ReadView(View):
    conversationId = fields.String()
    lastReadMessageId = fields.String(allow_none=True)
    unreadCount = fields.Integer()

    def extract(self, result: ReadMark) -> dict[str, Any]:
        return {
            "conversationId": result.conversation_id,
            "lastReadMessageId": result.last_read_message_id,
            "unreadCount": result.unread_count,
        }


class StatusView(View):
    messageId = fields.String()
    conversationId = fields.String()
    status = fields.String(metadata={"enum": ["DELIVERED", "READ"]})
    userId = fields.String()
    timestamp = fields.String()
    messageStatus = fields.String(metadata={"enum": ["SENT", "DELIVERED", "READ"]})

    def extract(self, result: StatusChange) -> dict[str, Any]:
        return {
            "messageId": result.message_id,
            "conversationId": result.conversation_id,
            "status": result.status,
            "userId": result.user_id,
            "timestamp": iso(result.at),
            "messageStatus": result.message_status,
        }


class ReactionView(View):
    """`message:reaction`: one user's change to one emoji of a message, not the message."""

    messageId = fields.String()
    conversationId = fields.String()
    action = fields.String(metadata={"enum": ["add", "remove"]})
    emoji = fields.String()
    userId = fields.String()
    count = fields.Integer(metadata={"description": "users holding this emoji after the change"})
    timestamp = fields.String()

    def extract(self, change: ReactionChange) -> dict[str, Any]:
        return {
            "messageId": change.message_id,
            "conversationId": change.conversation_id,
            "action": "add" if change.added else "remove",
            "emoji": change.emoji,
            "userId": change.user_id,
            "count": change.count,
            "timestamp": iso(change.at),
        }


class FailureView(View):
    userId = fields.String()
    participantId = aliases.failed_participant()
    code = fields.String()
    message = fields.String()
    error = aliases.failure_text()


class MembershipView(View):
    success = fields.Boolean()
    conversationId = fields.String()
    userIds = fields.List(fields.String())
    participantIds = aliases.participant_ids()
    by = fields.String()
    addedBy = aliases.actor("participants:added")
    removedBy = aliases.actor("participant:removed")
    userId = aliases.actor("participant:left")
    failed = fields.List(fields.Nested(FailureView))
    remainingParticipants = fields.Integer()
    timestamp = fields.String()

    def extract(self, change: MembershipChange) -> dict[str, Any]:
        """Today's `{conversationId, userIds, by}` and the old clients' fields in one payload."""
        failed = [
            {"userId": str(u), "code": e.code, "message": e.message} for u, e in change.failed
        ]
        return {
            "success": True,
            "conversationId": change.conversation.id,
            "userIds": change.user_ids,
            "by": change.by,
            actor_field(change.event): change.by,
            "failed": failed,
            "remainingParticipants": len(change.conversation.participants),
            "timestamp": iso(change.at),
        }


MEMBERSHIP = MembershipView()


class LeftView(View):
    """`POST /conversations/{id}/leave`: the caller left, and the event everyone else got."""

    conversationId = fields.String()
    left = fields.Boolean()
    success = fields.Boolean()
    userIds = fields.List(fields.String())
    participantIds = aliases.participant_ids()
    by = fields.String()
    userId = aliases.actor("participant:left")
    failed = fields.List(fields.Nested(FailureView))
    remainingParticipants = fields.Integer()
    timestamp = fields.String()

    def extract(self, change: MembershipChange) -> dict[str, Any]:
        return {**MEMBERSHIP.extract(change), "left": True}


# One instance of each, built at import (no I/O); views are stateless.
MESSAGE = MessageView()
MESSAGE_DETAIL = MessageDetailView()
HISTORY = HistoryView()
SEARCH = SearchView()
CONVERSATION = ConversationView()
CONVERSATION_PAGE = ConversationPageView()
DELETION = DeletionView()
READ = ReadView()
STATUS = StatusView()
REACTION = ReactionView()
PARTICIPANT_IDS = ParticipantIdPageView()
LEFT = LeftView()


def message_view(
    message: Message, sender: Profile, conversation: Conversation, *, detail: bool = False
) -> dict[str, Any]:
    view = MESSAGE_DETAIL if detail else MESSAGE
    return view.dump_fast(MessageResult(message, conversation, sender, detail))


def page_views(
    messages: list[Message], senders: Mapping[str, Profile], conversation: Conversation
) -> list[dict[str, Any]]:
    """The views of a page of one conversation, in one pass over shared receipt data."""
    return MESSAGE.dump_many_fast(rows(messages, senders, conversation))


def message_of(result: MessageResult) -> dict[str, Any]:
    return (MESSAGE_DETAIL if result.detail else MESSAGE).dump_fast(result)
