"""Legal hold routes (compliance and admin roles): place a hold on an agent or a conversation,
list the active ones, release one. Audited; nothing else in the API says what is held."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from libs.servicekit.http import Reply, json_body, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.moderation.api.views import HOLD, HOLD_LIST, HoldListView, HoldView
from services.chat_file.moderation.domain.holds import MAX_REASON
from services.chat_file.moderation.http.context import moderation

bp = protected_blueprint("compliance_holds", __name__)
ROLE = ("COMPLIANCE_REQUIRED",)


class HoldSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    conversationId = fields.String(metadata={"description": "hold a conversation, or"})
    userId = fields.String(metadata={"description": "hold an agent's messages"})
    reason = fields.String(load_default="", validate=validate.Length(max=MAX_REASON))

    @validates_schema
    def _one_target(self, data: dict[str, object], **_: object) -> None:
        if ("conversationId" in data) == ("userId" in data):
            raise ValidationError("conversationId ou userId, un seul", "conversationId")


@bp.post("/compliance/holds")
@documented(
    "Place a legal hold on a conversation or an agent: retention skips their messages, and a "
    "held message deleted for everyone keeps its content and edit history in the hold store",
    body=HoldSchema,
    response=HoldView,
    status=201,
    errors=(*WRITE_ERRORS, *ROLE, "INVALID_ID", "CONVERSATION_NOT_FOUND"),
    tags=["compliance"],
)
def place() -> Reply:
    body = load(HoldSchema(), json_body())
    kind = "conversation" if "conversationId" in body else "user"
    target = body.get("conversationId") or body.get("userId") or ""
    hold = moderation().holds.place(current_user(), kind, target, body["reason"])
    return ok(HOLD.dump_fast(hold), 201)


@bp.get("/compliance/holds")
@documented(
    "The active legal holds",
    response=HoldListView,
    errors=(*AUTH_ERRORS, *ROLE),
    tags=["compliance"],
)
def active() -> Reply:
    return ok(HOLD_LIST.dump_fast(moderation().holds.active(current_user())))


@bp.delete("/compliance/holds/<hold_id>")
@documented(
    "Release a legal hold: the next retention run may purge what it kept",
    response=HoldView,
    errors=(*AUTH_ERRORS, "CSRF_FAILED", *ROLE, "INVALID_ID", "HOLD_NOT_FOUND", "HOLD_RELEASED"),
    tags=["compliance"],
)
def release(hold_id: str) -> Reply:
    return ok(HOLD.dump_fast(moderation().holds.release(current_user(), hold_id)))
