"""OpenAPI descriptions of the chat core routes: query and response schemas, error codes.

Only for the spec (`/openapi.json`): queries are parsed by the domain's paging rules, and
responses are built by the application's presenters.
"""

from __future__ import annotations

from marshmallow import INCLUDE, Schema, fields


class _Doc(Schema):
    """Responses may carry more fields than listed (additionalProperties allowed)."""

    class Meta:
        unknown = INCLUDE


class ParticipantDoc(_Doc):
    userId = fields.String()
    name = fields.String(metadata={"description": '"Utilisateur inconnu" when unresolvable'})
    avatar = fields.String(allow_none=True)
    matricule = fields.String()
    isAdmin = fields.Boolean()


class MessageDoc(_Doc):
    id = fields.String()
    conversationId = fields.String()
    senderId = fields.String()
    senderName = fields.String()
    senderAvatar = fields.String(allow_none=True)
    content = fields.String()
    type = fields.String(metadata={"enum": ["TEXT", "IMAGE", "FILE", "AUDIO", "VIDEO"]})
    status = fields.String(metadata={"enum": ["SENT", "DELIVERED", "READ"]})
    fileId = fields.String(allow_none=True)
    file = fields.Dict(allow_none=True)
    replyTo = fields.String(allow_none=True)
    temporaryId = fields.String(allow_none=True)
    timestamp = fields.String()
    edited = fields.Boolean()
    deleted = fields.Boolean()
    reactions = fields.List(fields.Dict())
    mentions = fields.List(fields.String(), metadata={"description": "mentioned user ids"})
    deliveredTo = fields.Dict()
    readBy = fields.Dict()
    editHistory = fields.List(fields.Dict(), metadata={"description": "GET /messages/{id} only"})


class HistoryDoc(_Doc):
    conversationId = fields.String()
    messages = fields.List(fields.Nested(MessageDoc), metadata={"description": "newest first"})
    nextCursor = fields.String(allow_none=True)
    hasMore = fields.Boolean()
    totalCount = fields.Integer(
        metadata={"description": "messages ever posted in the conversation (deleted included)"}
    )


class SearchDoc(_Doc):
    query = fields.String()
    messages = fields.List(
        fields.Nested(MessageDoc),
        metadata={"description": "best match first (case- and accent-insensitive words)"},
    )
    count = fields.Integer()
    nextCursor = fields.String(allow_none=True, metadata={"description": "null on the last page"})


class ConversationDoc(_Doc):
    id = fields.String()
    type = fields.String(metadata={"enum": ["PRIVATE", "GROUP", "BROADCAST"]})
    name = fields.String(allow_none=True)
    participants = fields.List(fields.Nested(ParticipantDoc))
    participantIds = fields.List(fields.String())
    admins = fields.List(fields.String())
    lastMessage = fields.Dict(allow_none=True)
    lastActivity = fields.String()
    unreadCount = fields.Integer()
    lastReadMessageId = fields.String(allow_none=True)
    unreadMentions = fields.Integer(
        metadata={"description": "GET /conversations only: unread messages mentioning the caller"}
    )


class PageMetadataDoc(_Doc):
    """The old clients' page description (`metadata.pagination`)."""

    currentPage = fields.Integer()
    totalPages = fields.Integer()
    totalCount = fields.Integer()
    hasNext = fields.Boolean()
    hasPrevious = fields.Boolean()
    limit = fields.Integer()
    offset = fields.Integer()
    nextPage = fields.Integer(allow_none=True)
    previousPage = fields.Integer(allow_none=True)


class PageDoc(_Doc):
    page = fields.Integer()
    limit = fields.Integer()
    total = fields.Integer()
    pages = fields.Integer()
    hasMore = fields.Boolean()


class ListMetadataDoc(_Doc):
    pagination = fields.Nested(PageMetadataDoc)


class ConversationListDoc(_Doc):
    conversations = fields.List(fields.Nested(ConversationDoc))
    totalUnreadMessages = fields.Integer()
    unreadConversations = fields.Integer()
    pagination = fields.Nested(PageDoc)
    metadata = fields.Nested(
        ListMetadataDoc, metadata={"description": "the same page, as the old clients read it"}
    )


class DeleteDoc(_Doc):
    messageId = fields.String()
    conversationId = fields.String()
    scope = fields.String(metadata={"enum": ["me", "everyone"]})
    deleteType = fields.String(metadata={"description": "scope, under the old clients' name"})
    deleted = fields.Boolean()
    deletedAt = fields.String()
    timestamp = fields.String()


class ReadDoc(_Doc):
    conversationId = fields.String()
    lastReadMessageId = fields.String(allow_none=True)
    unreadCount = fields.Integer()


class HistoryQuery(Schema):
    conversationId = fields.String(required=True)
    cursor = fields.String(metadata={"description": "id of the last message seen"})
    limit = fields.Integer(metadata={"description": "1..100, default 50"})
    direction = fields.String(metadata={"enum": ["older", "newer"]})


class PageQuery(Schema):
    page = fields.Integer(metadata={"description": "≥ 1, default 1"})
    limit = fields.Integer(metadata={"description": "1..100, default 20"})


class SearchQuery(Schema):
    q = fields.String(required=True)
    conversationId = fields.String()
    limit = fields.Integer(metadata={"description": "1..50, default 20"})
    cursor = fields.String(metadata={"description": "nextCursor of the previous page"})


class DeleteQuery(Schema):
    scope = fields.String(metadata={"enum": ["me", "everyone"]})


class EmojiQuery(Schema):
    emoji = fields.String()
