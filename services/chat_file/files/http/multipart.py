"""Streaming multipart/form-data reader for uploads: never holds the file, never spools it.

werkzeug's form parser would write big files to temporary files before the view runs; this
reads the WSGI input in chunks with werkzeug's sans-IO `MultipartDecoder` and hands the `file`
part's bytes to the caller as they arrive. Small fields before the file (`conversationId`) are
collected, and so are those after it once the file's bytes have been read (the old console
puts `conversationId` last); a second file, or a field given twice, is refused.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import IO

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Event, Field, File, MultipartDecoder, NeedData

from services.chat_file.files.domain.model import (
    FileRequiredError,
    FileTooLargeError,
    MalformedUploadError,
)

FILE_FIELD = "file"
MAX_FIELD_BYTES = 1024
MAX_PARTS = 16


class MultipartUpload:
    def __init__(
        self, stream: IO[bytes], content_type: str | None, chunk_size: int = 64 * 1024
    ) -> None:
        mimetype, options = parse_options_header(content_type)
        boundary = options.get("boundary", "")
        if mimetype != "multipart/form-data" or not boundary.isascii() or not boundary:
            raise MalformedUploadError(
                "Le corps doit être multipart/form-data avec un champ 'file'"
            )
        self._stream = stream
        self._chunk_size = chunk_size
        self._decoder = MultipartDecoder(
            boundary.encode("ascii"), max_form_memory_size=4 * chunk_size, max_parts=MAX_PARTS
        )
        self._events = self._decode()
        self.fields: dict[str, str] = {}
        self.filename: str | None = None

    def start(self) -> MultipartUpload:
        """Read up to the start of the `file` part, collecting the fields before it."""
        for event in self._events:
            if isinstance(event, File) and event.name == FILE_FIELD:
                self.filename = event.filename
                return self
            if isinstance(event, Field | File):
                self._read_field(event)
        raise FileRequiredError()

    def chunks(self) -> Iterator[bytes]:
        """The file's bytes as they arrive, then the rest of the body is checked and dropped."""
        for event in self._events:
            if not isinstance(event, Data):
                raise MalformedUploadError()
            if event.data:
                yield event.data
            if not event.more_data:
                break
        for event in self._events:
            if isinstance(event, File):
                raise MalformedUploadError("Un seul fichier par envoi")
            if isinstance(event, Field):
                if event.name in self.fields:
                    raise MalformedUploadError(
                        "Champ %(field)r en double", params={"field": event.name}
                    )
                self._read_field(event)

    def _read_field(self, part: Field | File) -> None:
        value = bytearray()
        for event in self._events:
            if not isinstance(event, Data):
                raise MalformedUploadError()
            value += event.data
            if len(value) > MAX_FIELD_BYTES:
                raise MalformedUploadError("Champ %(field)r trop long", params={"field": part.name})
            if not event.more_data:
                break
        self.fields[part.name] = value.decode("utf-8", errors="replace")

    def _read(self) -> bytes:
        time.sleep(0)  # under gevent/eventlet: let other greenlets run between chunks
        try:
            return self._stream.read(self._chunk_size)
        except RequestEntityTooLarge:  # the body passed the request's max_content_length
            raise FileTooLargeError() from None
        except (OSError, HTTPException) as exc:  # client gone, bad chunked encoding
            raise MalformedUploadError("Corps de la requête interrompu") from exc

    def _decode(self) -> Iterator[Event]:
        try:
            while True:
                chunk = self._read()
                self._decoder.receive_data(chunk or None)
                event = self._decoder.next_event()
                while not isinstance(event, NeedData):
                    if isinstance(event, Epilogue):
                        return
                    yield event
                    event = self._decoder.next_event()
                if not chunk:
                    raise MalformedUploadError("Corps multipart incomplet")
        except (ValueError, RequestEntityTooLarge) as exc:
            raise MalformedUploadError() from exc
