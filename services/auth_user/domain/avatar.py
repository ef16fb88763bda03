"""What a profile picture (`profile_pic`, alias `avatar`) may be (issue 23, row 15): an https
URL, or the id of a file uploaded to chat_file (24 hex digits). Anything a browser would run
or resolve somewhere unexpected is refused: `javascript:`, `data:`, `http:`, protocol-relative
`//host`, credentials in the URL, spaces and control characters."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .errors import InvalidAvatarError

FILE_ID = re.compile(r"^[0-9a-f]{24}$")
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\x9f\\<>\"'`]")


def checked_avatar(value: str | None) -> str | None:
    """The value to store (None or "" clears the picture); INVALID_AVATAR otherwise."""
    if value is None or value == "":
        return value
    if FILE_ID.match(value):
        return value
    if _UNSAFE.search(value):
        raise InvalidAvatarError()
    try:
        parts = urlsplit(value)
        port = parts.port  # a malformed port raises ValueError
    except ValueError:
        raise InvalidAvatarError() from None
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc or port == 0:
        raise InvalidAvatarError()
    return value
