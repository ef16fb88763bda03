"""Query parameters of list routes: parsed from raw strings into checked values."""

from __future__ import annotations

import math

from services.chat_file.conversations.domain.errors import (
    InvalidCursorError,
    InvalidPaginationError,
)
from services.chat_file.kernel.ids import is_object_id

MAX_LIMIT = 100
MAX_DIGITS = 12  # longer numbers are out of every range (and int() of 5000 digits is refused)
LIMIT_RANGE = "limit doit être un entier entre 1 et %(max)s"


def integer(raw: object) -> int | None:
    """A whole number from a query string or a JSON value, else None: no bool, no NaN or
    infinity (`int(inf)` raises OverflowError), no fraction, no string of endless digits."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if math.isfinite(raw) and raw.is_integer() else None
    if isinstance(raw, str) and len(raw.strip()) <= MAX_DIGITS:
        try:
            return int(raw)
        except ValueError:
            return None
    return None


def parse_limit(raw: object, default: int, maximum: int = MAX_LIMIT) -> int:
    if raw is None or raw == "":
        return default
    value = integer(raw)
    if value is None or not 1 <= value <= maximum:
        raise InvalidPaginationError(LIMIT_RANGE, params={"max": maximum})
    return value


def parse_page(raw: object) -> int:
    if raw is None or raw == "":
        return 1
    value = integer(raw)
    if value is None or not 1 <= value <= 100_000:
        raise InvalidPaginationError("page doit être un entier positif")
    return value


def parse_offset(raw: str | int | None) -> int:
    if raw is None or raw == "":
        return 0
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise InvalidPaginationError("offset doit être un entier positif ou nul") from None
    if not 0 <= value <= 1_000_000:
        raise InvalidPaginationError("offset doit être un entier positif ou nul")
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
