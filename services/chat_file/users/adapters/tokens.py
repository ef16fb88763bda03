"""`JwtVerifier`: local verification of auth_user's access tokens (no HTTP call per request).

One algorithm only, the configured one: HS256 with the current and previous secrets (the
default), or EdDSA/ES256 with auth_user's public keys (`infrastructure/jwks.py`); any other
`alg` (`none`, HS256 in asymmetric mode and the reverse) is refused. The key is chosen by the
header's `kid`, `exp` is required,
`type` must be "access" (a refresh token is never an access token). Then the revocation mirror
(`libs.sessions`, in memory: no Redis call) says whether the token's session or user was
revoked. The HTTP middleware and the Socket.IO handlers all call `verify(token)`.

A token already verified is remembered (bounded, by its exact text) until it expires: a client
sends the same token on every request for up to 15 minutes, and checking the signature and
claims again cost more than the rest of the middleware. The revocation check is never cached.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

import jwt

from libs.servicekit.i18n import supported_locale
from libs.sessions import KeyRing, RevocationMirror, Verdict, auth_ms_of
from libs.sessions.asymmetric import ASYMMETRIC, HS256
from services.chat_file.kernel.errors import (
    InvalidTokenError,
    RevocationStateStaleError,
    TokenExpiredError,
    TokenRevokedError,
)
from services.chat_file.kernel.identity import Identity, role_of
from services.chat_file.kernel.ids import USER_ID_RE

VERIFIED_TOKENS = 4096  # how many verified tokens one process remembers


class VerificationKeys(Protocol):
    """Keys of one asymmetric algorithm by `kid` (`JwksKeys`); None for an unknown id."""

    @property
    def algorithm(self) -> str: ...

    def key_for(self, kid: object) -> Any | None: ...


class JwtVerifier:
    """`secret`: the HS256 secret, or a `KeyRing` (the current secret and the previous ones
    still accepted, picked by `kid`), or asymmetric `VerificationKeys`."""

    def __init__(
        self,
        secret: str | KeyRing | VerificationKeys,
        leeway: float = 0,
        mirror: RevocationMirror | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._algorithms, self._key_for = _key_source(secret)
        self._leeway = leeway
        self.mirror = mirror if mirror is not None else RevocationMirror()
        self._clock = clock
        self._verified: dict[str, Identity] = {}
        self._remembering = threading.Lock()

    def verify(self, token: str) -> Identity:
        identity = self._verified.get(token)
        if identity is None:
            identity = self._identity(self._claims(token))
            self._remember(token, identity)
        elif identity.expires_at <= self._clock() - self._leeway:  # PyJWT's rule for `exp`
            self._verified.pop(token, None)
            raise TokenExpiredError()
        verdict = self.mirror.check(identity.user_id, identity.session_id, identity.auth_ms)
        if verdict is Verdict.REVOKED:
            raise TokenRevokedError()
        if verdict is Verdict.STALE:
            raise RevocationStateStaleError()
        return identity

    def _remember(self, token: str, identity: Identity) -> None:
        with self._remembering:
            verified = self._verified
            while len(verified) >= VERIFIED_TOKENS:  # oldest first (dicts keep insertion order)
                verified.pop(next(iter(verified)), None)
            verified[token] = identity

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") not in self._algorithms:  # before any key lookup or fetch
                raise InvalidTokenError()
            key = self._key_for(header.get("kid"))
            if key is None:  # a key we never had, or one dropped from the ring
                raise InvalidTokenError()
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=self._algorithms,
                options={"require": ["exp"]},
                leeway=self._leeway,
            )
        except jwt.ExpiredSignatureError:
            raise TokenExpiredError() from None
        except jwt.PyJWTError:
            raise InvalidTokenError() from None
        if claims.get("type") != "access":
            raise InvalidTokenError()
        return claims

    def _identity(self, claims: dict[str, Any]) -> Identity:
        user_id = str(claims.get("id") or claims.get("matricule") or "")
        if not USER_ID_RE.match(user_id):
            raise InvalidTokenError()
        matricule = claims.get("matricule")
        sid = claims.get("sid")
        csrf = claims.get("csrf")
        return Identity(
            user_id=user_id,
            matricule=str(matricule) if matricule else None,
            session_id=sid if isinstance(sid, str) and sid else None,
            auth_ms=auth_ms_of(claims),
            expires_at=int(claims["exp"]),
            role=role_of(claims.get("role")),
            locale=supported_locale(claims.get("locale")),
            csrf=csrf if isinstance(csrf, str) and csrf else None,
        )


def _key_source(
    keys: str | KeyRing | VerificationKeys,
) -> tuple[list[str], Callable[[object], Any | None]]:
    if isinstance(keys, str):
        keys = KeyRing(keys)
    if isinstance(keys, KeyRing):
        if not keys.current:
            raise ValueError("a JWT secret is required")
        return [HS256], keys.secret_for
    if keys.algorithm not in ASYMMETRIC:
        raise ValueError(f"{keys.algorithm} is not an asymmetric algorithm")
    return [keys.algorithm], keys.key_for
