"""Flask glue shared by both services: the JSON envelope, error mapping, body parsing."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, has_request_context, jsonify, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from .errors import CodedError
from .i18n import DEFAULT_LOCALE, N_, Catalogue, supported_locale

logger = logging.getLogger(__name__)

Reply = tuple[Response, int]  # what a JSON route returns: the body and the status

# Codes for werkzeug's own HTTP errors (routing, size limits, malformed bodies).
HTTP_CODES: Mapping[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", N_("Requête invalide")),
    401: ("UNAUTHORIZED", N_("Authentification requise")),
    403: ("FORBIDDEN", N_("Accès refusé")),
    404: ("NOT_FOUND", N_("Ressource introuvable")),
    405: ("METHOD_NOT_ALLOWED", N_("Méthode non autorisée")),
    413: ("PAYLOAD_TOO_LARGE", N_("Requête trop volumineuse")),
    415: ("UNSUPPORTED_MEDIA_TYPE", N_("Type de contenu non supporté")),
    429: ("RATE_LIMITED", N_("Trop de requêtes")),
}


class InvalidInputError(CodedError):
    code = "VALIDATION_ERROR"
    message = "Données invalides"


class InvalidJsonError(CodedError):
    code = "INVALID_JSON"
    message = "Le corps de la requête doit être un objet JSON valide"


LANGUAGES = "ngomna.languages"  # app.extensions key


@dataclass(frozen=True)
class Languages:
    """What the edge translates with: the service's catalogue, and the calling user's own
    `locale` (their profile's, read from the access token) when one is known."""

    catalogue: Catalogue
    user_locale: Callable[[], str | None]


def install_languages(
    app: Flask, catalogue: Catalogue, user_locale: Callable[[], str | None] = lambda: None
) -> None:
    app.extensions[LANGUAGES] = Languages(catalogue, user_locale)


def request_locale() -> str:
    """The request's language: `Accept-Language` when it names one we speak, else the user's
    profile `locale`, else French."""
    for language, _quality in request.accept_languages:
        if (locale := supported_locale(language)) is not None:
            return locale
    languages: Languages | None = current_app.extensions.get(LANGUAGES)
    chosen = supported_locale(languages.user_locale()) if languages is not None else None
    return chosen or DEFAULT_LOCALE


def localized(template: str, params: Mapping[str, Any] | None = None) -> str:
    """A catalogue text in the request's language (French outside a request, or in an app
    without `install_languages`)."""
    languages: Languages | None = (
        current_app.extensions.get(LANGUAGES) if has_request_context() else None
    )
    if languages is None:
        return template % dict(params) if params else template
    return languages.catalogue.text(template, request_locale(), params)


def ok(data: Any = None, status: int = 200, message: str | None = None) -> Reply:
    body: dict[str, Any] = {"success": True, "data": data}
    if message:
        body["message"] = localized(message)
    return jsonify(body), status


def error_body(
    code: str, message: str, *, params: Mapping[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    """The error envelope; `message` (a catalogue template) leaves in the request's language."""
    return {"success": False, "message": localized(message, params), "code": code, **extra}


def install_json_errors(app: Flask, status_by_code: Mapping[str, int]) -> None:
    """Every error leaves as `{success: false, message, code}`; unknown codes map to 400. The
    `message` is translated into the request's language (`install_languages`); codes never are.

    A NUL character in the path or the query string is refused up front (400 `VALIDATION_ERROR`):
    no identifier or search term contains one, and PostgreSQL text cannot store it."""

    @app.before_request
    def refuse_nul() -> None:
        if "\x00" in request.path or any("\x00" in v for v in request.args.values()):
            raise InvalidInputError(errors={"path": ["caractère NUL interdit"]})

    @app.errorhandler(CodedError)
    def coded(exc: CodedError) -> tuple[Response, int]:
        status = status_by_code.get(exc.code, 400)
        extra: dict[str, Any] = {}
        if "errors" in exc.details:
            extra["errors"] = exc.details["errors"]
        if "retry_after" in exc.details:  # also in the body, as socket acks carry it
            extra["retryAfter"] = exc.details["retry_after"]
        response = jsonify(error_body(exc.code, exc.template, params=exc.params, **extra))
        if "retry_after" in exc.details:
            response.headers["Retry-After"] = str(exc.details["retry_after"])
        return response, status

    @app.errorhandler(HTTPException)
    def http(exc: HTTPException) -> tuple[Response, int]:
        status = exc.code or 500
        code, message = HTTP_CODES.get(status, ("HTTP_ERROR", exc.name))
        return jsonify(error_body(code, message)), status

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> tuple[Response, int]:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify(error_body("INTERNAL_ERROR", "Erreur interne du serveur")), 500


def install_redis_errors(app: Flask, status_by_code: Mapping[str, int]) -> None:
    """A Redis call that is not degraded on purpose failing: a 503 `SERVICE_UNAVAILABLE` the
    client can retry, with nothing acknowledged, instead of a 500 `INTERNAL_ERROR`. (The
    database adapters raise the coded `StoreUnavailableError`, 503 `STORE_UNAVAILABLE`.)"""
    import redis

    @app.errorhandler(redis.RedisError)
    def store_down(exc: Exception) -> tuple[Response, int]:
        logger.error("store unavailable on %s %s: %s", request.method, request.path, exc)
        body = error_body("SERVICE_UNAVAILABLE", "Service temporairement indisponible")
        return jsonify(body), status_by_code["SERVICE_UNAVAILABLE"]


def json_body() -> dict[str, Any]:
    """The request's JSON object, or `InvalidJsonError` (malformed, not an object)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidJsonError()
    return data


def optional_body() -> dict[str, Any]:
    """The JSON object, or `{}` when the request has no body at all."""
    if not request.get_data(cache=True):
        return {}
    return json_body()


def load(schema: Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate with marshmallow; failures become `VALIDATION_ERROR` with per-field messages."""
    try:
        result: dict[str, Any] = schema.load(data)
    except ValidationError as exc:
        raise InvalidInputError(errors=exc.messages) from exc
    nul = next((field for field, value in result.items() if _has_nul(value)), None)
    if nul is not None:  # no text we store may hold one (PostgreSQL refuses it)
        raise InvalidInputError(errors={nul: ["caractère NUL interdit"]})
    return result


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return any(_has_nul(v) for v in value)
    return False
