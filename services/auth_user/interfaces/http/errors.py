"""The one table mapping error codes to HTTP statuses (unknown codes are 400)."""

from __future__ import annotations

from flask import Flask, Response, jsonify

from libs.servicekit.http import error_body, install_redis_errors

STATUS_BY_CODE: dict[str, int] = {
    "VALIDATION_ERROR": 400,
    "INVALID_AVATAR": 400,
    "INVALID_JSON": 400,
    "TOO_MANY_IDS": 400,
    "FILE_REQUIRED": 400,
    "UNREADABLE_FILE": 400,
    "INVALID_CREDENTIALS": 401,
    "MISSING_TOKEN": 401,
    "INVALID_TOKEN": 401,
    "TOKEN_EXPIRED": 401,
    "TOKEN_REVOKED": 401,
    "INVALID_SERVICE_SIGNATURE": 401,
    "INVALID_ACTIVATION_CODE": 401,
    "ACTIVATION_CODE_EXPIRED": 401,
    "MFA_REQUIRED": 401,
    "INVALID_MFA_CODE": 401,
    "MFA_CHALLENGE_EXPIRED": 401,
    "CSRF_FAILED": 403,
    "REFRESH_TOKEN_REUSED": 401,
    "REFRESH_TOKEN_REVOKED": 401,
    "FORBIDDEN": 403,
    "ACCOUNT_DISABLED": 403,
    "INVALID_CURRENT_PASSWORD": 403,
    "MFA_MANDATORY": 403,
    "USER_NOT_FOUND": 404,
    "SESSION_NOT_FOUND": 404,
    "IMPORT_NOT_FOUND": 404,
    "MATRICULE_TAKEN": 409,
    "IMPORT_IN_PROGRESS": 409,
    "MFA_ALREADY_ENABLED": 409,
    "MFA_NOT_ENABLED": 409,
    "SOURCE_NOT_CONFIGURED": 409,
    "FILE_TOO_LARGE": 413,
    "RATE_LIMITED": 429,
    "NOT_READY": 503,
    "REVOCATION_STATE_STALE": 503,
    "SERVICE_UNAVAILABLE": 503,
    "STORE_UNAVAILABLE": 503,
}


def error_response(code: str, message: str) -> tuple[Response, int]:
    return jsonify(error_body(code, message)), STATUS_BY_CODE[code]


def install_store_errors(app: Flask) -> None:
    """Redis unreachable: a 503 the client can retry, never a 500."""
    install_redis_errors(app, STATUS_BY_CODE)
