"""Sample file contents for the file tests (real magic bytes, made on the fly)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
TEXT = "Compte rendu de réunion\nDécisions: publier le budget.\n".encode()


def image(fmt: str = "PNG", size: tuple[int, int] = (640, 480), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 60) if mode == "RGB" else None).save(buffer, fmt)
    return buffer.getvalue()


def png(size: tuple[int, int] = (640, 480)) -> bytes:
    return image("PNG", size)


def jpeg(size: tuple[int, int] = (800, 600)) -> bytes:
    return image("JPEG", size)


def truncated_jpeg() -> bytes:
    data = jpeg((1200, 900))
    return data[: len(data) // 3]


def png_bomb(side: int = 100_000) -> bytes:
    """A valid PNG header claiming side x side pixels (10^10): refused before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def chunked(data: bytes, size: int = 64 * 1024) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]
