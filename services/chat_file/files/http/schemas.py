"""Schemas of the file routes: query validation and the OpenAPI description of bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class OwnFilesQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(
        load_default=None,
        validate=validate.Length(max=200),
        metadata={"description": "the previous page's nextCursor"},
    )


class ThumbnailQuery(Schema):
    size = fields.String(load_default="medium", metadata={"enum": ["small", "medium", "large"]})


class UploadForm(Schema):
    """multipart/form-data; `conversationId` (optional) before or after `file`: after it, the
    file is stored first, then linked, or deleted again if the caller is not a member."""

    conversationId = fields.String(metadata={"description": "optional; caller must belong"})
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class DeletedSchema(Schema):
    id = fields.String()
    deleted = fields.Boolean()
