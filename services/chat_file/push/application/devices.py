"""`DeviceService`: a user's push targets (register, list, remove)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from libs.egress import EgressGuard, EgressRefusedError
from libs.servicekit.errors import StoreUnavailableError
from libs.sessions.mirror import SESSION, Revocation
from services.chat_file.kernel.clock import utc_now
from services.chat_file.kernel.identity import Identity
from services.chat_file.push.application.ports import DeviceStore
from services.chat_file.push.domain.devices import (
    Device,
    DeviceNotFoundError,
    Platform,
    PushEndpointRefusedError,
    check_device_id,
    parse_device,
)

MAX_DEVICES = 10  # push targets per user

logger = logging.getLogger(__name__)


class DeviceService:
    def __init__(
        self,
        store: DeviceStore,
        guard: EgressGuard,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._guard = guard  # Web Push endpoints: the push hosts, public addresses only
        self._clock = clock

    def register(self, user: Identity, body: dict[str, Any]) -> Device:
        """Upsert on (caller, deviceId); the same token elsewhere moves to the caller. Past
        `MAX_DEVICES` a new device replaces the caller's oldest (every send fans out to all)."""
        device = parse_device(user, body, self._clock())
        if device.platform is Platform.WEBPUSH:
            self.check_endpoint(device.token)
        stored = self._store.register(device)
        mine = self._store.list_for(user.user_id)
        for old in mine[: max(0, len(mine) - MAX_DEVICES)]:
            if old.id != stored.id:
                self._store.delete(user.user_id, old.id)
        return stored

    def check_endpoint(self, endpoint: str) -> None:
        """PUSH_ENDPOINT_REFUSED unless the egress guard would send to `endpoint` now (the
        sender checks it again at each send: DNS may have changed since)."""
        try:
            self._guard.check(endpoint)
        except EgressRefusedError as exc:
            raise PushEndpointRefusedError(
                "Endpoint de push refusé (%(reason)s)", params={"reason": exc.reason}
            ) from None

    def list_for(self, user: Identity) -> list[Device]:
        """The caller's devices, oldest first."""
        return self._store.list_for(user.user_id)

    def remove(self, user: Identity, device_id: str) -> str:
        """The id of the device removed (one of the caller's), else DEVICE_NOT_FOUND."""
        if not self._store.delete(user.user_id, check_device_id(device_id)):
            raise DeviceNotFoundError()
        return device_id

    def forget_ended(self, revocation: Revocation) -> int:
        """Ended sessions get no more pushes: remove the devices they registered (called for
        every revocation this process hears: logout, logout everywhere, password or role
        change, deactivation). Every process does it; the deletes are idempotent."""
        try:
            if revocation.kind == SESSION:
                return self._store.delete_for_session(revocation.id)
            return self._store.delete_for_user(revocation.id, revocation.at_ms)
        except StoreUnavailableError:
            logger.warning("devices of an ended session not removed: the store is unavailable")
            return 0
