"""The wire shape of a file (REST answers and message attachments): a view that documents the
shape and produces it (`libs.servicekit.views`)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from libs.servicekit.views import View
from services.chat_file.files.domain.model import FileRecord
from services.chat_file.kernel.clock import iso


class FileView(View):
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

    def extract(self, record: FileRecord) -> dict[str, Any]:
        base = f"/files/{record.id}"
        medium = "medium" in record.thumbnails
        return {
            "id": record.id,
            "originalName": record.original_name,
            "mimeType": record.mime_type,
            "kind": record.kind.value,
            "size": record.size,
            "sha256": record.sha256,
            "uploadedBy": record.owner_id,
            "conversationId": record.conversation_id,
            "width": record.width,
            "height": record.height,
            "createdAt": iso(record.created_at),
            "url": f"{base}/download",
            "thumbnails": {s: f"{base}/thumbnail?size={s}" for s in record.thumbnails},
            "thumbnailUrl": f"{base}/thumbnail?size=medium" if medium else None,
        }


class FileListView(View):
    files = fields.List(fields.Nested(FileView))
    count = fields.Integer()

    def extract(self, records: list[FileRecord]) -> dict[str, Any]:
        return {"files": records, "count": len(records)}


class FilePageView(View):
    """`GET /files`: the caller's own files, newest first, a page at a time."""

    files = fields.List(fields.Nested(FileView))
    count = fields.Integer(metadata={"description": "files in this page"})
    nextCursor = fields.String(
        allow_none=True, metadata={"description": "pass as `cursor` for the next page"}
    )
    hasMore = fields.Boolean()

    def extract(self, page: tuple[list[FileRecord], str | None]) -> dict[str, Any]:
        records, cursor = page
        return {
            "files": records,
            "count": len(records),
            "nextCursor": cursor,
            "hasMore": cursor is not None,
        }


FILE = FileView()
FILE_PAGE = FilePageView()
FILE_LIST = FileListView()


def describe(record: FileRecord) -> dict[str, Any]:
    """The JSON shape of a file for clients (REST and message attachments)."""
    return FILE.dump_fast(record)
