"""What an upload may cost: the per-user limits, the meter that counts and hashes the bytes
as they stream past and stops at the first limit passed, and the head read for the type."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from services.chat_file.files.domain.model import HEAD_BYTES, FileTooLargeError, QuotaExceededError


@dataclass(frozen=True)
class UploadLimits:
    """Per user: bytes their stored files may add up to, and bytes uploaded per UTC day
    (deleted files included). 0: no limit."""

    quota_bytes: int = 0
    daily_bytes: int = 0


NO_LIMITS = UploadLimits()


class UploadMeter:
    """Counts and hashes bytes as they pass; raises as soon as a limit is passed: the file
    size limit (`FILE_TOO_LARGE`) or what is left of the user's allowance (`QUOTA_EXCEEDED`)."""

    def __init__(self, limit: int, allowance: int | None = None) -> None:
        self.limit = limit
        self.allowance = allowance
        self.size = 0
        self.sha256 = hashlib.sha256()

    def wrap(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            self.size += len(chunk)
            if self.size > self.limit:
                raise FileTooLargeError(limit=self.limit)
            if self.allowance is not None and self.size > self.allowance:
                raise QuotaExceededError(remaining=self.allowance)
            self.sha256.update(chunk)
            yield chunk


def read_head(chunks: Iterator[bytes]) -> tuple[bytes, list[bytes]]:
    taken: list[bytes] = []
    size = 0
    for chunk in chunks:
        if chunk:
            taken.append(chunk)
            size += len(chunk)
        if size >= HEAD_BYTES:
            break
    return b"".join(taken)[:HEAD_BYTES], taken


def utc_day(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d")
