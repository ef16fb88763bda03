"""Uploaded directory files: CSV (comma or semicolon, UTF-8 or Windows-1252, a header line)
and JSONL (one JSON object per line) turned into source rows.

A source row is `(line, {column: value})`, or `(line, RowError)` for a line that cannot be read
at all. A file that is not text, or a CSV without a `matricule` column, is refused as a whole
(`UnreadableFileError`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .directory_records import MALFORMED_LINE, RowError
from .errors import UnreadableFileError

SourceRow = tuple[int, Mapping[str, Any] | RowError]


class FileFormat(StrEnum):
    CSV = "csv"
    JSONL = "jsonl"


def format_of(filename: str, declared: str | None = None) -> FileFormat:
    """The format the client declared, else the one the file name's extension says."""
    if declared:
        return FileFormat(declared)
    lowered = filename.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return FileFormat.JSONL
    if lowered.endswith((".csv", ".txt")):
        return FileFormat.CSV
    raise UnreadableFileError("Format inconnu : fichier .csv ou .jsonl attendu (ou format=)")


@dataclass(frozen=True)
class UploadedFile:
    """An uploaded directory file, as a source of rows (`application.DirectorySource`)."""

    name: str
    data: bytes = field(repr=False)
    fmt: FileFormat

    @classmethod
    def checked(cls, name: str, data: bytes, declared: str | None = None) -> UploadedFile:
        """The file, once its format, encoding and header are known good (else
        `UnreadableFileError`, before any job starts)."""
        upload = cls(name, data, format_of(name, declared))
        next(iter(upload.rows()), None)
        return upload

    @property
    def description(self) -> str:
        return f"fichier {self.name[:200]} ({self.fmt.value}, {len(self.data)} octets)"

    def rows(self) -> Iterator[SourceRow]:
        return file_rows(self.data, self.fmt)


def file_rows(data: bytes, fmt: FileFormat) -> Iterator[SourceRow]:
    text = _decoded(data)
    return _csv_rows(text) if fmt is FileFormat.CSV else _jsonl_rows(text)


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel exports are often Windows-1252
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise UnreadableFileError("Fichier illisible : texte UTF-8 ou Windows-1252 attendu")


def _csv_rows(text: str) -> Iterator[SourceRow]:
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader, [])]
    if "matricule" not in header:
        raise UnreadableFileError("En-tête CSV sans colonne matricule")
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield line, RowError(line, "", MALFORMED_LINE)
            continue
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) != len(header):
            yield line, RowError(line, "", MALFORMED_LINE)
            continue
        yield line, dict(zip(header, cells, strict=True))


def _jsonl_rows(text: str) -> Iterator[SourceRow]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if isinstance(value, dict):
            yield number, value
        else:
            yield number, RowError(number, "", MALFORMED_LINE)
