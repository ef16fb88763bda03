"""Activation codes: POST /activate (an agent's first login with their code), and for admins
POST /admin/directory/imports/<id>/activation-codes (an import's codes, CSV) and
POST /<id>/activation-code (one agent's code)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required
from marshmallow import EXCLUDE, Schema, fields, validate

from libs.servicekit.http import json_body, load
from libs.servicekit.openapi import documented

from ...domain.activation import IssuedCode
from ...domain.model import MAX_MATRICULE_LENGTH, MIN_PASSWORD_LENGTH
from .auth_routes import login_reply
from .context import client_ip, services
from .responses import IssuedCodeResponse, LoginResponse
from .schemas import password_field

bp = Blueprint("activation", __name__)

CSV_COLUMNS = ("matricule", "nom", "prenom", "ministere", "direction", "service", "code")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ADMIN_ERRORS = ["FORBIDDEN", "CSRF_FAILED", "TOKEN_REVOKED"]


class ActivateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    matricule = fields.String(
        required=True, validate=validate.Length(min=1, max=MAX_MATRICULE_LENGTH)
    )
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = password_field(MIN_PASSWORD_LENGTH)


@bp.post("/activate")
@documented(
    "An agent's first login: the one-time activation code an admin handed over sets their"
    " password; answers what POST /login answers (and sets the same cookies)",
    body=ActivateSchema,
    response=LoginResponse,
    errors=[
        "VALIDATION_ERROR",
        "INVALID_JSON",
        "INVALID_ACTIVATION_CODE",
        "ACTIVATION_CODE_EXPIRED",
        "ACCOUNT_DISABLED",
        "RATE_LIMITED",
        "MFA_REQUIRED",
    ],
    auth=False,
    tags=["auth"],
)
def activate() -> Response | tuple[Response, int]:
    body = load(ActivateSchema(), json_body())
    agent = request.headers.get("User-Agent", "")
    session = services().activation.activate(
        body["matricule"], body["code"], body["password"], client_ip(), agent
    )
    return login_reply(session)


@bp.post("/admin/directory/imports/<job_id>/activation-codes")
@documented(
    "New activation codes for the agents this import created who have not activated yet"
    " (admins): a CSV (UTF-8 with BOM, `;`) to hand out. Each export replaces the earlier codes"
    " of those agents; codes exist in clear only in this answer",
    response=None,
    produces="text/csv",
    errors=["IMPORT_NOT_FOUND", *ADMIN_ERRORS],
    tags=["directory"],
)
@jwt_required()
def export_codes(job_id: str) -> Response:
    actor = services().users.actor(get_jwt_identity())
    issued = services().activation.export(actor, job_id)
    response = Response(_csv(issued), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="activation-{job_id}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<ident>/activation-code")
@documented(
    "A new activation code for one agent (admins): a lost code or a forgotten password; their"
    " current password keeps working until the code is used",
    response=IssuedCodeResponse,
    errors=["USER_NOT_FOUND", "ACCOUNT_DISABLED", *ADMIN_ERRORS],
    tags=["directory"],
)
@jwt_required()
def issue_code(ident: str) -> Response:
    actor = services().users.actor(get_jwt_identity())
    target = services().users.get(ident)
    issued = services().activation.issue_for(actor, target)
    response = jsonify(
        matricule=issued.matricule, code=issued.code, expiresAt=issued.expires_at.isoformat()
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _csv(issued: list[IssuedCode]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([*CSV_COLUMNS, "expiresAt"])
    for code in issued:
        cells = [_inert(getattr(code, c)) for c in CSV_COLUMNS]
        writer.writerow([*cells, code.expires_at.isoformat()])
    return "\ufeff" + out.getvalue()  # the BOM: Excel reads the file as UTF-8


def _inert(cell: str) -> str:
    """Names come from the HR file: a cell a spreadsheet would run as a formula is quoted."""
    return "'" + cell if cell[:1] in FORMULA_STARTS else cell
