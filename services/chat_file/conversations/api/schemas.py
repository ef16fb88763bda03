"""The input of every write, one schema each, read the same way by HTTP and Socket.IO
(marshmallow 4). Unknown fields are ignored (never a `senderId` from a body). The old clients'
names are accepted on both transports: `newContent` for `content`, `deleteType` (and its
`forMe` / `forEveryone` values) for `scope`, `recipients` for `members`, `participantId` (one
id or a list) for `userIds`."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate

# Legacy clients say forMe/forEveryone; the service speaks me/everyone.
DELETE_SCOPES = {"me": "me", "forme": "me", "for_me": "me", "everyone": "everyone"}
DELETE_SCOPES |= {"foreveryone": "everyone", "for_everyone": "everyone", "all": "everyone"}


class _Body(Schema):
    class Meta:
        unknown = EXCLUDE


def _mentions() -> fields.List:
    """The optional structured mentions of a send or an edit (one field instance per schema)."""
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=64)),
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={"description": "user ids mentioned (participants only; @matricule also works)"},
    )


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
    mentions = _mentions()


class OneOrMany(fields.Field):
    """One id or a non-empty list of ids (old clients send either); always a list."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        ids = value if isinstance(value, list) else [value]
        if not ids or not all(isinstance(i, str) for i in ids):
            raise ValidationError("Un identifiant ou une liste d'identifiants est attendu")
        return ids


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
    participantId = OneOrMany(
        load_default=list, metadata={"description": "one id or a list: the old clients' userIds"}
    )
    role = fields.String(load_default="member", validate=validate.OneOf(["member", "admin"]))


class EditSchema(_Body):
    content = fields.String(required=True)
    mentions = _mentions()

    @pre_load
    def _new_content(self, data: Any, **_: Any) -> Any:
        """`newContent` (old clients) wins over `content`, as it always did on the socket."""
        if isinstance(data, dict) and data.get("newContent") is not None:
            return {**data, "content": data["newContent"]}
        return data


class DeleteSchema(_Body):
    scope = fields.Raw(load_default=None, metadata={"description": "me (default) or everyone"})

    @pre_load
    def _scope(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        scope = data.get("scope") or data.get("deleteType")
        if isinstance(scope, str):
            scope = DELETE_SCOPES.get(scope.lower(), scope)
        return {**data, "scope": scope}


class StatusSchema(_Body):
    status = fields.String(required=True)


class ReactionSchema(_Body):
    emoji = fields.String(required=True)


class ReadSchema(_Body):
    messageId = fields.String(load_default=None, allow_none=True)


# Schemas are stateless: one instance each, built at import (no I/O).
SEND_MESSAGE = SendMessageSchema()
CREATE_CONVERSATION = CreateConversationSchema()
PARTICIPANTS = ParticipantsSchema()
EDIT = EditSchema()
DELETE = DeleteSchema()
STATUS = StatusSchema()
REACTION = ReactionSchema()
READ = ReadSchema()
