"""The wire shapes of the push context (devices, the push configuration, notification
settings): views that document what they return (`libs.servicekit.views`), and the shape of
`notificationSettings:updated`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import fields

from libs.servicekit.views import View
from services.chat_file.kernel.clock import iso
from services.chat_file.push.application.notify_prefs import NotificationSettings
from services.chat_file.push.domain.devices import Device
from services.chat_file.push.domain.notify_prefs import ConversationPrefs, UserPrefs
from services.chat_file.push.settings import PushSettings


class DeviceView(View):
    """The token itself is not echoed: clients know it, nobody else needs it."""

    id = fields.String()
    platform = fields.String(metadata={"enum": ["fcm", "webpush"]})
    deviceId = fields.String()
    appVersion = fields.String()
    createdAt = fields.String()

    def extract(self, device: Device) -> dict[str, Any]:
        return {
            "id": device.id,
            "platform": device.platform.value,
            "deviceId": device.device_key,
            "appVersion": device.app_version,
            "createdAt": iso(device.created_at),
        }


class DeviceListView(View):
    devices = fields.List(fields.Nested(DeviceView), metadata={"description": "oldest first"})

    def extract(self, devices: list[Device]) -> dict[str, Any]:
        return {"devices": devices}


class DeviceDeletedView(View):
    id = fields.String()
    deleted = fields.Boolean()

    def extract(self, device_id: str) -> dict[str, Any]:
        return {"id": device_id, "deleted": True}


class PushConfigView(View):
    vapidPublicKey = fields.String(
        allow_none=True, metadata={"description": "applicationServerKey for pushManager.subscribe"}
    )
    webpush = fields.Boolean()
    fcm = fields.Boolean()

    def extract(self, push: PushSettings) -> dict[str, Any]:
        return {
            "vapidPublicKey": push.vapid_public_key or None,
            "webpush": push.webpush_ready,
            "fcm": push.fcm_ready,
        }


class QuietHoursView(View):
    start = fields.String(metadata={"description": "HH:MM local time"})
    end = fields.String(metadata={"description": "HH:MM (may cross midnight)"})
    timeZone = fields.String(metadata={"description": "IANA, e.g. Africa/Douala"})


class UserSettingsView(View):
    dndUntil = fields.String(allow_none=True)
    quietHours = fields.Nested(QuietHoursView, allow_none=True)
    previews = fields.Boolean()

    def extract(self, prefs: UserPrefs) -> dict[str, Any]:
        quiet = prefs.quiet_hours
        return {
            "dndUntil": iso(prefs.dnd_until),
            "quietHours": (
                {"start": quiet.start, "end": quiet.end, "timeZone": quiet.time_zone}
                if quiet
                else None
            ),
            "previews": prefs.previews,
        }


class ConversationSettingsView(View):
    conversationId = fields.String()
    level = fields.String(metadata={"enum": ["all", "mentions", "none"]})
    mutedUntil = fields.String(allow_none=True)

    def extract(self, prefs: ConversationPrefs) -> dict[str, Any]:
        return {
            "conversationId": prefs.conversation_id,
            "level": prefs.level.value,
            "mutedUntil": iso(prefs.muted_until),
        }


class SettingsView(UserSettingsView):
    conversations = fields.List(
        fields.Nested(ConversationSettingsView), metadata={"description": "the overrides"}
    )

    def extract(self, settings: NotificationSettings) -> dict[str, Any]:  # type: ignore[override]
        return {**super().extract(settings.user), "conversations": settings.conversations}


DEVICE = DeviceView()
DEVICE_LIST = DeviceListView()
DEVICE_DELETED = DeviceDeletedView()
PUSH_CONFIG = PushConfigView()
USER_SETTINGS = UserSettingsView()
CONVERSATION_SETTINGS = ConversationSettingsView()
SETTINGS = SettingsView()

# `notificationSettings:updated`, by the type of what changed (merged by the composition root
# into the real-time notifier's encoder).
EVENT_VIEWS: dict[type, Callable[[Any], dict[str, Any]]] = {
    UserPrefs: lambda prefs: {"scope": "user", **USER_SETTINGS.dump_fast(prefs)},
    ConversationPrefs: lambda prefs: {
        "scope": "conversation",
        **CONVERSATION_SETTINGS.dump_fast(prefs),
    },
}
