"""`JwtVerifier`: local verification of auth_user's access tokens (no HTTP call per request).

HS256 only (so `alg: none` and asymmetric-algorithm confusion are refused), `exp` required,
`type` must be "access" (a refresh token is never an access token). The HTTP middleware and
the Socket.IO connect handler both call `verify(token)`.
"""

from __future__ import annotations

import jwt

from ..domain.errors import InvalidTokenError, TokenExpiredError
from ..domain.identity import Identity
from ..domain.model import USER_ID_RE

ALGORITHMS = ["HS256"]


class JwtVerifier:
    def __init__(self, secret: str, leeway: float = 0) -> None:
        if not secret:
            raise ValueError("a JWT secret is required")
        self._secret = secret
        self._leeway = leeway

    def verify(self, token: str) -> Identity:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=ALGORITHMS,
                options={"require": ["exp"]},
                leeway=self._leeway,
            )
        except jwt.ExpiredSignatureError:
            raise TokenExpiredError() from None
        except jwt.PyJWTError:
            raise InvalidTokenError() from None
        if claims.get("type") != "access":
            raise InvalidTokenError()
        user_id = str(claims.get("id") or claims.get("matricule") or "")
        if not USER_ID_RE.match(user_id):
            raise InvalidTokenError()
        matricule = claims.get("matricule")
        return Identity(user_id=user_id, matricule=str(matricule) if matricule else None)
