"""Self service: GET /me, PATCH /me (language), POST /me/password (with the current one)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from flask_jwt_extended import get_jwt, get_jwt_identity, jwt_required
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from libs.servicekit.http import json_body, load
from libs.servicekit.openapi import documented

from ...domain.model import LOCALES, MIN_PASSWORD_LENGTH
from .context import client_ip, services
from .responses import MessageResponse
from .schemas import UserSchema, dump_user, password_field

bp = Blueprint("account", __name__)

TOKEN_ERRORS = ["MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED", "TOKEN_REVOKED"]


class LocaleSchema(Schema):
    locale = fields.String(required=True, validate=validate.OneOf(LOCALES))


class PasswordChangeSchema(Schema):
    currentPassword = password_field(1)
    newPassword = password_field(MIN_PASSWORD_LENGTH)

    @validates_schema
    def differs(self, data: dict[str, str], **_: object) -> None:
        if data.get("currentPassword") == data.get("newPassword"):
            raise ValidationError("Identique au mot de passe actuel.", "newPassword")


@bp.get("/me")
@documented(
    "The caller's own account, private fields included",
    response=UserSchema,
    errors=TOKEN_ERRORS,
    tags=["account"],
)
@jwt_required()
def me() -> Response:
    return jsonify(dump_user(services().account.me(get_jwt_identity())))


@bp.patch("/me")
@documented(
    "Choose the caller's language: {locale: fr|en}",
    body=LocaleSchema,
    response=UserSchema,
    errors=["VALIDATION_ERROR", "INVALID_JSON", "CSRF_FAILED", *TOKEN_ERRORS],
    tags=["account"],
)
@jwt_required()
def set_locale() -> Response:
    locale = load(LocaleSchema(), json_body())["locale"]
    return jsonify(dump_user(services().account.set_locale(get_jwt_identity(), locale)))


@bp.post("/me/password")
@documented(
    "Change the caller's password with the current one; their other sessions end (tokens"
    " refused, sockets closed within 1 s), this one stays",
    body=PasswordChangeSchema,
    response=MessageResponse,
    errors=[
        "VALIDATION_ERROR",
        "INVALID_JSON",
        "INVALID_CURRENT_PASSWORD",
        "RATE_LIMITED",
        "CSRF_FAILED",
        *TOKEN_ERRORS,
    ],
    tags=["account"],
)
@jwt_required()
def change_password() -> Response:
    body = load(PasswordChangeSchema(), json_body())
    services().account.change_password(
        get_jwt_identity(),
        get_jwt().get("sid"),
        body["currentPassword"],
        body["newPassword"],
        client_ip(),
    )
    return jsonify(message="Mot de passe modifié ; vos autres sessions sont fermées")
