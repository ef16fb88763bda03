"""Input schemas of the announcement routes (bad input: 400 VALIDATION_ERROR)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from ..domain.model import MAX_ADMINS, MAX_AUDIENCE_AGENTS, MAX_AUDIENCE_UNITS, MAX_CONTENT
from ..domain.units import MAX_UNIT_NAME

NAME = validate.Length(max=MAX_UNIT_NAME)
USER_ID = fields.String(validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$"))


class UnitSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    ministere = fields.String(required=True, validate=validate.Length(min=1, max=MAX_UNIT_NAME))
    direction = fields.String(load_default="", validate=NAME)
    service = fields.String(load_default="", validate=NAME)


class BroadcastSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    units = fields.List(
        fields.Nested(UnitSchema),
        load_default=list,
        validate=validate.Length(max=MAX_AUDIENCE_UNITS),
    )
    agents = fields.List(
        USER_ID, load_default=list, validate=validate.Length(max=MAX_AUDIENCE_AGENTS)
    )
    admins = fields.List(USER_ID, load_default=list, validate=validate.Length(max=MAX_ADMINS))


class SendSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    content = fields.String(required=True, validate=validate.Length(min=1, max=MAX_CONTENT))
    priority = fields.String(
        load_default="normal", validate=validate.OneOf(["normal", "important", "urgent"])
    )
    requestAck = fields.Boolean(load_default=False)


class ReceiptSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    state = fields.String(required=True, validate=validate.OneOf(["delivered", "read"]))


class MemberSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    userId = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,64}$"))
    ministere = fields.String(required=True, validate=validate.Length(min=1, max=MAX_UNIT_NAME))
    direction = fields.String(load_default="", validate=NAME)
    service = fields.String(load_default="", validate=NAME)


class MembersSchema(Schema):
    """Agents' current units, as the directory has them (a sync job sends its changes)."""

    class Meta:
        unknown = EXCLUDE

    members = fields.List(
        fields.Nested(MemberSchema), required=True, validate=validate.Length(min=1, max=1000)
    )
