"""User directory routes. Reads by id/matricule/batch are open (server-to-server from
chat_file, never any secret); listing needs a token; writes need a token and a role."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import get_jwt, get_jwt_identity, jwt_required

from libs.servicekit.http import json_body, load
from libs.servicekit.openapi import documented

from ...domain.model import BatchResult
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
    dump_users,
)

bp = Blueprint("users", __name__)


@bp.get("/all")
@documented(
    "Users, paginated, searched on nom/prenom/matricule",
    query=ListQuerySchema,
    response=UserPageResponse,
    errors=["VALIDATION_ERROR"],
    tags=["users"],
)
@jwt_required()
def list_users() -> Response:
    query = load(ListQuerySchema(), request.args.to_dict())
    page = services().users.search(query["page"], query["limit"], query["q"])
    pagination = {"page": page.page, "limit": page.limit, "total": page.total, "pages": page.pages}
    return jsonify(users=dump_users(page.users), pagination=pagination)


@bp.get("/batch")
@documented(
    "Users of up to 200 ids (?ids=a,b,c), one query; no token needed",
    query=BatchQuerySchema,
    response=BatchResponse,
    errors=["VALIDATION_ERROR", "TOO_MANY_IDS"],
    auth=False,
    tags=["users"],
)
def batch_by_query() -> Response:
    raw = load(BatchQuerySchema(), request.args.to_dict())["ids"]
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    return _batch(load(BatchSchema(), {"ids": ids})["ids"])


@bp.post("/batch")
@documented(
    "Users of up to 200 ids ({ids: [...]}), one query; no token needed",
    body=BatchSchema,
    response=BatchResponse,
    errors=["VALIDATION_ERROR", "INVALID_JSON", "TOO_MANY_IDS"],
    auth=False,
    tags=["users"],
)
def batch_by_body() -> Response:
    return _batch(load(BatchSchema(), json_body())["ids"])


@bp.get("/matricule/<matricule>")
@documented(
    "One user by matricule; no token needed",
    response=UserSchema,
    errors=["USER_NOT_FOUND"],
    auth=False,
    tags=["users"],
)
def get_by_matricule(matricule: str) -> Response:
    return jsonify(dump_user(services().users.get_by_matricule(matricule)))


@bp.get("/<ident>")
@documented(
    "One user by id, or by matricule; no token needed (server-to-server)",
    response=UserSchema,
    errors=["USER_NOT_FOUND"],
    auth=False,
    tags=["users"],
)
def get_user(ident: str) -> Response:
    return jsonify(dump_user(services().users.get(ident)))


@bp.post("/")
@documented(
    "Create a user (admin only)",
    body=CreateUserSchema,
    response=UserSchema,
    status=201,
    errors=["VALIDATION_ERROR", "INVALID_JSON", "FORBIDDEN", "MATRICULE_TAKEN", "CSRF_FAILED"],
    tags=["users"],
)
@jwt_required()
def create_user() -> tuple[Response, int]:
    fields = load(CreateUserSchema(), json_body())
    user = services().users.create(get_jwt_identity(), fields)
    return jsonify(dump_user(user)), 201


@bp.put("/<ident>")
@documented(
    "Update a profile (self or admin; role and password admin-only); rewrites the cache",
    body=UpdateUserSchema,
    response=UserSchema,
    errors=[
        "VALIDATION_ERROR",
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


def _batch(ids: list[str]) -> Response:
    result: BatchResult = services().users.batch(ids)
    return jsonify(users=dump_users(result.users), count=len(result.users), missing=result.missing)
