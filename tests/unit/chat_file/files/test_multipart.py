"""MultipartUpload: the streaming reader of upload bodies."""

from __future__ import annotations

import io

import pytest
from werkzeug.exceptions import RequestEntityTooLarge

from services.chat_file.files.domain.model import (
    FileRequiredError,
    FileTooLargeError,
    MalformedUploadError,
)
from services.chat_file.files.http.multipart import MultipartUpload

CONTENT_TYPE = "multipart/form-data; boundary=xx"


def part(name: str, value: bytes, filename: str | None = None) -> bytes:
    extra = f'; filename="{filename}"' if filename is not None else ""
    head = f'--xx\r\nContent-Disposition: form-data; name="{name}"{extra}\r\n\r\n'
    return head.encode() + value + b"\r\n"


def body(*parts: bytes) -> io.BytesIO:
    return io.BytesIO(b"".join(parts) + b"--xx--\r\n")


def test_fields_before_the_file_and_the_file_in_small_chunks() -> None:
    content = bytes(range(256)) * 1000
    upload = MultipartUpload(
        body(part("conversationId", b"c" * 24), part("file", content, "r\u00e9sum\u00e9.pdf")),
        CONTENT_TYPE,
        chunk_size=4096,
    ).start()
    chunks = list(upload.chunks())
    assert (upload.fields, upload.filename) == ({"conversationId": "c" * 24}, "résumé.pdf")
    assert b"".join(chunks) == content
    assert max(len(c) for c in chunks) <= 4096


def test_fields_after_the_file_are_collected_once_its_bytes_are_read() -> None:
    upload = MultipartUpload(
        body(part("file", b"abc", "a.txt"), part("conversationId", b"c" * 24)), CONTENT_TYPE
    ).start()
    assert upload.fields == {}
    assert b"".join(upload.chunks()) == b"abc"
    assert upload.fields == {"conversationId": "c" * 24}


@pytest.mark.parametrize(
    "parts",
    [
        (part("file", b"abc", "a.txt"), part("file", b"def", "b.txt")),
        (
            part("conversationId", b"c" * 24),
            part("file", b"abc", "a"),
            part("conversationId", b"d"),
        ),
    ],
)
def test_a_second_file_or_a_field_given_twice_is_refused(parts: tuple[bytes, ...]) -> None:
    upload = MultipartUpload(body(*parts), CONTENT_TYPE).start()
    with pytest.raises(MalformedUploadError):
        list(upload.chunks())


def test_rfc5987_filename_is_decoded() -> None:
    head = (
        b'--xx\r\nContent-Disposition: form-data; name="file"; '
        b"filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\nbonjour\r\n--xx--\r\n"
    )
    upload = MultipartUpload(io.BytesIO(head), CONTENT_TYPE).start()
    assert upload.filename == "été.txt"
    assert b"".join(upload.chunks()) == b"bonjour"


def test_a_plain_field_named_file_is_not_a_file() -> None:
    with pytest.raises(FileRequiredError):
        MultipartUpload(body(part("file", b"abc")), CONTENT_TYPE).start()


def test_huge_field_is_refused() -> None:
    with pytest.raises(MalformedUploadError):
        MultipartUpload(
            body(part("note", b"x" * 5000), part("file", b"a", "a")), CONTENT_TYPE
        ).start()


class Broken(io.RawIOBase):
    def __init__(self, first: bytes, error: Exception) -> None:
        self.first, self.error = first, error

    def read(self, size: int = -1) -> bytes:
        if self.first:
            data, self.first = self.first, b""
            return data
        raise self.error


@pytest.mark.parametrize(
    ("error", "expected"),
    [(ConnectionResetError(), MalformedUploadError), (RequestEntityTooLarge(), FileTooLargeError)],
)
def test_stream_failures_become_coded_errors(error: Exception, expected: type[Exception]) -> None:
    upload = MultipartUpload(Broken(part("file", b"%PDF-1.4", "a.pdf"), error), CONTENT_TYPE)
    with pytest.raises(expected):
        list(upload.start().chunks())


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/json",
        "multipart/form-data",
        "multipart/form-data; boundary=\u00e9t\u00e9",
    ],
)
def test_non_multipart_bodies_are_refused(content_type: str | None) -> None:
    with pytest.raises(MalformedUploadError):
        MultipartUpload(io.BytesIO(b"{}"), content_type)
