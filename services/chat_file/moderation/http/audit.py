"""The moderation audit trail, read by moderators, compliance officers and admins."""

from __future__ import annotations

from flask import request
from marshmallow import EXCLUDE, Schema, fields, validate

from libs.servicekit.http import Reply, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS
from services.chat_file.kernel.identity import COMPLIANCE
from services.chat_file.moderation.api.views import AUDIT_LIST, AuditListView
from services.chat_file.moderation.domain.retention import ComplianceRequiredError
from services.chat_file.moderation.http.context import moderation

bp = protected_blueprint("moderation_audit", __name__)


class AuditQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    targetId = fields.String(validate=validate.Length(min=1, max=64))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


@bp.get("/moderation/audit")
@documented(
    "The moderation audit trail, newest first (moderators, compliance officers, admins); "
    "targetId narrows it to one message, report, agent, conversation or hold",
    query=AuditQuery,
    response=AuditListView,
    errors=(*AUTH_ERRORS, "VALIDATION_ERROR", "COMPLIANCE_REQUIRED"),
    tags=["moderation"],
)
def audit_trail() -> Reply:
    user = current_user()
    if not (user.moderates or user.role == COMPLIANCE):
        raise ComplianceRequiredError()
    args = load(AuditQuery(), request.args.to_dict())
    entries = moderation().audit.recent(args.get("targetId"), args["limit"])
    return ok(AUDIT_LIST.dump_fast(entries))
