"""GET /audit: the security events, newest first, for admins."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from flask_jwt_extended import get_jwt_identity, jwt_required
from marshmallow import EXCLUDE, Schema, fields, validate

from libs.servicekit.http import load
from libs.servicekit.openapi import documented

from ...domain.model import MAX_PAGE_SIZE, AuditEvent
from .context import services
from .responses import AuditPageResponse

bp = Blueprint("audit", __name__)


class AuditQuerySchema(Schema):
    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))
    kind = fields.String(load_default=None, validate=validate.Length(max=40))
    userId = fields.String(load_default=None, validate=validate.Length(max=24))


@bp.get("/audit")
@documented(
    "Security events (logins, logouts, revocations, account changes, refusals), newest first;"
    " admins only",
    query=AuditQuerySchema,
    response=AuditPageResponse,
    errors=["VALIDATION_ERROR", "MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_REVOKED", "FORBIDDEN"],
    tags=["auth"],
)
@jwt_required()
def audit_events() -> Response:
    query = load(AuditQuerySchema(), request.args.to_dict())
    actor = services().users.actor(get_jwt_identity())
    page, limit = query["page"], query["limit"]
    audit = services().auth.sessions.audit
    events, total = audit.page(actor, query["kind"], query["userId"], page, limit)
    pages = (total + limit - 1) // limit
    pagination = {"page": page, "limit": limit, "total": total, "pages": pages}
    return jsonify(events=[_dump(e) for e in events], pagination=pagination)


def _dump(event: AuditEvent) -> dict[str, object]:
    return {
        "kind": event.kind,
        "at": event.at.isoformat(),
        "userId": event.user_id,
        "actorId": event.actor_id,
        "ip": event.ip,
        "detail": event.detail,
    }
