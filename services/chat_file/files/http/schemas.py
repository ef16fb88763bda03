"""Schemas of the file routes: query validation and the OpenAPI description of bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class ListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ThumbnailQuery(Schema):
    size = fields.String(load_default="medium", metadata={"enum": ["small", "medium", "large"]})


class UploadForm(Schema):
    """multipart/form-data; `conversationId` (optional) must come before `file`."""

    conversationId = fields.String(metadata={"description": "optional; caller must belong"})
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class DeletedSchema(Schema):
    id = fields.String()
    deleted = fields.Boolean()
