"""`PushServices`: the push context's use cases and settings, as a composition root wires them
and its routes read them."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_file.push.application.devices import DeviceService
from services.chat_file.push.application.notify_prefs import NotificationSettingsService
from services.chat_file.push.settings import PushSettings


@dataclass(frozen=True)
class PushServices:
    devices: DeviceService
    notification_settings: NotificationSettingsService
    settings: PushSettings  # what clients need to subscribe (`GET /push/config`)
