"""Request bodies (marshmallow 4). Unknown fields are ignored (never a `senderId` from a body)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE


class SendMessageSchema(_Body):
    conversationId = fields.String(load_default=None, allow_none=True)
    receiverId = fields.String(load_default=None, allow_none=True)
    content = fields.String(load_default=None, allow_none=True)
    type = fields.String(load_default="TEXT")
    fileId = fields.String(load_default=None, allow_none=True)
    replyTo = fields.String(load_default=None, allow_none=True)
    temporaryId = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(min=1, max=100)
    )
    mentions = fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={"description": "user ids mentioned (participants only; @matricule also works)"},
    )


class CreateConversationSchema(_Body):
    type = fields.String(load_default="PRIVATE")
    participantId = fields.String(load_default=None, allow_none=True)
    name = fields.String(load_default=None, allow_none=True)
    members = fields.List(fields.String(), load_default=list)
    recipients = fields.List(fields.String(), load_default=list)
    admins = fields.List(fields.String(), load_default=list)


class ParticipantsSchema(_Body):
    userIds = fields.List(fields.String(), load_default=list)
    members = fields.List(fields.String(), load_default=list)
    role = fields.String(load_default="member", validate=validate.OneOf(["member", "admin"]))


class EditSchema(_Body):
    content = fields.String(required=True)


class StatusSchema(_Body):
    status = fields.String(required=True)


class ReactionSchema(_Body):
    emoji = fields.String(required=True)


class ReadSchema(_Body):
    messageId = fields.String(load_default=None, allow_none=True)
