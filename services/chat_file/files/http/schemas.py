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


class FileSchema(Schema):
    id = fields.String()
    originalName = fields.String()
    mimeType = fields.String()
    kind = fields.String(metadata={"enum": ["image", "document", "audio", "video", "text"]})
    size = fields.Integer()
    sha256 = fields.String()
    uploadedBy = fields.String()
    conversationId = fields.String(allow_none=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    createdAt = fields.String()
    url = fields.String()
    thumbnails = fields.Dict(keys=fields.String(), values=fields.String())
    thumbnailUrl = fields.String(allow_none=True)


class FileListSchema(Schema):
    files = fields.List(fields.Nested(FileSchema))
    count = fields.Integer()


class DeletedSchema(Schema):
    id = fields.String()
    deleted = fields.Boolean()
