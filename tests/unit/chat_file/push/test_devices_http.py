"""Push device routes through Flask's test client over the in-memory stores."""

from __future__ import annotations

import base64
import os
from dataclasses import replace
from typing import Any

import pytest
from flask.testing import FlaskClient

from libs.egress import EgressSettings
from services.chat_file.app import create_app
from services.chat_file.settings import Settings

from ..conversations.test_views import assert_documented, response_schema
from ..fakes import bearer
from .fakes import PUSH_NAMES, FakeResolver


@pytest.fixture
def fakes(fakes: dict[str, Any]) -> dict[str, Any]:
    return {**fakes, "egress_resolver": FakeResolver(PUSH_NAMES)}


def b64(n: int) -> str:
    return base64.urlsafe_b64encode(os.urandom(n)).decode().rstrip("=")


def webpush(device_id: str = "laptop", endpoint: str | None = None) -> dict[str, Any]:
    endpoint = endpoint or f"https://fcm.googleapis.com/fcm/send/{b64(12)}"
    keys = {"p256dh": b64(65), "auth": b64(16)}
    subscription = {"endpoint": endpoint, "keys": keys, "expirationTime": None}
    return {"platform": "webpush", "subscription": subscription, "deviceId": device_id}


def register(client: FlaskClient, body: dict[str, Any], user: str = "alice") -> Any:
    return client.post("/devices", json=body, headers=bearer(user))


def test_register_list_and_delete_a_web_push_subscription(client: FlaskClient) -> None:
    created = register(client, {**webpush(), "appVersion": "2.1.0"})
    assert created.status_code == 201
    device = created.get_json()["data"]
    assert device["platform"] == "webpush" and device["deviceId"] == "laptop"
    assert device["appVersion"] == "2.1.0" and "token" not in device
    listed = client.get("/devices", headers=bearer("alice")).get_json()["data"]["devices"]
    assert [d["id"] for d in listed] == [device["id"]]
    assert client.get("/devices", headers=bearer("bob")).get_json()["data"]["devices"] == []
    gone = client.delete(f"/devices/{device['id']}", headers=bearer("alice"))
    assert gone.get_json()["data"] == {"id": device["id"], "deleted": True}
    assert client.get("/devices", headers=bearer("alice")).get_json()["data"]["devices"] == []


def test_registering_the_same_device_again_replaces_its_target(client: FlaskClient) -> None:
    first = register(client, webpush("phone")).get_json()["data"]
    second = register(client, {"platform": "fcm", "token": "fcm-tok", "deviceId": "phone"})
    assert second.get_json()["data"]["id"] == first["id"]
    listed = client.get("/devices", headers=bearer("alice")).get_json()["data"]["devices"]
    assert [(d["id"], d["platform"]) for d in listed] == [(first["id"], "fcm")]


def test_another_users_device_is_not_found(client: FlaskClient) -> None:
    device = register(client, webpush()).get_json()["data"]
    response = client.delete(f"/devices/{device['id']}", headers=bearer("bob"))
    assert response.status_code == 404 and response.get_json()["code"] == "DEVICE_NOT_FOUND"
    missing = client.delete("/devices/not-an-id", headers=bearer("alice"))
    assert missing.status_code == 404 and missing.get_json()["code"] == "DEVICE_NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"platform": "apns", "token": "x", "deviceId": "d"}, "VALIDATION_ERROR"),
        ({"platform": "fcm", "deviceId": "d"}, "INVALID_DEVICE"),
        ({"platform": "fcm", "token": "x", "deviceId": "bad id!"}, "VALIDATION_ERROR"),
        ({"platform": "fcm", "token": "x"}, "VALIDATION_ERROR"),
        ({"platform": "webpush", "deviceId": "d"}, "INVALID_DEVICE"),
        (webpush(endpoint="https://evil.example/push"), "PUSH_ENDPOINT_REFUSED"),
        (webpush(endpoint="http://fcm.googleapis.com/fcm/send/x"), "PUSH_ENDPOINT_REFUSED"),
        (webpush(endpoint="https://rebind.fcm.googleapis.com/x"), "PUSH_ENDPOINT_REFUSED"),
        (webpush(endpoint="https://unknown.fcm.googleapis.com/x"), "PUSH_ENDPOINT_REFUSED"),
        (webpush(endpoint="http://10.0.0.1/x"), "PUSH_ENDPOINT_REFUSED"),
        (webpush(endpoint="http://127.0.0.1:6379/"), "PUSH_ENDPOINT_REFUSED"),
        (webpush(endpoint="https://[::ffff:127.0.0.1]/x"), "INVALID_DEVICE"),
        (webpush(endpoint="http://[::1]:8001/x"), "INVALID_DEVICE"),
        (webpush(endpoint="https://user:pw@fcm.googleapis.com/x"), "INVALID_DEVICE"),
        (webpush(endpoint="file:///etc/passwd"), "INVALID_DEVICE"),
        (
            {**webpush(), "subscription": {"endpoint": "https://fcm.googleapis.com/x"}},
            "VALIDATION_ERROR",
        ),
        (
            {
                **webpush(),
                "subscription": {
                    **webpush()["subscription"],
                    "keys": {"p256dh": "abc", "auth": "x"},
                },
            },
            "INVALID_DEVICE",
        ),
        (
            {"platform": "fcm", "token": "x", "deviceId": "d", "appVersion": "v" * 33},
            "VALIDATION_ERROR",
        ),
    ],
)
def test_bad_registrations_get_a_coded_400(client: FlaskClient, body: dict, code: str) -> None:
    response = register(client, body)
    assert response.status_code == 400
    assert response.get_json()["code"] == code


def test_loopback_endpoints_need_the_egress_allowance(
    settings: Settings, fakes: dict[str, Any]
) -> None:
    body = webpush(endpoint="http://127.0.0.1:9/push/abc")
    local = replace(settings, egress=EgressSettings(allow_loopback=True))
    assert register(create_app(local, **fakes).test_client(), body).status_code == 201
    refused = register(create_app(settings, **fakes).test_client(), body)
    assert (refused.status_code, refused.get_json()["code"]) == (400, "PUSH_ENDPOINT_REFUSED")
    assert len(fakes["stores"].devices.list_for("alice")) == 1  # the first one only


def test_push_config_hands_out_the_public_key_only(client: FlaskClient) -> None:
    data = client.get("/push/config", headers=bearer("alice")).get_json()["data"]
    assert data == {"vapidPublicKey": None, "webpush": False, "fcm": False}


def test_past_ten_devices_the_oldest_is_replaced(client: FlaskClient) -> None:
    ids = [register(client, webpush(f"d{n}")).get_json()["data"]["id"] for n in range(12)]
    listed = client.get("/devices", headers=bearer("alice")).get_json()["data"]["devices"]
    assert [d["id"] for d in listed] == ids[2:]


def test_push_routes_return_exactly_the_fields_they_document(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    group = {"name": "Equipe", "members": ["bob"]}
    cid = client.post("/groups", json=group, headers=bearer("alice")).get_json()["data"]["id"]
    quiet = {"quietHours": {"start": "22:00", "end": "07:00", "timeZone": "Africa/Douala"}}
    device = register(client, webpush()).get_json()["data"]
    calls = [
        ("get", "/devices", "/devices", None),
        ("get", "/push/config", "/push/config", None),
        ("put", "/notifications/settings", "/notifications/settings", quiet),
        ("get", "/notifications/settings", "/notifications/settings", None),
        (
            "put",
            "/conversations/{conversation_id}/notifications",
            f"/conversations/{cid}/notifications",
            {"level": "mentions"},
        ),
        (
            "get",
            "/conversations/{conversation_id}/notifications",
            f"/conversations/{cid}/notifications",
            None,
        ),
        ("delete", "/devices/{device_id}", f"/devices/{device['id']}", None),
    ]
    assert_documented(spec, response_schema(spec, "post", "/devices"), device, "register")
    for method, route, url, body in calls:
        answer = client.open(url, method=method.upper(), json=body, headers=bearer("alice"))
        assert answer.status_code == 200, (url, answer.get_json())
        data = answer.get_json()["data"]
        assert_documented(spec, response_schema(spec, method, route), data, f"{method} {route}")
