"""FlaskJwtTokenCodec: tokens issued and verified by flask-jwt-extended (app context needed)."""

from __future__ import annotations

import time
import uuid
from hmac import compare_digest
from typing import Any

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import ExpiredSignatureError, PyJWTError

from libs.sessions import auth_ms_of

from ..domain.errors import CsrfError, InvalidTokenError, TokenExpiredError
from ..domain.model import TokenClaims, TokenPair, TokenType, User

KID_CONFIG = "NGOMNA_JWT_KID"  # the current key's id, set by interfaces/http/jwt.py


class FlaskJwtTokenCodec:
    """Claims: `{id, matricule, iat, nbf, exp, jti, type, csrf, auth_ms}` plus `sid` and `role`
    on access tokens and `fam` on refresh tokens (`sid` = `fam`: the session id). A role change
    revokes the user's sessions, so `role` never outlives it.

    Header `kid`: the current key's id (`libs.sessions.keys`). Lifetimes, keys and algorithm
    come from the app's `JWT_*` config
    (`interfaces/http/jwt.py`), so tokens checked by `@jwt_required` match these exactly.
    """

    def issue(self, user: User, family: str, auth_ms: int) -> TokenPair:
        claims = {"matricule": user.matricule, "auth_ms": auth_ms}
        jti = str(uuid.uuid4())  # ours, so the caller knows it without decoding the token
        lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"].total_seconds()
        headers = {"kid": current_app.config[KID_CONFIG]}
        return TokenPair(
            access_token=create_access_token(
                identity=user.id,
                additional_claims={
                    **claims,
                    "sid": family,
                    "role": user.role.value,
                    "locale": user.locale,
                },
                additional_headers=headers,
            ),
            refresh_token=create_refresh_token(
                identity=user.id,
                additional_claims={**claims, "fam": family, "jti": jti},
                additional_headers=headers,
            ),
            refresh_jti=jti,
            refresh_expires_at=int(time.time() + lifetime),
        )

    def decode(self, token: str, expected: TokenType, csrf: str | None = None) -> TokenClaims:
        data = _verified(token)
        if data.get("type") != expected.value:
            raise InvalidTokenError(_WRONG_TYPE[expected])
        if csrf is not None and not compare_digest(str(data.get("csrf", "")), csrf):
            raise CsrfError()
        family = data.get("fam" if expected is TokenType.REFRESH else "sid")
        if expected is TokenType.REFRESH and not isinstance(family, str):
            raise InvalidTokenError()
        return TokenClaims(
            user_id=data["id"],
            matricule=data["matricule"],
            jti=data["jti"],
            type=expected,
            exp=int(data["exp"]),
            family=family if isinstance(family, str) else None,
            auth_ms=auth_ms_of(data),
            role=str(data.get("role", "")),
        )


_WRONG_TYPE = {
    TokenType.ACCESS: "Un token d'accès est requis",
    TokenType.REFRESH: "Un token de rafraîchissement est requis",
}


def _verified(token: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = decode_token(token)
    except ExpiredSignatureError as exc:
        raise TokenExpiredError() from exc
    except (PyJWTError, JWTExtendedException, ValueError) as exc:
        raise InvalidTokenError() from exc
    if not isinstance(data.get("exp"), int):
        raise InvalidTokenError()
    for claim in ("id", "matricule", "jti"):
        if not isinstance(data.get(claim), str):
            raise InvalidTokenError()
    return data
