"""Session cookies: httpOnly tokens plus the readable double-submit CSRF cookies."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Response
from flask_jwt_extended import get_csrf_token

from ...domain.model import TokenPair
from ...settings import Settings
from .jwt import ACCESS_COOKIE, REFRESH_COOKIE

ACCESS_CSRF_COOKIE = "csrf_access_token"
REFRESH_CSRF_COOKIE = "csrf_refresh_token"
# The refresh token only travels to the two routes that consume it.
REFRESH_PATHS = ("/refresh", "/logout")


@dataclass(frozen=True)
class TokenCookies:
    """A token's httpOnly cookie (on `paths`) and its double-submit CSRF cookie."""

    token: str
    csrf: str
    same_site: str
    paths: tuple[str, ...] = ("/",)


ACCESS = TokenCookies(ACCESS_COOKIE, ACCESS_CSRF_COOKIE, "Lax")
REFRESH = TokenCookies(REFRESH_COOKIE, REFRESH_CSRF_COOKIE, "Strict", REFRESH_PATHS)


def set_session_cookies(response: Response, tokens: TokenPair, settings: Settings) -> None:
    secure = settings.cookie_secure
    _set_token(response, ACCESS, tokens.access_token, settings.access_token_ttl, secure)
    _set_token(response, REFRESH, tokens.refresh_token, settings.refresh_token_ttl, secure)


def clear_session_cookies(response: Response, settings: Settings) -> None:
    for cookies in (ACCESS, REFRESH):
        same_site = cookies.same_site
        for path in cookies.paths:
            response.delete_cookie(
                cookies.token,
                path=path,
                httponly=True,
                secure=settings.cookie_secure,
                samesite=same_site,
            )
        response.delete_cookie(cookies.csrf, secure=settings.cookie_secure, samesite=same_site)


def _set_token(
    response: Response, cookies: TokenCookies, token: str, max_age: int, secure: bool
) -> None:
    """The httpOnly token on each of its paths, then its readable CSRF twin (path /)."""
    for path in cookies.paths:
        response.set_cookie(
            cookies.token,
            token,
            max_age=max_age,
            path=path,
            httponly=True,
            secure=secure,
            samesite=cookies.same_site,
        )
    response.set_cookie(
        cookies.csrf,
        get_csrf_token(token),
        max_age=max_age,
        secure=secure,
        samesite=cookies.same_site,
    )
