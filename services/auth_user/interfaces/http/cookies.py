"""Session cookies: httpOnly tokens plus the readable double-submit CSRF cookies."""

from __future__ import annotations

from flask import Response
from flask_jwt_extended import get_csrf_token

from ...domain.model import TokenPair
from ...settings import Settings
from .jwt import ACCESS_COOKIE, REFRESH_COOKIE

ACCESS_CSRF_COOKIE = "csrf_access_token"
REFRESH_CSRF_COOKIE = "csrf_refresh_token"
# The refresh token only travels to the two routes that consume it.
REFRESH_PATHS = ("/refresh", "/logout")


def set_session_cookies(response: Response, tokens: TokenPair, settings: Settings) -> None:
    secure = settings.cookie_secure
    access_age, refresh_age = settings.access_token_ttl, settings.refresh_token_ttl
    response.set_cookie(
        ACCESS_COOKIE,
        tokens.access_token,
        max_age=access_age,
        httponly=True,
        secure=secure,
        samesite="Lax",
    )
    response.set_cookie(
        ACCESS_CSRF_COOKIE,
        get_csrf_token(tokens.access_token),
        max_age=access_age,
        secure=secure,
        samesite="Lax",
    )
    for path in REFRESH_PATHS:
        response.set_cookie(
            REFRESH_COOKIE,
            tokens.refresh_token,
            max_age=refresh_age,
            path=path,
            httponly=True,
            secure=secure,
            samesite="Strict",
        )
    response.set_cookie(
        REFRESH_CSRF_COOKIE,
        get_csrf_token(tokens.refresh_token),
        max_age=refresh_age,
        secure=secure,
        samesite="Strict",
    )


def clear_session_cookies(response: Response, settings: Settings) -> None:
    secure = settings.cookie_secure
    response.delete_cookie(ACCESS_COOKIE, httponly=True, secure=secure, samesite="Lax")
    response.delete_cookie(ACCESS_CSRF_COOKIE, secure=secure, samesite="Lax")
    for path in REFRESH_PATHS:
        response.delete_cookie(
            REFRESH_COOKIE, path=path, httponly=True, secure=secure, samesite="Strict"
        )
    response.delete_cookie(REFRESH_CSRF_COOKIE, secure=secure, samesite="Strict")
