"""Domain rules for files: names, content types, byte ranges, ids."""

from __future__ import annotations

import pytest

from services.chat_file.files.domain.model import (
    MAX_NAME_CHARS,
    FileKind,
    RangeNotSatisfiableError,
    UnsupportedFileTypeError,
    detect_media_type,
    new_file_id,
    parse_byte_range,
    sanitize_filename,
)

from . import samples


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("rapport\x00\x1b[31m.pdf", "rapport__[31m.pdf"),
        ("Réunion \u2013 été 2026 📎.pdf", "Réunion \u2013 été 2026 📎.pdf"),
        ("e\u0301te\u0301.txt", "été.txt"),
        ('a"b<c>|d?.txt', "a_b_c__d_.txt"),
        ("..", "fichier"),
        ("", "fichier"),
        (None, "fichier"),
        ("  .hidden  ", "hidden"),
    ],
)
def test_sanitize_filename(raw: str | None, clean: str) -> None:
    assert sanitize_filename(raw) == clean


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = sanitize_filename("x" * 500 + ".docx")
    assert len(name) <= MAX_NAME_CHARS and name.endswith(".docx")


@pytest.mark.parametrize(
    ("content", "mime", "kind"),
    [
        (samples.png(), "image/png", FileKind.IMAGE),
        (samples.jpeg(), "image/jpeg", FileKind.IMAGE),
        (samples.PDF, "application/pdf", FileKind.DOCUMENT),
        (
            samples.docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileKind.DOCUMENT,
        ),
        (samples.TEXT, "text/plain", FileKind.TEXT),
        (b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 100, "audio/mpeg", FileKind.AUDIO),
        (
            b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64,
            "video/mp4",
            FileKind.VIDEO,
        ),
    ],
)
def test_detect_media_type_from_content(content: bytes, mime: str, kind: FileKind) -> None:
    detected = detect_media_type(content[:8192], "whatever.bin.txt")
    assert (detected.mime, detected.kind) == (mime, kind)


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (samples.ELF, "photo.jpg"),
        (b"PK\x03\x04" + b"\x00" * 100, "archive.zip"),
        (b"#!/bin/sh\necho hi\n", "photo.jpg"),
        (b"\xff\xfeh\x00i\x00", "utf16.txt"),
        (b"<html><script>alert(1)</script></html>", "page.html"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "i.svg"),
    ],
)
def test_detect_media_type_refuses(content: bytes, name: str) -> None:
    with pytest.raises(UnsupportedFileTypeError):
        detect_media_type(content, name)


def test_text_cut_inside_a_multibyte_character_is_still_text() -> None:
    head = ("é" * 5000).encode()[:8191]
    assert detect_media_type(head, "t.txt").kind is FileKind.TEXT


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-9", (0, 9, 10)),
        ("bytes=90-", (90, 99, 10)),
        ("bytes=-5", (95, 99, 5)),
        ("bytes=-500", (0, 99, 100)),
        ("bytes=50-5000", (50, 99, 50)),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=abc", None),
        ("bytes=9-3", None),
        ("bytes=abc-5", None),
        ("bytes=\u00b2-", None),
        ("bytes=-", None),
        ("bytes=1-2-3", None),
        (" Bytes = 10 - 19 ", (10, 19, 10)),
    ],
)
def test_parse_byte_range(header: str | None, expected: tuple[int, int, int] | None) -> None:
    result = parse_byte_range(header, 100)
    if expected is None:
        assert result is None
    else:
        assert result is not None
        assert (result.start, result.end, result.length) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=150-200", "bytes=-0"])
def test_parse_byte_range_beyond_the_end(header: str) -> None:
    with pytest.raises(RangeNotSatisfiableError):
        parse_byte_range(header, 100)


def test_new_file_ids_look_like_object_ids() -> None:
    ids = {new_file_id() for _ in range(100)}
    assert len(ids) == 100 and all(len(i) == 24 for i in ids)
