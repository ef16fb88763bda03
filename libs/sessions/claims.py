"""What both services read from a token's claims to judge it against the revocation watermarks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def auth_ms_of(claims: Mapping[str, Any]) -> int:
    """When the token's session logged in: `auth_ms`, else `iat` (tokens issued before it)."""
    value = claims.get("auth_ms")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    iat = claims.get("iat")
    return int(iat) * 1000 if isinstance(iat, int | float) else 0
