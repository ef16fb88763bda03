"""User directory routes. Reads (by id, matricule, batch, the list) need a user's access token
or a signed service request (`callers.py`), are rate limited per caller, and show `email` and
`role` only to the user themself and admins; writes need a token and a role."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import get_jwt, get_jwt_identity, jwt_required

from libs.servicekit.http import json_body, load
from libs.servicekit.openapi import documented

from ...domain.model import BatchResult, User
from ...domain.org import OrgFilter
from .callers import caller_required, current_caller
from .context import services
from .responses import BatchResponse, DeletedResponse, UserPageResponse
from .schemas import (
    BatchQuerySchema,
    BatchSchema,
    CreateUserSchema,
    ListQuerySchema,
    UpdateUserSchema,
    UserSchema,
    dump_user,
    dump_user_for,
)

bp = Blueprint("users", __name__)


READ_ERRORS = [
    "MISSING_TOKEN",
    "INVALID_TOKEN",
    "TOKEN_EXPIRED",
    "TOKEN_REVOKED",
    "INVALID_SERVICE_SIGNATURE",
    "RATE_LIMITED",
]


@bp.get("/all")
@documented(
    "Users, paginated: `q` words start words of nom/prenom/matricule, `ministere`, `direction`,"
    " `service` pick a unit; accents and case aside (token or service signature)",
    query=ListQuerySchema,
    response=UserPageResponse,
    errors=["VALIDATION_ERROR", *READ_ERRORS],
    tags=["users"],
)
@caller_required
def list_users() -> Response:
    query = load(ListQuerySchema(), request.args.to_dict())
    org = OrgFilter(query["ministere"], query["direction"], query["service"])
    page = services().users.search(query["page"], query["limit"], query["q"], org)
    pagination = {"page": page.page, "limit": page.limit, "total": page.total, "pages": page.pages}
    return jsonify(users=_visible(page.users), pagination=pagination)


@bp.get("/batch")
@documented(
    "Users of up to 200 ids (?ids=a,b,c), one query (token or service signature)",
    query=BatchQuerySchema,
    response=BatchResponse,
    errors=["VALIDATION_ERROR", "TOO_MANY_IDS", *READ_ERRORS],
    tags=["users"],
)
@caller_required
def batch_by_query() -> Response:
    raw = load(BatchQuerySchema(), request.args.to_dict())["ids"]
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    return _batch(load(BatchSchema(), {"ids": ids})["ids"])


@bp.post("/batch")
@documented(
    "Users of up to 200 ids ({ids: [...]}), one query (token or service signature)",
    body=BatchSchema,
    response=BatchResponse,
    errors=["VALIDATION_ERROR", "INVALID_JSON", "TOO_MANY_IDS", "CSRF_FAILED", *READ_ERRORS],
    tags=["users"],
)
@caller_required
def batch_by_body() -> Response:
    body = load(BatchSchema(), json_body())
    return _batch(body["ids"], body["matricules"])


@bp.get("/matricule/<matricule>")
@documented(
    "One user by matricule (token or service signature)",
    response=UserSchema,
    errors=["USER_NOT_FOUND", *READ_ERRORS],
    tags=["users"],
)
@caller_required
def get_by_matricule(matricule: str) -> Response:
    return jsonify(_visible([services().users.get_by_matricule(matricule)])[0])


@bp.get("/<ident>")
@documented(
    "One user by id, or by matricule (token or service signature)",
    response=UserSchema,
    errors=["USER_NOT_FOUND", *READ_ERRORS],
    tags=["users"],
)
@caller_required
def get_user(ident: str) -> Response:
    return jsonify(_visible([services().users.get(ident)])[0])


@bp.post("/")
@documented(
    "Create a user (admin only)",
    body=CreateUserSchema,
    response=UserSchema,
    status=201,
    errors=[
        "VALIDATION_ERROR",
        "INVALID_AVATAR",
        "INVALID_JSON",
        "FORBIDDEN",
        "MATRICULE_TAKEN",
        "CSRF_FAILED",
    ],
    tags=["users"],
)
@jwt_required()
def create_user() -> tuple[Response, int]:
    fields = load(CreateUserSchema(), json_body())
    user = services().users.create(get_jwt_identity(), fields)
    return jsonify(dump_user(user)), 201


@bp.put("/<ident>")
@documented(
    "Update a profile (self or admin; role, password, nom and prenom admin-only; the picture "
    "an https URL or an uploaded file id); rewrites the cache",
    body=UpdateUserSchema,
    response=UserSchema,
    errors=[
        "VALIDATION_ERROR",
        "INVALID_AVATAR",
        "INVALID_JSON",
        "FORBIDDEN",
        "USER_NOT_FOUND",
        "CSRF_FAILED",
    ],
    tags=["users"],
)
@jwt_required()
def update_user(ident: str) -> Response:
    fields = load(UpdateUserSchema(), json_body())
    session = get_jwt().get("sid")
    user = services().users.update(get_jwt_identity(), ident, fields, session)
    return jsonify(dump_user(user))


@bp.post("/<ident>/deactivate")
@documented(
    "Deactivate an account (admin only): no more logins, every session ends within 1 s",
    response=UserSchema,
    errors=["FORBIDDEN", "USER_NOT_FOUND", "CSRF_FAILED"],
    tags=["users"],
)
@jwt_required()
def deactivate_user(ident: str) -> Response:
    return jsonify(dump_user(services().users.set_active(get_jwt_identity(), ident, False)))


@bp.post("/<ident>/reactivate")
@documented(
    "Reactivate an account (admin only): the user may log in again",
    response=UserSchema,
    errors=["FORBIDDEN", "USER_NOT_FOUND", "CSRF_FAILED"],
    tags=["users"],
)
@jwt_required()
def reactivate_user(ident: str) -> Response:
    return jsonify(dump_user(services().users.set_active(get_jwt_identity(), ident, True)))


@bp.delete("/<ident>")
@documented(
    "Delete a user (admin only); deletes the cache entry",
    response=DeletedResponse,
    errors=["FORBIDDEN", "USER_NOT_FOUND", "CSRF_FAILED"],
    tags=["users"],
)
@jwt_required()
def delete_user(ident: str) -> Response:
    user = services().users.delete(get_jwt_identity(), ident)
    return jsonify(message="Utilisateur supprimé", id=user.id)


def _batch(ids: list[str], matricules: list[str] | None = None) -> Response:
    result: BatchResult = services().users.batch(ids, matricules or [])
    return jsonify(users=_visible(result.users), count=len(result.users), missing=result.missing)


def _visible(users: list[User]) -> list[dict[str, Any]]:
    caller = current_caller()
    return [dump_user_for(u, caller.sees_private_fields_of(u.id)) for u in users]
