"""User directory routes. Reads by id/matricule/batch are open (server-to-server from
chat_file, never any secret); listing needs a token; writes need a token and a role."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required

from libs.servicekit.http import InvalidInputError, json_body, load

from ...domain.model import BatchResult
from .context import services
from .schemas import (
    BatchSchema,
    CreateUserSchema,
    ListQuerySchema,
    UpdateUserSchema,
    dump_user,
    dump_users,
)

bp = Blueprint("users", __name__)


@bp.get("/all")
@jwt_required()
def list_users() -> Response:
    query = load(ListQuerySchema(), request.args.to_dict())
    page = services().users.search(query["page"], query["limit"], query["q"])
    pagination = {"page": page.page, "limit": page.limit, "total": page.total, "pages": page.pages}
    return jsonify(users=dump_users(page.users), pagination=pagination)


@bp.get("/batch")
def batch_by_query() -> Response:
    raw = request.args.get("ids")
    if raw is None:
        raise InvalidInputError(errors={"ids": ["Paramètre requis."]})
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    return _batch(load(BatchSchema(), {"ids": ids})["ids"])


@bp.post("/batch")
def batch_by_body() -> Response:
    return _batch(load(BatchSchema(), json_body())["ids"])


@bp.get("/matricule/<matricule>")
def get_by_matricule(matricule: str) -> Response:
    return jsonify(dump_user(services().users.get_by_matricule(matricule)))


@bp.get("/<ident>")
def get_user(ident: str) -> Response:
    return jsonify(dump_user(services().users.get(ident)))


@bp.post("/")
@jwt_required()
def create_user() -> tuple[Response, int]:
    fields = load(CreateUserSchema(), json_body())
    user = services().users.create(get_jwt_identity(), fields)
    return jsonify(dump_user(user)), 201


@bp.put("/<ident>")
@jwt_required()
def update_user(ident: str) -> Response:
    fields = load(UpdateUserSchema(), json_body())
    return jsonify(dump_user(services().users.update(get_jwt_identity(), ident, fields)))


@bp.delete("/<ident>")
@jwt_required()
def delete_user(ident: str) -> Response:
    user = services().users.delete(get_jwt_identity(), ident)
    return jsonify(message="Utilisateur supprimé", id=user.id)


def _batch(ids: list[str]) -> Response:
    result: BatchResult = services().users.batch(ids)
    return jsonify(users=dump_users(result.users), count=len(result.users), missing=result.missing)
