"""HTTP authentication: the access token from `Authorization: Bearer` or the `accessToken` cookie.

The token is verified locally by `JwtVerifier` (the Socket.IO connect handler uses the same
verifier). Errors: 401 MISSING_TOKEN / INVALID_TOKEN / TOKEN_EXPIRED.

CSRF decision: a cookie is sent by the browser on cross-site requests, a Bearer header is not.
So Bearer requests are exempt, and a cookie-authenticated POST/PUT/PATCH/DELETE must prove it
comes from one of our pages, either by
  - its `Origin` (or, when a browser omits it, the `Referer`'s origin) being this service's own
    origin or one listed in `ALLOWED_ORIGINS`; or
  - an `X-CSRF-TOKEN` header equal to the `csrf` claim of the verified access token (the
    value auth_user also hands out in the `csrf_access_token` cookie, which a page on another
    site cannot read; the cookie itself is never trusted: it can be planted).
Anything else is 403 CSRF_FAILED. Reads (GET/HEAD/OPTIONS) change nothing and are not checked.
"""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, g, request

from services.chat_file.http.context import Edge, provided
from services.chat_file.http.user_limits import action_of
from services.chat_file.kernel.errors import CsrfError, MissingTokenError
from services.chat_file.kernel.identity import Identity

ACCESS_COOKIE = "accessToken"
CSRF_HEADER = "X-CSRF-TOKEN"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def authenticate() -> None:
    """`before_request` of every protected blueprint: sets `g.identity` or raises."""
    if request.method == "OPTIONS":
        return
    token, from_cookie = _token()
    if not token:
        raise MissingTokenError()
    edge = provided(Edge)
    identity = edge.verifier.verify(token)
    if from_cookie and request.method in UNSAFE_METHODS:
        check_csrf(edge.allowed_origins, identity.csrf)
    g.identity = identity
    edge.limits.check(action_of(request.endpoint), identity.user_id)  # per user, shared


def protected_blueprint(name: str, import_name: str, **options: Any) -> Blueprint:
    """A blueprint whose every route needs an access token (`authenticate` runs first)."""
    bp = Blueprint(name, import_name, **options)
    bp.before_request(authenticate)
    return bp


def current_user() -> Identity:
    identity: Identity = g.identity
    return identity


def check_csrf(allowed_origins: tuple[str, ...], expected: str | None) -> None:
    """`X-CSRF-TOKEN` equal to the verified access token's `csrf` claim (as auth_user checks
    it), else an allowed `Origin`/`Referer`. Never the `csrf_access_token` cookie: a sibling
    subdomain or a plain-http page can plant a cookie, not a claim in a signed token."""
    header = request.headers.get(CSRF_HEADER, "")
    if header and expected and hmac.compare_digest(header.encode(), expected.encode()):
        return
    origin = request.headers.get("Origin") or _origin_of(request.headers.get("Referer", ""))
    own = request.host_url.rstrip("/")
    if origin and (origin == own or origin in allowed_origins):
        return
    raise CsrfError()


def _token() -> tuple[str, bool]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(ACCESS_COOKIE, "")
    return cookie, bool(cookie)


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
