"""File routes: upload (streamed), metadata, download with ranges, thumbnails, list, delete."""

from __future__ import annotations

import unicodedata
from typing import IO, Any, BinaryIO, cast
from urllib.parse import quote

from flask import Response, jsonify, redirect, request
from werkzeug.wsgi import wrap_file

from libs.servicekit.http import error_body, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.files.api.views import (
    FILE,
    FILE_LIST,
    FILE_PAGE,
    FileListView,
    FilePageView,
    FileView,
)
from services.chat_file.files.application.bundle import FilesServices
from services.chat_file.files.application.files import FileService
from services.chat_file.files.application.ports import FileDownload
from services.chat_file.files.domain.model import (
    FileRecord,
    FileTooLargeError,
    RangeNotSatisfiableError,
)
from services.chat_file.files.http.multipart import MultipartUpload
from services.chat_file.files.http.schemas import (
    DeletedSchema,
    ListQuery,
    OwnFilesQuery,
    ThumbnailQuery,
    UploadForm,
)
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.context import provided
from services.chat_file.http.errors import STATUS_BY_CODE
from services.chat_file.http.limits import check_send_rate

MULTIPART_OVERHEAD = 64 * 1024  # headers, boundaries and small fields around the file
SEND_BUFFER = 256 * 1024
READ_ERRORS = ["INVALID_FILE_ID", "FILE_NOT_FOUND"]
UPLOAD_ERRORS = [
    "FILE_REQUIRED",
    "EMPTY_FILE",
    "MALFORMED_UPLOAD",
    "FILE_TOO_LARGE",
    "QUOTA_EXCEEDED",
    "UNSUPPORTED_FILE_TYPE",
    "CORRUPT_IMAGE",
    "IMAGE_TOO_LARGE",
    "CONVERSATION_NOT_FOUND",
    "BROADCAST_READ_ONLY",
    "RATE_LIMITED",
]

bp = protected_blueprint("files", __name__, url_prefix="/files")


def _files() -> FileService:
    return provided(FilesServices).files


def _user_id() -> str:
    return current_user().user_id


@bp.post("/upload")
@documented(
    "Upload one file (streamed; type from content; images get WebP thumbnails)",
    body=UploadForm,
    content_type="multipart/form-data",
    response=FileView,
    status=201,
    errors=UPLOAD_ERRORS,
    tags=["files"],
)
def upload() -> Any:
    check_send_rate()
    service = _files()
    body_limit = service.max_upload_bytes + MULTIPART_OVERHEAD  # replaces the JSON body limit
    if (request.content_length or 0) > body_limit:
        raise FileTooLargeError(limit=service.max_upload_bytes)
    request.max_content_length = body_limit
    form = MultipartUpload(request.stream, request.content_type).start()
    conversation_id = request.args.get("conversationId") or form.fields.get("conversationId")
    record = service.upload(
        _user_id(),
        form.filename,
        form.chunks(),
        conversation_id or None,
        late_conversation_id=lambda: form.fields.get("conversationId") or None,
    )
    return ok(FILE.dump_fast(record), 201, "Fichier envoyé")


@bp.get("")
@documented(
    "The caller's own files, newest first, paged with a cursor (the old clients' \"my files\")",
    query=OwnFilesQuery,
    response=FilePageView,
    errors=["VALIDATION_ERROR", "INVALID_CURSOR"],
    tags=["files"],
)
def list_own() -> Any:
    query = load(OwnFilesQuery(), request.args)
    return ok(FILE_PAGE.dump_fast(_files().list_own(_user_id(), query["limit"], query["cursor"])))


@bp.get("/conversation/<conversation_id>")
@documented(
    "Files of a conversation, newest first (participants only)",
    query=ListQuery,
    response=FileListView,
    errors=["VALIDATION_ERROR", "CONVERSATION_NOT_FOUND"],
    tags=["files"],
)
def list_for_conversation(conversation_id: str) -> Any:
    query = load(ListQuery(), request.args)
    records = _files().list_for_conversation(_user_id(), conversation_id, query["limit"])
    return ok(FILE_LIST.dump_fast(records))


@bp.get("/<file_id>")
@documented("File metadata", response=FileView, errors=READ_ERRORS, tags=["files"])
def metadata(file_id: str) -> Any:
    return ok(FILE.dump_fast(_files().get(_user_id(), file_id)))


@bp.get("/<file_id>/download")
@documented(
    "The file's bytes (binary, not JSON); `Range: bytes=a-b` gives 206 with Content-Range; "
    "with S3 presigned downloads on, a 302 to a short-lived object URL instead",
    errors=[*READ_ERRORS, "RANGE_NOT_SATISFIABLE"],
    tags=["files"],
    produces="application/octet-stream",
    extra={"x-partial-content": "206 with Content-Range for a satisfiable Range header"},
)
def download(file_id: str) -> Any:
    link = _files().download_link(_user_id(), file_id, _download_disposition)
    if link is not None:
        response = redirect(link, 302)
        response.headers["Cache-Control"] = "private, no-store"
        return response
    found = _files().open_download(_user_id(), file_id, request.headers.get("Range"))
    return _send(found, _disposition_kind(found.record))


def _disposition_kind(record: FileRecord) -> str:
    return "inline" if record.is_image else "attachment"


def _download_disposition(record: FileRecord) -> str:
    return content_disposition(_disposition_kind(record), record.original_name)


@bp.get("/<file_id>/thumbnail")
@documented(
    "Square WebP thumbnail of an image (small 150, medium 300, large 600 px; binary)",
    query=ThumbnailQuery,
    errors=[*READ_ERRORS, "INVALID_THUMBNAIL_SIZE", "THUMBNAIL_NOT_AVAILABLE"],
    tags=["files"],
    produces="image/webp",
)
def thumbnail(file_id: str) -> Response:
    size = load(ThumbnailQuery(), request.args)["size"]
    found = _files().open_thumbnail(_user_id(), file_id, size)
    response = _send(found, "inline")
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["ETag"] = f'"{found.record.sha256}-{size}"'
    return response


@bp.delete("/<file_id>")
@documented(
    "Delete a file, its bytes and thumbnails (uploader only)",
    response=DeletedSchema,
    errors=[*READ_ERRORS, "FILE_DELETE_FORBIDDEN"],
    tags=["files"],
)
def delete(file_id: str) -> Any:
    _files().delete(_user_id(), file_id)
    return ok({"id": file_id, "deleted": True}, message="Fichier supprimé")


@bp.errorhandler(RangeNotSatisfiableError)
def range_not_satisfiable(exc: RangeNotSatisfiableError) -> tuple[Response, int]:
    response = jsonify(error_body(exc.code, exc.template, params=exc.params))
    response.headers["Content-Range"] = f"bytes */{exc.details.get('total', '*')}"
    return response, STATUS_BY_CODE[exc.code]


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
