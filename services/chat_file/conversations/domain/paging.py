"""Query parameters of list routes: parsed from raw strings into checked values."""

from __future__ import annotations

from services.chat_file.conversations.domain.errors import (
    InvalidCursorError,
    InvalidPaginationError,
)
from services.chat_file.kernel.ids import is_object_id

MAX_LIMIT = 100
LIMIT_RANGE = "limit doit être un entier entre 1 et %(max)s"


def parse_limit(raw: str | int | None, default: int, maximum: int = MAX_LIMIT) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidPaginationError(LIMIT_RANGE, params={"max": maximum}) from None
    if not 1 <= value <= maximum:
        raise InvalidPaginationError(LIMIT_RANGE, params={"max": maximum})
    return value


def parse_page(raw: str | int | None) -> int:
    if raw is None or raw == "":
        return 1
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidPaginationError("page doit être un entier positif") from None
    if not 1 <= value <= 100_000:
        raise InvalidPaginationError("page doit être un entier positif")
    return value


def parse_direction(raw: str | None) -> bool:
    """True for `newer`, False for `older` (the default)."""
    value = (raw or "older").lower()
    if value not in {"older", "newer"}:
        raise InvalidPaginationError("direction doit valoir older ou newer")
    return value == "newer"


def parse_cursor(raw: str | None) -> str | None:
    """A cursor is the id of the last message seen; anything else is refused."""
    if raw is None or raw == "":
        return None
    if not is_object_id(raw):
        raise InvalidCursorError()
    return raw
