"""Access tokens with the claims auth_user issues (CONTRIBUTING.md), minted for tests and bench."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt


def mint(user_id: str, secret: str, *, kind: str = "access", ttl: int = 900, **claims: Any) -> str:
    """`{id, matricule, iat, nbf, exp, jti, type}` signed HS256; `claims` add or override."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "id": user_id,
        "matricule": f"MAT-{user_id[:6]}",
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "type": kind,
        **claims,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def bearer(user_id: str, secret: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint(user_id, secret, **claims)}"}
