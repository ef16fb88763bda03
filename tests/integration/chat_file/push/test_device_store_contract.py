"""The storage contract of push devices (DeviceStore, 7 methods) on every backend.

Part of the chat_file store contract suite: the `stores` fixture (conftest.py) runs each test
over the fakes, SQLite, PostgreSQL, mongomock (and MongoDB when set).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from services.chat_file.push.domain.devices import Device, Platform, new_device_id
from services.chat_file.storage.stores import ChatStores

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KEYS = {"p256dh": "B" * 87, "auth": "A" * 22}


def user() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def device(owner: str, key: str, token: str | None = None, at: datetime = NOW) -> Device:
    token = token or f"https://push.example/{uuid.uuid4().hex}"
    return Device(new_device_id(), owner, Platform.WEBPUSH, token, key, "1.2.0", at, dict(KEYS))


def test_register_then_list_keeps_every_field(stores: ChatStores) -> None:
    owner = user()
    phone = device(owner, "phone")
    assert stores.devices.register(phone) == phone
    later = NOW + timedelta(seconds=1)
    fcm = Device(new_device_id(), owner, Platform.FCM, uuid.uuid4().hex, "tab", "", later)
    stores.devices.register(fcm)
    assert stores.devices.list_for(owner) == [phone, fcm]
    assert stores.devices.list_for(user()) == []


def test_register_again_for_the_same_device_updates_it_in_place(stores: ChatStores) -> None:
    owner = user()
    first = stores.devices.register(device(owner, "phone"))
    later = device(owner, "phone", at=NOW + timedelta(hours=1))
    again = stores.devices.register(later)
    assert (again.id, again.created_at) == (first.id, first.created_at)
    assert again.token == later.token
    assert stores.devices.list_for(owner) == [again]


def test_a_token_belongs_to_one_target_only(stores: ChatStores) -> None:
    alice, bob = user(), user()
    token = f"https://push.example/{uuid.uuid4().hex}"
    stores.devices.register(device(alice, "phone", token))
    moved = stores.devices.register(device(bob, "phone", token))
    assert stores.devices.list_for(alice) == []
    assert stores.devices.list_for(bob) == [moved]


def test_list_for_users_groups_by_user_and_skips_users_without_devices(
    stores: ChatStores,
) -> None:
    a, b, nobody = user(), user(), user()
    a1, a2 = device(a, "1"), device(a, "2", at=NOW + timedelta(seconds=1))
    b1 = device(b, "1")
    for d in (a1, b1, a2):
        stores.devices.register(d)
    assert stores.devices.list_for_users([a, b, nobody, a]) == {a: [a1, a2], b: [b1]}
    assert stores.devices.list_for_users([]) == {}


def test_delete_is_scoped_to_the_owner(stores: ChatStores) -> None:
    owner, other = user(), user()
    d = stores.devices.register(device(owner, "phone"))
    assert stores.devices.delete(other, d.id) is False
    assert stores.devices.delete(owner, d.id) is True
    assert stores.devices.delete(owner, d.id) is False
    assert stores.devices.list_for(owner) == []


def test_delete_token_removes_the_dead_target(stores: ChatStores) -> None:
    owner = user()
    dead, alive = device(owner, "old"), device(owner, "new")
    stores.devices.register(dead)
    stores.devices.register(alive)
    assert stores.devices.delete_token(dead.token) == 1
    assert stores.devices.delete_token(dead.token) == 0
    assert stores.devices.list_for(owner) == [alive]


def test_a_device_keeps_the_session_that_registered_it(stores: ChatStores) -> None:
    owner = user()
    phone = replace(device(owner, "phone"), session_id="s-phone", auth_ms=1_700_000_000_123)
    stores.devices.register(phone)
    assert stores.devices.list_for(owner) == [phone]


def test_ending_a_session_removes_only_the_devices_it_registered(stores: ChatStores) -> None:
    owner = user()
    phone = stores.devices.register(replace(device(owner, "phone"), session_id="s1"))
    laptop = stores.devices.register(replace(device(owner, "laptop"), session_id="s2"))
    assert stores.devices.delete_for_session("s1") == 1
    assert stores.devices.list_for(owner) == [laptop]
    assert stores.devices.delete_for_session("s1") == 0
    assert phone not in stores.devices.list_for(owner)


def test_ending_every_session_of_a_user_spares_later_logins(stores: ChatStores) -> None:
    owner, other = user(), user()
    old = stores.devices.register(replace(device(owner, "old"), session_id="a", auth_ms=1000))
    legacy = stores.devices.register(device(owner, "legacy"))  # registered without a session
    new = stores.devices.register(replace(device(owner, "new"), session_id="b", auth_ms=3000))
    theirs = stores.devices.register(replace(device(other, "x"), session_id="c", auth_ms=1000))
    assert stores.devices.delete_for_user(owner, 2000) == 2
    assert stores.devices.list_for(owner) == [new]
    assert stores.devices.list_for(other) == [theirs]
    assert old.id != legacy.id
