"""`FilesServices`: the files context's use cases, as a composition root wires them and its
routes read them."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_file.files.application.files import FileService


@dataclass(frozen=True)
class FilesServices:
    files: FileService
