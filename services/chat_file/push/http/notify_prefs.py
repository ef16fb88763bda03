"""Notification settings routes: the caller's global settings and per-conversation ones."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from libs.servicekit.http import Reply, json_body, load, ok
from libs.servicekit.openapi import documented
from services.chat_file.http.auth import current_user, protected_blueprint
from services.chat_file.http.errors import AUTH_ERRORS, WRITE_ERRORS
from services.chat_file.push.api.views import (
    CONVERSATION_SETTINGS,
    SETTINGS,
    USER_SETTINGS,
    ConversationSettingsView,
    SettingsView,
    UserSettingsView,
)
from services.chat_file.push.http.context import push

bp = protected_blueprint("notification_settings", __name__)
INVALID = "INVALID_NOTIFICATION_SETTINGS"
CONVERSATION = ("INVALID_ID", "CONVERSATION_NOT_FOUND")


class QuietHoursSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    start = fields.String(required=True, metadata={"description": "HH:MM local time"})
    end = fields.String(required=True, metadata={"description": "HH:MM (may cross midnight)"})
    timeZone = fields.String(required=True, metadata={"description": "IANA, e.g. Africa/Douala"})


class UserSettingsSchema(Schema):
    """Fields present are replaced (null clears); absent fields are kept."""

    class Meta:
        unknown = EXCLUDE

    dndUntil = fields.Raw(allow_none=True, metadata={"description": "ISO-8601 with offset"})
    quietHours = fields.Raw(allow_none=True, metadata={"description": "{start, end, timeZone}"})
    previews = fields.Raw(metadata={"description": "false: notifications say 'Nouveau message'"})


class ConversationSettingsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    level = fields.String(validate=validate.OneOf(["all", "mentions", "none"]))
    mutedUntil = fields.Raw(allow_none=True, metadata={"description": "ISO-8601 with offset"})


@bp.get("/notifications/settings")
@documented(
    "The caller's notification settings and their per-conversation overrides",
    response=SettingsView,
    errors=AUTH_ERRORS,
    tags=["push"],
)
def get_settings() -> Reply:
    return ok(SETTINGS.dump_fast(push().notification_settings.get(current_user())))


@bp.put("/notifications/settings")
@documented(
    "Change do-not-disturb, quiet hours, preview privacy (event notificationSettings:updated)",
    body=UserSettingsSchema,
    response=UserSettingsView,
    errors=(*WRITE_ERRORS, INVALID),
    tags=["push"],
)
def put_settings() -> Reply:
    body = load(UserSettingsSchema(), json_body())
    changed = push().notification_settings.update(current_user(), body)
    return ok(USER_SETTINGS.dump_fast(changed))


@bp.get("/conversations/<conversation_id>/notifications")
@documented(
    "The caller's notification level and mute for one conversation",
    response=ConversationSettingsView,
    errors=(*AUTH_ERRORS, *CONVERSATION),
    tags=["push"],
)
def get_conversation_settings(conversation_id: str) -> Reply:
    found = push().notification_settings.get_conversation(current_user(), conversation_id)
    return ok(CONVERSATION_SETTINGS.dump_fast(found))


@bp.put("/conversations/<conversation_id>/notifications")
@documented(
    "Set level all|mentions|none and/or mute until (event notificationSettings:updated)",
    body=ConversationSettingsSchema,
    response=ConversationSettingsView,
    errors=(*WRITE_ERRORS, *CONVERSATION, INVALID),
    tags=["push"],
)
def put_conversation_settings(conversation_id: str) -> Reply:
    body = load(ConversationSettingsSchema(), json_body())
    changed = push().notification_settings.update_conversation(
        current_user(), conversation_id, body
    )
    return ok(CONVERSATION_SETTINGS.dump_fast(changed))
