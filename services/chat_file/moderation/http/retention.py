"""Retention routes (compliance and admin roles): the policy, per-conversation overrides."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from libs.servicekit.http import Reply, json_body, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.moderation.api.views import (
    RETENTION,
    RETENTION_OVERRIDE,
    RetentionOverrideView,
    RetentionView,
)
from services.chat_file.moderation.http.context import moderation

bp = protected_blueprint("moderation_retention", __name__)
ROLE = ("COMPLIANCE_REQUIRED",)


class RetentionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    days = fields.Raw(required=True, metadata={"description": "0 (for ever) to 36500"})


@bp.get("/moderation/retention")
@documented(
    "The retention policy: RETENTION_DAYS and the per-conversation overrides",
    response=RetentionView,
    errors=(*AUTH_ERRORS, *ROLE),
    tags=["moderation"],
)
def policy() -> Reply:
    retention = moderation().retention
    overrides = retention.overrides(current_user())
    return ok(RETENTION.dump_fast((retention.global_days, overrides)))


@bp.put("/moderation/conversations/<conversation_id>/retention")
@documented(
    "Keep this conversation's messages `days` days (0: for ever), whatever RETENTION_DAYS says",
    body=RetentionSchema,
    response=RetentionOverrideView,
    errors=(*WRITE_ERRORS, *ROLE, "INVALID_ID", "CONVERSATION_NOT_FOUND", "INVALID_RETENTION"),
    tags=["moderation"],
)
def set_override(conversation_id: str) -> Reply:
    days = load(RetentionSchema(), json_body())["days"]
    override = moderation().retention.set_override(current_user(), conversation_id, days)
    return ok(RETENTION_OVERRIDE.dump_fast(override))


@bp.delete("/moderation/conversations/<conversation_id>/retention")
@documented(
    "Drop this conversation's override: RETENTION_DAYS applies again",
    response=RetentionView,
    errors=(*AUTH_ERRORS, "CSRF_FAILED", *ROLE, "INVALID_ID"),
    tags=["moderation"],
)
def remove_override(conversation_id: str) -> Reply:
    retention = moderation().retention
    user = current_user()
    retention.remove_override(user, conversation_id)
    return ok(RETENTION.dump_fast((retention.global_days, retention.overrides(user))))
