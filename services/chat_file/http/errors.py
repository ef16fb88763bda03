"""The one table: error code → HTTP status (given to `install_json_errors`)."""

from __future__ import annotations

import logging

import redis
from flask import Flask, Response, jsonify, request

from libs.servicekit.http import error_body

logger = logging.getLogger(__name__)

# what every protected route may answer (the documented errors of a read, of a write)
AUTH_ERRORS = ("MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED")
WRITE_ERRORS = (*AUTH_ERRORS, "CSRF_FAILED", "INVALID_JSON", "VALIDATION_ERROR")

STATUS_BY_CODE: dict[str, int] = {
    "MISSING_TOKEN": 401,
    "INVALID_TOKEN": 401,
    "TOKEN_EXPIRED": 401,
    "TOKEN_REVOKED": 401,
    "CSRF_FAILED": 403,
    "INVALID_JSON": 400,
    "VALIDATION_ERROR": 400,
    "INVALID_ID": 400,
    "INVALID_CURSOR": 400,
    "INVALID_PAGINATION": 400,
    "EMPTY_CONTENT": 400,
    "CONTENT_TOO_LONG": 400,
    "INVALID_MESSAGE_TYPE": 400,
    "INVALID_CONVERSATION_TYPE": 400,
    "INVALID_STATUS": 400,
    "INVALID_EMOJI": 400,
    "INVALID_NAME": 400,
    "TOO_MANY_MEMBERS": 400,
    "INVALID_QUERY": 400,
    "MEMBERS_REQUIRED": 400,
    "SELF_CONVERSATION": 400,
    "NOT_A_GROUP": 400,
    "NOT_PARTICIPANT": 400,
    "NOT_CONVERSATION_ADMIN": 403,
    "BROADCAST_READ_ONLY": 403,
    "NOT_MESSAGE_AUTHOR": 403,
    "CONVERSATION_NOT_FOUND": 404,
    "MESSAGE_NOT_FOUND": 404,
    "USER_NOT_FOUND": 404,
    "LAST_ADMIN": 409,
    "ALREADY_PARTICIPANT": 409,
    "MESSAGE_DELETED": 409,
    "TOO_MANY_REACTIONS": 409,
    # files (services/chat_file/files/domain/model.py); an unreadable file looks absent: 404
    "FILE_REQUIRED": 400,
    "EMPTY_FILE": 400,
    "MALFORMED_UPLOAD": 400,
    "INVALID_FILE_ID": 400,
    "INVALID_THUMBNAIL_SIZE": 400,
    "FILE_DELETE_FORBIDDEN": 403,
    "FILE_NOT_FOUND": 404,
    "THUMBNAIL_NOT_AVAILABLE": 404,
    "FILE_TOO_LARGE": 413,
    "QUOTA_EXCEEDED": 413,
    "UNSUPPORTED_FILE_TYPE": 415,
    "RANGE_NOT_SATISFIABLE": 416,
    "RATE_LIMITED": 429,
    "CORRUPT_IMAGE": 422,
    "IMAGE_TOO_LARGE": 422,
    # push devices (services/chat_file/push/domain/devices.py)
    "INVALID_DEVICE": 400,
    "PUSH_ENDPOINT_REFUSED": 400,
    "DEVICE_NOT_FOUND": 404,
    "INVALID_NOTIFICATION_SETTINGS": 400,
    # moderation (services/chat_file/moderation/domain/)
    "MODERATOR_REQUIRED": 403,
    "BLOCKED": 403,
    "SUSPENDED": 403,
    "COMPLIANCE_REQUIRED": 403,
    "INVALID_RETENTION": 400,
    "HOLD_NOT_FOUND": 404,
    "HOLD_RELEASED": 409,
    "SELF_BLOCK": 400,
    "TOO_MANY_BLOCKS": 409,
    "REPORT_NOT_FOUND": 404,
    "ALREADY_REPORTED": 409,
    "REPORT_CLOSED": 409,
    # sync (services/chat_file/sync/domain/changes.py): an expired token means "reload"
    "INVALID_SYNC_TOKEN": 400,
    "SYNC_TOKEN_EXPIRED": 410,
    # announcements (services/chat_file/announcements/domain/errors.py)
    "INVALID_AUDIENCE": 400,
    "INVALID_ANNOUNCEMENT": 400,
    "BROADCAST_NOT_FOUND": 404,
    "ANNOUNCEMENT_NOT_FOUND": 404,
    "ACK_NOT_REQUESTED": 409,
    "SERVICE_UNAVAILABLE": 503,
    "REVOCATION_STATE_STALE": 503,
    "STORE_UNAVAILABLE": 503,
}


def install_store_errors(app: Flask) -> None:
    """A Redis call that is not degraded on purpose failing: a 503 the client can retry, with
    nothing acknowledged, instead of a 500 INTERNAL_ERROR. (The database adapters raise
    `StoreUnavailableError`, a coded 503 `STORE_UNAVAILABLE`, themselves.)"""

    @app.errorhandler(redis.RedisError)
    def store_down(exc: Exception) -> tuple[Response, int]:
        logger.error("store unavailable on %s %s: %s", request.method, request.path, exc)
        body = error_body("SERVICE_UNAVAILABLE", "Service temporairement indisponible")
        return jsonify(body), STATUS_BY_CODE["SERVICE_UNAVAILABLE"]
