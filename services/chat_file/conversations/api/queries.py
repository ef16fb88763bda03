"""The query parameters of the conversation and message routes, for `/openapi.json` (the
routes parse them with the domain's paging rules)."""

from __future__ import annotations

from marshmallow import Schema, fields


class HistoryQuery(Schema):
    conversationId = fields.String(required=True)
    cursor = fields.String(metadata={"description": "id of the last message seen"})
    limit = fields.Integer(metadata={"description": "1..100, default 50"})
    direction = fields.String(metadata={"enum": ["older", "newer"]})


class PageQuery(Schema):
    page = fields.Integer(metadata={"description": "≥ 1, default 1"})
    limit = fields.Integer(metadata={"description": "1..100, default 20"})


class OffsetQuery(Schema):
    offset = fields.Integer(metadata={"description": "≥ 0, default 0"})
    limit = fields.Integer(metadata={"description": "1..1000, default 200"})


class SearchQuery(Schema):
    q = fields.String(required=True)
    conversationId = fields.String()
    limit = fields.Integer(metadata={"description": "1..50, default 20"})
    cursor = fields.String(metadata={"description": "nextCursor of the previous page"})


class DeleteQuery(Schema):
    scope = fields.String(metadata={"enum": ["me", "everyone"]})


class EmojiQuery(Schema):
    emoji = fields.String()
