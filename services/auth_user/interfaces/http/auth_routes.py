"""POST /login, /refresh, /logout, /validate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from libs.servicekit.http import error_body, json_body, load, localized
from libs.servicekit.i18n import N_
from libs.servicekit.openapi import documented

from ...domain.errors import MfaRequiredError, MissingTokenError
from ...domain.mfa import MfaPending
from ...domain.model import Session
from .context import bearer_token, client_ip, optional_json, services
from .cookies import clear_session_cookies, set_session_cookies
from .errors import STATUS_BY_CODE
from .jwt import CSRF_HEADER, REFRESH_COOKIE
from .responses import LoginResponse, LogoutResponse, TokensResponse, ValidateResponse
from .schemas import LoginSchema, RefreshSchema, ValidateSchema, dump_user

bp = Blueprint("auth", __name__)


@bp.post("/login")
@documented(
    "Log in with matricule and password; sets the session cookies. When a second factor is"
    " due: 401 MFA_REQUIRED with {mfaToken, mfaEnrolled, expiresIn} (then POST /login/mfa)",
    body=LoginSchema,
    response=LoginResponse,
    errors=[
        "VALIDATION_ERROR",
        "INVALID_JSON",
        "INVALID_CREDENTIALS",
        "RATE_LIMITED",
        "MFA_REQUIRED",
    ],
    auth=False,
    tags=["auth"],
)
def login() -> Response | tuple[Response, int]:
    data = load(LoginSchema(), json_body())
    agent = request.headers.get("User-Agent", "")
    entered = services().auth.login(data["matricule"], data["password"], client_ip(), agent)
    return login_reply(entered)


@bp.post("/refresh")
@documented(
    "Rotate a refresh token (body, or cookie + X-CSRF-TOKEN); reuse revokes the family",
    body=RefreshSchema,
    response=TokensResponse,
    errors=[
        "VALIDATION_ERROR",
        "MISSING_TOKEN",
        "INVALID_TOKEN",
        "TOKEN_EXPIRED",
        "CSRF_FAILED",
        "REFRESH_TOKEN_REUSED",
        "REFRESH_TOKEN_REVOKED",
    ],
    auth=False,
    tags=["auth"],
)
def refresh() -> Response:
    token, csrf = _presented_refresh_token()
    if token is None:
        raise MissingTokenError()
    session = services().auth.refresh(token, csrf)
    return _with_cookies(_tokens(session), session)


@bp.post("/logout")
@documented(
    "End the session of the refresh token (its access tokens refused and its sockets closed"
    " within 1 s) and clear the session cookies",
    body=RefreshSchema,
    response=LogoutResponse,
    errors=["VALIDATION_ERROR", "CSRF_FAILED"],
    auth=False,
    tags=["auth"],
)
def logout() -> Response:
    token, csrf = _presented_refresh_token()
    revoked = services().auth.logout(token, csrf)
    response = jsonify({"message": localized(N_("Déconnexion réussie")), "revoked": revoked})
    clear_session_cookies(response, services().settings)
    return response


@bp.post("/validate")
@documented(
    "Check an access token ({token} body or Bearer header)",
    body=ValidateSchema,
    response=ValidateResponse,
    errors=["VALIDATION_ERROR", "MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED", "TOKEN_REVOKED"],
    auth=False,
    tags=["auth"],
)
def validate() -> Response:
    data = load(ValidateSchema(), optional_json())
    token = data.get("token") or bearer_token()
    if token is None:
        raise MissingTokenError()
    claims = services().auth.validate(token)
    return jsonify(
        valid=True, id=claims.user_id, matricule=claims.matricule, role=claims.role, exp=claims.exp
    )


def _presented_refresh_token() -> tuple[str | None, str | None]:
    """From the body (no CSRF needed), else the cookie (X-CSRF-TOKEN must match)."""
    data = load(RefreshSchema(), optional_json())
    if data.get("refreshToken"):
        return data["refreshToken"], None
    cookie = request.cookies.get(REFRESH_COOKIE)
    if cookie:
        return cookie, request.headers.get(CSRF_HEADER, "")
    return None, None


def _tokens(session: Session) -> dict[str, Any]:
    return {
        "accessToken": session.tokens.access_token,
        "refreshToken": session.tokens.refresh_token,
    }


def login_reply(entered: Session | MfaPending, **extra: Any) -> Response | tuple[Response, int]:
    """What a login answers: the user and the tokens, and the session cookies; or, when a
    second factor is due, 401 MFA_REQUIRED with the challenge to present to /login/mfa."""
    if isinstance(entered, MfaPending):
        challenge = {
            "mfaToken": entered.token,
            "mfaEnrolled": entered.enrolled,
            "expiresIn": entered.expires_in,
        }
        body = {**error_body(MfaRequiredError.code, MfaRequiredError.message), **challenge}
        return jsonify(body), STATUS_BY_CODE[MfaRequiredError.code]
    body = {"user": dump_user(entered.user), **_tokens(entered), **extra}
    return _with_cookies(body, entered)


def _with_cookies(body: dict[str, Any], session: Session) -> Response:
    response = jsonify(body)
    set_session_cookies(response, session.tokens, services().settings)
    return response
