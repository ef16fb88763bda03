"""Ended sessions lose their push devices: `DeviceService.forget_ended`, driven by revocations."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from libs.egress import EgressGuard, EgressPolicy
from libs.servicekit.errors import StoreUnavailableError
from libs.sessions.mirror import SESSION, USER, Revocation
from services.chat_file.kernel.identity import Identity
from services.chat_file.push.application.devices import DeviceService
from services.chat_file.push.domain.devices import Device, Platform, new_device_id
from tests.fake_push_stores import FakeDeviceStore

from .fakes import PUSH_NAMES, FakeResolver

NOW = datetime(2026, 3, 1, tzinfo=UTC)
GUARD = EgressGuard(EgressPolicy(("fcm.googleapis.com",)), FakeResolver(PUSH_NAMES))


def phone(user: str, session: str | None, auth_ms: int) -> Device:
    base = Device(new_device_id(), user, Platform.FCM, new_device_id(), new_device_id(), "", NOW)
    return replace(base, session_id=session, auth_ms=auth_ms)


def test_registration_records_the_callers_session() -> None:
    store = FakeDeviceStore()
    service = DeviceService(store, GUARD, clock=lambda: NOW)
    caller = Identity("u1", None, session_id="s-9", auth_ms=1234)
    service.register(caller, {"platform": "fcm", "token": "t", "deviceId": "phone"})
    [stored] = store.list_for("u1")
    assert (stored.session_id, stored.auth_ms) == ("s-9", 1234)


def test_a_session_revocation_removes_that_sessions_devices_only() -> None:
    store = FakeDeviceStore()
    for device in (phone("u1", "a", 10), phone("u1", "b", 10), phone("u2", "c", 10)):
        store.register(device)
    service = DeviceService(store, GUARD)
    assert service.forget_ended(Revocation(SESSION, "a", 99)) == 1
    assert sorted(d.session_id or "" for d in store.rows.values()) == ["b", "c"]


def test_a_user_revocation_removes_the_devices_of_sessions_logged_in_before_it() -> None:
    store = FakeDeviceStore()
    for device in (phone("u1", "a", 10), phone("u1", "b", 50), phone("u2", "c", 10)):
        store.register(device)
    assert DeviceService(store, GUARD).forget_ended(Revocation(USER, "u1", 20)) == 1
    assert sorted(d.session_id or "" for d in store.rows.values()) == ["b", "c"]


class DownStore(FakeDeviceStore):
    def delete_for_session(self, session_id: str) -> int:
        raise StoreUnavailableError()


def test_an_unavailable_store_does_not_break_the_revocation_listener(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert DeviceService(DownStore(), GUARD).forget_ended(Revocation(SESSION, "a", 1)) == 0
    assert "store is unavailable" in caplog.text
