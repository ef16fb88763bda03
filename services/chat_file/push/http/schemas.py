"""Request bodies of the push routes (device registration); the answers are `api/views.py`."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate


class SubscriptionKeysSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    p256dh = fields.String(required=True, metadata={"description": "base64url P-256 point"})
    auth = fields.String(required=True, metadata={"description": "base64url 16-byte secret"})


class SubscriptionSchema(Schema):
    """A browser's `PushSubscription.toJSON()`."""

    class Meta:
        unknown = EXCLUDE

    endpoint = fields.String(required=True, validate=validate.Length(max=4096))
    keys = fields.Nested(SubscriptionKeysSchema, required=True)
    expirationTime = fields.Raw(load_default=None, allow_none=True)


class RegisterDeviceSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    platform = fields.String(required=True, validate=validate.OneOf(["fcm", "webpush"]))
    token = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=4096),
        metadata={"description": "FCM registration token (platform fcm)"},
    )
    subscription = fields.Nested(
        SubscriptionSchema,
        load_default=None,
        allow_none=True,
        metadata={"description": "Web Push subscription (platform webpush)"},
    )
    deviceId = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9._:-]{1,128}$"),
        metadata={"description": "the client's stable id for this install"},
    )
    appVersion = fields.String(load_default="", validate=validate.Length(max=32))
