"""A user's change log, as plain data: entries numbered per user (`seq`, 1, 2, 3... with no gap
but the compacted front), the sync token that names a position in it, and the rules of a
sync (which token is expired, what a page holds)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from services.chat_file.kernel.errors import ChatError

TOKEN_RE = re.compile(r"^[0-9]{1,18}$")  # ASCII digits only (str.isdigit takes "²")
LIMIT_RE = re.compile(r"^[0-9]{1,9}$")
DEFAULT_LIMIT = 100


class InvalidSyncTokenError(ChatError):
    code = "INVALID_SYNC_TOKEN"
    message = "Jeton de synchronisation invalide"


class InvalidSyncLimitError(ChatError):
    code = "INVALID_PAGINATION"
    message = "limit doit être un entier entre 1 et le maximum permis"


class SyncTokenExpiredError(ChatError):
    code = "SYNC_TOKEN_EXPIRED"
    message = "Jeton de synchronisation expiré : rechargez les conversations"


@dataclass(frozen=True)
class Change:
    """One entry of a user's log: what happened (the event and its wire payload), numbered."""

    seq: int
    event: str
    data: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class LogSlice:
    """What a store reads for one sync: the user's last allocated number (`head`, 0 when the
    user never had a change), the first number still kept (None when nothing is kept) and
    the entries after the asked position, in order."""

    head: int
    oldest: int | None
    changes: list[Change] = field(default_factory=list)


def parse_token(token: Any) -> int | None:
    """The position a token names; None when absent (the client starts here)."""
    if token is None or token == "":
        return None
    text = str(token)
    if not TOKEN_RE.match(text):
        raise InvalidSyncTokenError()
    return int(text)


def token_of(seq: int) -> str:
    return str(seq)


def check_position(since: int, found: LogSlice) -> None:
    """A token past the head (a restored database) or before what the log still keeps (the
    window has compacted the entries after it) cannot be synced exactly: the client reloads."""
    if since > found.head:
        raise SyncTokenExpiredError()
    if since == found.head:
        return
    first_kept = found.oldest if found.oldest is not None else found.head + 1
    if since + 1 < first_kept:
        raise SyncTokenExpiredError()


def parse_limit(value: Any, maximum: int) -> int:
    """`limit` of a sync: absent → min(100, maximum); else an integer in 1..maximum."""
    if value is None or value == "":
        return min(DEFAULT_LIMIT, maximum)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidSyncLimitError()
    text = str(value).strip()
    if not LIMIT_RE.match(text) or not 1 <= int(text) <= maximum:
        raise InvalidSyncLimitError()
    return int(text)


def check_window(since: int, found: LogSlice, oldest_allowed: datetime) -> None:
    """The first entry the client needs is older than the window: the log no longer promises
    it (compaction may already have removed its neighbours), so the client reloads."""
    if found.changes and found.changes[0].seq == since + 1 and found.changes[0].at < oldest_allowed:
        raise SyncTokenExpiredError()
