"""File routes: upload (streamed), metadata, download with ranges, thumbnails, list, delete."""

from __future__ import annotations

import unicodedata
from typing import IO, Any, BinaryIO, cast
from urllib.parse import quote

from flask import Blueprint, Response, current_app, g, jsonify, request
from marshmallow import Schema, fields, validate
from werkzeug.wsgi import wrap_file

from libs.servicekit.http import error_body, load, ok
from services.chat_file.application.files import FileDownload, FileService, describe
from services.chat_file.domain.files import (
    CorruptImageError,
    EmptyFileError,
    FileDeleteForbiddenError,
    FileRequiredError,
    FileTooLargeError,
    ImageTooLargeError,
    InvalidFileIdError,
    InvalidThumbnailSizeError,
    MalformedUploadError,
    RangeNotSatisfiableError,
    StoredFileNotFoundError,
    ThumbnailUnavailableError,
    UnsupportedFileTypeError,
    UploadConversationNotFoundError,
)

from .multipart import MultipartUpload

EXTENSION_KEY = "chat_file.files"
MULTIPART_OVERHEAD = 64 * 1024  # headers, boundaries and small fields around the file
SEND_BUFFER = 256 * 1024

# Status per code for the file errors; merged into the service's one table (errors.py).
FILE_ERROR_STATUS: dict[str, int] = {
    FileRequiredError.code: 400,
    EmptyFileError.code: 400,
    MalformedUploadError.code: 400,
    InvalidFileIdError.code: 400,
    InvalidThumbnailSizeError.code: 400,
    FileDeleteForbiddenError.code: 403,
    StoredFileNotFoundError.code: 404,
    ThumbnailUnavailableError.code: 404,
    UploadConversationNotFoundError.code: 404,
    FileTooLargeError.code: 413,
    UnsupportedFileTypeError.code: 415,
    RangeNotSatisfiableError.code: 416,
    CorruptImageError.code: 422,
    ImageTooLargeError.code: 422,
}

bp = Blueprint("files", __name__, url_prefix="/files")


class ListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class ThumbnailQuery(Schema):
    size = fields.String(load_default="medium")


def _service() -> FileService:
    service: FileService = current_app.extensions[EXTENSION_KEY]
    return service


def _user_id() -> str:
    user_id: str = g.user_id
    return user_id


@bp.post("/upload")
def upload() -> Any:
    service = _service()
    request.max_content_length = None  # the file limit is enforced below, while streaming
    if (request.content_length or 0) > service.max_upload_bytes + MULTIPART_OVERHEAD:
        raise FileTooLargeError(limit=service.max_upload_bytes)
    form = MultipartUpload(request.stream, request.content_type).start()
    conversation_id = request.args.get("conversationId") or form.fields.get("conversationId")
    record = service.upload(_user_id(), form.filename, form.chunks(), conversation_id or None)
    return ok(describe(record), 201, "Fichier envoyé")


@bp.get("/conversation/<conversation_id>")
def list_for_conversation(conversation_id: str) -> Any:
    query = load(ListQuery(), request.args)
    records = _service().list_for_conversation(_user_id(), conversation_id, query["limit"])
    return ok({"files": [describe(r) for r in records], "count": len(records)})


@bp.get("/<file_id>")
def metadata(file_id: str) -> Any:
    return ok(describe(_service().get(_user_id(), file_id)))


@bp.get("/<file_id>/download")
def download(file_id: str) -> Response:
    found = _service().open_download(_user_id(), file_id, request.headers.get("Range"))
    return _send(found, "inline" if found.record.is_image else "attachment")


@bp.get("/<file_id>/thumbnail")
def thumbnail(file_id: str) -> Response:
    size = load(ThumbnailQuery(), request.args)["size"]
    found = _service().open_thumbnail(_user_id(), file_id, size)
    response = _send(found, "inline")
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["ETag"] = f'"{found.record.sha256}-{size}"'
    return response


@bp.delete("/<file_id>")
def delete(file_id: str) -> Any:
    _service().delete(_user_id(), file_id)
    return ok({"id": file_id, "deleted": True}, message="Fichier supprimé")


@bp.errorhandler(RangeNotSatisfiableError)
def range_not_satisfiable(exc: RangeNotSatisfiableError) -> tuple[Response, int]:
    response = jsonify(error_body(exc.code, exc.message))
    response.headers["Content-Range"] = f"bytes */{exc.details.get('total', '*')}"
    return response, FILE_ERROR_STATUS[exc.code]


class ByteWindow:
    """`length` bytes of a stream from its current position; keeps `fileno` for sendfile."""

    def __init__(self, raw: BinaryIO, length: int) -> None:
        self._raw = raw
        self._end = raw.tell() + length

    def read(self, size: int = -1) -> bytes:
        left = self._end - self._raw.tell()
        if left <= 0:
            return b""
        return self._raw.read(left if size < 0 else min(size, left))

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def fileno(self) -> int:
        return self._raw.fileno()

    def close(self) -> None:
        self._raw.close()


def _send(found: FileDownload, disposition: str) -> Response:
    window = cast(IO[bytes], ByteWindow(found.stream, found.length))
    body = wrap_file(request.environ, window, SEND_BUFFER)
    response = Response(body, mimetype=found.mime_type, direct_passthrough=True)
    response.content_length = found.length
    response.headers.update(
        {
            "Accept-Ranges": "bytes",
            "Content-Disposition": content_disposition(disposition, found.record.original_name),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-cache",
            "ETag": f'"{found.record.sha256}"',
        }
    )
    if found.byte_range is not None:
        response.status_code = 206
        response.headers["Content-Range"] = found.byte_range.content_range
    return response


def content_disposition(disposition: str, name: str) -> str:
    """RFC 6266 with an ASCII fallback and the exact UTF-8 name in `filename*` (RFC 5987)."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = fallback.replace('"', "").replace("\\", "").strip() or "fichier"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
