"""Second factor: the login step (POST /login/mfa/setup, POST /login/mfa), the user's own
TOTP (GET /me/mfa, POST /me/mfa/setup|confirm|recovery-codes|disable), an admin's reset
(DELETE /<id>/mfa)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required
from marshmallow import EXCLUDE, Schema, fields, validate

from libs.servicekit.http import json_body, load
from libs.servicekit.openapi import documented

from ...domain.mfa import Enrolment
from ...domain.model import User
from .auth_routes import login_reply
from .context import client_ip, services
from .responses import (
    EnrolmentResponse,
    LoginResponse,
    MessageResponse,
    MfaStatusResponse,
    RecoveryCodesResponse,
)

bp = Blueprint("mfa", __name__)

TOKEN_ERRORS = ["MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED", "TOKEN_REVOKED", "CSRF_FAILED"]
CODE_ERRORS = ["VALIDATION_ERROR", "INVALID_JSON", "INVALID_MFA_CODE", "RATE_LIMITED"]


class ChallengeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    mfaToken = fields.String(required=True, validate=validate.Length(min=1, max=100))


class ChallengeCodeSchema(ChallengeSchema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=20),
        metadata={"description": "6 digits from the app, or a recovery code"},
    )


class CodeSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    code = fields.String(required=True, validate=validate.Length(min=6, max=6))


@bp.post("/login/mfa/setup")
@documented(
    "Inside a login challenge (401 MFA_REQUIRED with mfaEnrolled false): the TOTP secret to"
    " add to an authenticator app; its first code then completes the login (POST /login/mfa)",
    body=ChallengeSchema,
    response=EnrolmentResponse,
    errors=["VALIDATION_ERROR", "INVALID_JSON", "MFA_CHALLENGE_EXPIRED", "MFA_ALREADY_ENABLED"],
    auth=False,
    tags=["auth"],
)
def login_setup() -> Response:
    token = load(ChallengeSchema(), json_body())["mfaToken"]
    return _enrolment(services().mfa.login_setup(token))


@bp.post("/login/mfa")
@documented(
    "Complete a login with its second factor: a TOTP code (or a recovery code); answers what"
    " POST /login answers, plus `recoveryCodes` (shown once) when it enrolled the user",
    body=ChallengeCodeSchema,
    response=LoginResponse,
    errors=[
        "VALIDATION_ERROR",
        "INVALID_JSON",
        "INVALID_MFA_CODE",
        "MFA_CHALLENGE_EXPIRED",
        "MFA_NOT_ENABLED",
    ],
    auth=False,
    tags=["auth"],
)
def login_code() -> Response | tuple[Response, int]:
    body = load(ChallengeCodeSchema(), json_body())
    agent = request.headers.get("User-Agent", "")
    session, recovery = services().mfa.complete_login(
        body["mfaToken"], body["code"], client_ip(), agent
    )
    return login_reply(session, **({"recoveryCodes": recovery} if recovery else {}))


@bp.get("/me/mfa")
@documented(
    "The caller's second factor: enabled, required by their role, recovery codes left",
    response=MfaStatusResponse,
    errors=TOKEN_ERRORS,
    tags=["account"],
)
@jwt_required()
def status() -> Response:
    state = services().mfa.status(_me())
    return jsonify(
        enabled=state.enabled, required=state.required, recoveryCodesLeft=state.recovery_codes_left
    )


@bp.post("/me/mfa/setup")
@documented(
    "Start enrolling: a new TOTP secret (and its otpauth:// URI for a QR code); confirm it with"
    " POST /me/mfa/confirm",
    response=EnrolmentResponse,
    errors=["MFA_ALREADY_ENABLED", *TOKEN_ERRORS],
    tags=["account"],
)
@jwt_required()
def setup() -> Response:
    return _enrolment(services().mfa.setup(_me()))


@bp.post("/me/mfa/confirm")
@documented(
    "Confirm the enrolment with the app's first code: MFA on, and the recovery codes (once)",
    body=CodeSchema,
    response=RecoveryCodesResponse,
    errors=[*CODE_ERRORS, "MFA_NOT_ENABLED", "MFA_ALREADY_ENABLED", *TOKEN_ERRORS],
    tags=["account"],
)
@jwt_required()
def confirm() -> Response:
    code = load(CodeSchema(), json_body())["code"]
    return jsonify(recoveryCodes=services().mfa.confirm(_me(), code, client_ip()))


@bp.post("/me/mfa/recovery-codes")
@documented(
    "New recovery codes (the old ones stop working), with a current TOTP code",
    body=CodeSchema,
    response=RecoveryCodesResponse,
    errors=[*CODE_ERRORS, "MFA_NOT_ENABLED", *TOKEN_ERRORS],
    tags=["account"],
)
@jwt_required()
def recovery_codes() -> Response:
    code = load(CodeSchema(), json_body())["code"]
    return jsonify(recoveryCodes=services().mfa.regenerate_recovery(_me(), code, client_ip()))


@bp.post("/me/mfa/disable")
@documented(
    "Turn the second factor off, with a current TOTP code (refused when the role requires it)",
    body=CodeSchema,
    response=MessageResponse,
    errors=[*CODE_ERRORS, "MFA_NOT_ENABLED", "MFA_MANDATORY", *TOKEN_ERRORS],
    tags=["account"],
)
@jwt_required()
def disable() -> Response:
    code = load(CodeSchema(), json_body())["code"]
    services().mfa.disable(_me(), code, client_ip())
    return jsonify(message="Double authentification désactivée")


@bp.delete("/<ident>/mfa")
@documented(
    "Remove a user's second factor (admins; a lost phone): they enrol again at their next"
    " login when their role requires it; their sessions end",
    response=MessageResponse,
    errors=["FORBIDDEN", "USER_NOT_FOUND", "MFA_NOT_ENABLED", *TOKEN_ERRORS],
    tags=["users"],
)
@jwt_required()
def reset(ident: str) -> Response:
    target = services().users.get(ident)
    services().mfa.reset(_me(), target)
    return jsonify(message="Double authentification réinitialisée")


def _me() -> User:
    return services().account.me(get_jwt_identity())


def _enrolment(enrolment: Enrolment) -> Response:
    response = jsonify(secret=enrolment.secret, otpauthUri=enrolment.uri)
    response.headers["Cache-Control"] = "no-store"
    return response
