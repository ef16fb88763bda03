"""chat_file requests: the Push folder (devices, push configuration)."""

from __future__ import annotations

from .dsl import chat

DEVICE_KEYS = ("id", "platform", "deviceId", "appVersion", "createdAt")

PUSH_FOLDER = [
    chat(
        "GET /push/config — VAPID public key and configured providers",
        "GET",
        "/push/config",
        status=200,
        keys=("vapidPublicKey", "webpush", "fcm"),
    ),
    chat(
        "POST /devices — register an FCM token",
        "POST",
        "/devices",
        status=201,
        body={
            "platform": "fcm",
            "token": "postman-fcm-registration-token",
            "deviceId": "postman-phone",
            "appVersion": "1.0.0",
        },
        keys=DEVICE_KEYS,
        checks=(("token not echoed", "pm.expect(data).to.not.have.property('token');"),),
        save=(("pushDeviceId", "data.id"),),
    ),
    chat(
        "POST /devices — Web Push endpoint on an unknown host (400 INVALID_DEVICE)",
        "POST",
        "/devices",
        status=400,
        body={
            "platform": "webpush",
            "deviceId": "postman-browser",
            "subscription": {
                "endpoint": "https://evil.example/push",
                "keys": {"p256dh": "BAAA", "auth": "AAAA"},
            },
        },
        error="INVALID_DEVICE",
    ),
    chat(
        "GET /devices — the caller's push targets", "GET", "/devices", status=200, keys=("devices",)
    ),
    chat(
        "DELETE /devices/:id — remove it (what a client does at logout)",
        "DELETE",
        "/devices/{{pushDeviceId}}",
        status=200,
        keys=("id", "deleted"),
    ),
]

SETTINGS_KEYS = ("dndUntil", "quietHours", "previews")

SETTINGS_FOLDER = [
    chat(
        "GET /notifications/settings — defaults: everything, with previews",
        "GET",
        "/notifications/settings",
        status=200,
        keys=(*SETTINGS_KEYS, "conversations"),
    ),
    chat(
        "PUT /notifications/settings — quiet hours in Douala, private previews",
        "PUT",
        "/notifications/settings",
        status=200,
        body={
            "quietHours": {"start": "22:00", "end": "06:30", "timeZone": "Africa/Douala"},
            "previews": False,
        },
        keys=SETTINGS_KEYS,
        checks=(("previews off", "pm.expect(data.previews).to.equal(false);"),),
    ),
    chat(
        "PUT /notifications/settings — unknown time zone (400)",
        "PUT",
        "/notifications/settings",
        status=400,
        body={"quietHours": {"start": "22:00", "end": "06:30", "timeZone": "Mars/Olympus"}},
        error="INVALID_NOTIFICATION_SETTINGS",
    ),
    chat(
        "PUT /conversations/:id/notifications — mentions only",
        "PUT",
        "/conversations/{{groupId}}/notifications",
        status=200,
        body={"level": "mentions"},
        keys=("conversationId", "level", "mutedUntil"),
        checks=(("level", "pm.expect(data.level).to.equal('mentions');"),),
    ),
    chat(
        "GET /conversations/:id/notifications",
        "GET",
        "/conversations/{{groupId}}/notifications",
        status=200,
        keys=("conversationId", "level", "mutedUntil"),
    ),
]
