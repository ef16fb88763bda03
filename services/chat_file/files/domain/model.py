"""Files: what a stored file is, which contents are accepted, names, byte ranges and errors.

Plain Python. The content type is decided from the first bytes (magic numbers, `filetype`),
never from the client's name or Content-Type header.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import filetype

from services.chat_file.kernel.errors import ChatError
from services.chat_file.kernel.ids import is_object_id

HEAD_BYTES = 8192  # bytes inspected to decide the type (filetype reads at most this many)
MAX_NAME_CHARS = 180
THUMBNAIL_SIZES: dict[str, int] = {"small": 150, "medium": 300, "large": 600}


class FileKind(StrEnum):
    IMAGE = "image"
    DOCUMENT = "document"
    AUDIO = "audio"
    VIDEO = "video"
    TEXT = "text"


_OFFICE = "application/vnd.openxmlformats-officedocument"
_OPENDOC = "application/vnd.oasis.opendocument"
ALLOWED_TYPES: dict[str, FileKind] = {
    # images: only what the thumbnailer can decode (no SVG: it is a script carrier)
    "image/jpeg": FileKind.IMAGE,
    "image/png": FileKind.IMAGE,
    "image/gif": FileKind.IMAGE,
    "image/webp": FileKind.IMAGE,
    "image/bmp": FileKind.IMAGE,
    "application/pdf": FileKind.DOCUMENT,
    "application/msword": FileKind.DOCUMENT,
    "application/vnd.ms-excel": FileKind.DOCUMENT,
    "application/vnd.ms-powerpoint": FileKind.DOCUMENT,
    f"{_OFFICE}.wordprocessingml.document": FileKind.DOCUMENT,
    f"{_OFFICE}.spreadsheetml.sheet": FileKind.DOCUMENT,
    f"{_OFFICE}.presentationml.presentation": FileKind.DOCUMENT,
    f"{_OPENDOC}.text": FileKind.DOCUMENT,
    f"{_OPENDOC}.spreadsheet": FileKind.DOCUMENT,
    f"{_OPENDOC}.presentation": FileKind.DOCUMENT,
    "audio/mpeg": FileKind.AUDIO,
    "audio/mp4": FileKind.AUDIO,
    "audio/m4a": FileKind.AUDIO,
    "audio/aac": FileKind.AUDIO,
    "audio/ogg": FileKind.AUDIO,
    "audio/x-flac": FileKind.AUDIO,
    "audio/x-wav": FileKind.AUDIO,
    "audio/amr": FileKind.AUDIO,
    "video/mp4": FileKind.VIDEO,
    "video/x-m4v": FileKind.VIDEO,
    "video/quicktime": FileKind.VIDEO,
    "video/webm": FileKind.VIDEO,
    "video/x-matroska": FileKind.VIDEO,
    "video/3gpp": FileKind.VIDEO,
    "text/plain": FileKind.TEXT,
}
# Text is refused under a binary format's extension ("photo.jpg" that is a script) and under
# the extensions of formats a browser would render or run.
_NOT_TEXT_EXTENSIONS = frozenset(
    {"jpg", "jpeg", "png", "gif", "webp", "bmp", "heic", "pdf", "doc", "docx", "xls", "xlsx"}
    | {"ppt", "pptx", "odt", "ods", "odp", "mp3", "m4a", "aac", "ogg", "flac", "wav", "amr"}
    | {"mp4", "m4v", "mov", "webm", "mkv", "3gp", "exe", "dll", "so", "bin"}
    | {"svg", "svgz", "htm", "html", "xhtml", "xml", "js", "mjs", "hta", "swf"}
)
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BYTE_RANGE = re.compile(r"^\s*bytes\s*=\s*([0-9]*)\s*-\s*([0-9]*)\s*$", re.IGNORECASE)
KEY_RE = re.compile(r"^[0-9a-f]{24}(?:-[a-z]+\.webp)?$")  # a storage key: generated, never typed
_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f/\\:*?\"<>|]")


class FileError(ChatError):
    code = "FILE_ERROR"
    message = "Erreur de fichier"


class FileRequiredError(FileError):
    code = "FILE_REQUIRED"
    message = "Aucun fichier reçu (champ multipart 'file' requis)"


class EmptyFileError(FileError):
    code = "EMPTY_FILE"
    message = "Le fichier est vide"


class MalformedUploadError(FileError):
    code = "MALFORMED_UPLOAD"
    message = "Requête multipart invalide"


class FileTooLargeError(FileError):
    code = "FILE_TOO_LARGE"
    message = "Fichier trop volumineux"


class QuotaExceededError(FileError):
    code = "QUOTA_EXCEEDED"
    message = "Quota de fichiers dépassé"


class UnsupportedFileTypeError(FileError):
    code = "UNSUPPORTED_FILE_TYPE"
    message = "Type de fichier non autorisé"


class CorruptImageError(FileError):
    code = "CORRUPT_IMAGE"
    message = "Image illisible ou corrompue"


class ImageTooLargeError(FileError):
    code = "IMAGE_TOO_LARGE"
    message = "Dimensions de l'image trop grandes"


class InvalidFileIdError(FileError):
    code = "INVALID_FILE_ID"
    message = "Identifiant de fichier invalide"


class StoredFileNotFoundError(FileError):
    code = "FILE_NOT_FOUND"
    message = "Fichier introuvable"


class FileDeleteForbiddenError(FileError):
    code = "FILE_DELETE_FORBIDDEN"
    message = "Seul l'auteur du fichier peut le supprimer"


class ThumbnailUnavailableError(FileError):
    code = "THUMBNAIL_NOT_AVAILABLE"
    message = "Pas de miniature pour ce fichier"


class InvalidThumbnailSizeError(FileError):
    code = "INVALID_THUMBNAIL_SIZE"
    message = "Taille de miniature invalide (small, medium ou large)"


class RangeNotSatisfiableError(FileError):
    code = "RANGE_NOT_SATISFIABLE"
    message = "Plage d'octets hors du fichier"


class UploadConversationNotFoundError(FileError):
    code = "CONVERSATION_NOT_FOUND"
    message = "Conversation introuvable"


class UploadReadOnlyError(FileError):
    """A broadcast's recipients read it: they upload nothing into it (the same code as
    posting there)."""

    code = "BROADCAST_READ_ONLY"
    message = "Seuls les administrateurs peuvent publier dans cette diffusion"


@dataclass(frozen=True)
class MediaType:
    mime: str
    kind: FileKind


@dataclass(frozen=True)
class FileRecord:
    id: str
    owner_id: str
    original_name: str
    mime_type: str
    kind: FileKind
    size: int
    sha256: str
    created_at: datetime
    conversation_ids: tuple[str, ...] = ()
    thumbnails: tuple[str, ...] = ()  # sizes generated: subset of THUMBNAIL_SIZES
    width: int | None = None
    height: int | None = None

    @property
    def conversation_id(self) -> str | None:
        return self.conversation_ids[0] if self.conversation_ids else None

    @property
    def is_image(self) -> bool:
        return self.kind is FileKind.IMAGE


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.end}/{self.total}"


def new_file_id() -> str:
    return secrets.token_hex(12)


def check_file_id(file_id: str) -> str:
    if not is_object_id(file_id):
        raise InvalidFileIdError()
    return file_id


def checked_key(key: str) -> str:
    """The key check every storage adapter applies (directory, GridFS, S3): `<id>` or
    `<id>-<size>.webp`, never anything a user typed."""
    if not KEY_RE.match(key):
        raise ValueError(f"invalid storage key {key!r}")
    return key


def content_key(file_id: str) -> str:
    return file_id


def thumbnail_key(file_id: str, size: str) -> str:
    return f"{file_id}-{size}.webp"


def sanitize_filename(raw: str | None, fallback: str = "fichier") -> str:
    """A display name safe for headers and disks: base name only, no controls or separators."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _NAME_FORBIDDEN.sub("_", name).strip().strip(".").strip()
    if not name or set(name) <= {"_", " "}:
        name = fallback
    if len(name) > MAX_NAME_CHARS:
        _, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = name[: MAX_NAME_CHARS - len(keep) - 1].rstrip() + ("." + keep if keep else "")
    return name


def extension(name: str) -> str:
    _, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def detect_media_type(head: bytes, name: str) -> MediaType:
    """The type of a file from its first bytes; anything off the allow-list is refused."""
    if not head:
        raise EmptyFileError()
    match = filetype.guess(head[:HEAD_BYTES])
    if match is not None:
        kind = ALLOWED_TYPES.get(match.mime)
        if kind is None:
            raise UnsupportedFileTypeError(detected=match.mime)
        return MediaType(match.mime, kind)
    if _looks_like_text(head[:HEAD_BYTES]) and extension(name) not in _NOT_TEXT_EXTENSIONS:
        return MediaType("text/plain", FileKind.TEXT)
    raise UnsupportedFileTypeError()


def _looks_like_text(head: bytes) -> bool:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # only a multibyte char cut at the end is allowed
            return False
        text = head[: exc.start].decode("utf-8")
    return not _TEXT_CONTROL.search(text)


RANGE_DIGITS = 18  # a byte position of more digits is past any file (int() of 5000 is refused)


def parse_byte_range(header: str | None, total: int) -> ByteRange | None:
    """One `bytes=` range resolved against `total`; None means "send it all" (RFC 9110 14.2).

    Unknown units, several ranges and malformed specs are ignored like an absent header."""
    match = _BYTE_RANGE.match(header or "")
    if match is None:
        return None
    first, last = match.groups()
    if len(first) > RANGE_DIGITS:  # starts past the end of any file
        raise RangeNotSatisfiableError(total=total)
    if len(last) > RANGE_DIGITS:  # ends past it: to the end, or (a suffix) the whole file
        last = "" if first else str(total)
    if not first:  # suffix: the last N bytes
        if not last:
            return None  # "bytes=-"
        if int(last) == 0 or total == 0:
            raise RangeNotSatisfiableError(total=total)
        return ByteRange(max(total - int(last), 0), total - 1, total)
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= total:
        raise RangeNotSatisfiableError(total=total)
    return ByteRange(start, min(int(last), total - 1) if last else total - 1, total)
