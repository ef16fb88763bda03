"""Bad tokens every token check must refuse, built with PyJWT directly."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any

import jwt

from libs.servicekit.settings import DEV_JWT_SECRET


def claims(user_id: str, matricule: str, kind: str = "access", **extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {
        "id": user_id,
        "matricule": matricule,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": str(uuid.uuid4()),
        "type": kind,
        "fam": uuid.uuid4().hex,
        **extra,
    }


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["id"] = "f" * 24
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def invalid_tokens(valid_access: str, user_id: str, matricule: str) -> dict[str, str]:
    """name → token that must be refused with INVALID_TOKEN."""
    no_exp = claims(user_id, matricule)
    del no_exp["exp"]
    return {
        "garbage": "not.a.jwt",
        "alg_none": jwt.encode(claims(user_id, matricule), None, algorithm="none"),
        "wrong_secret": jwt.encode(claims(user_id, matricule), "w" * 40, algorithm="HS256"),
        "tampered_payload": _tampered(valid_access),
        "without_exp": jwt.encode(no_exp, DEV_JWT_SECRET, algorithm="HS256"),
        "refresh_as_access": jwt.encode(
            claims(user_id, matricule, "refresh"), DEV_JWT_SECRET, algorithm="HS256"
        ),
    }


def expired_token(user_id: str, matricule: str, kind: str = "access") -> str:
    past = int(time.time()) - 3600
    data = claims(user_id, matricule, kind, iat=past - 900, nbf=past - 900, exp=past)
    return jwt.encode(data, DEV_JWT_SECRET, algorithm="HS256")
