"""Notification settings routes through Flask's test client over the in-memory stores."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from ..fakes import RecordingNotifier, bearer

EVENT = "notificationSettings:updated"


def put(client: FlaskClient, path: str, body: dict[str, Any], user: str = "alice") -> Any:
    return client.put(path, json=body, headers=bearer(user))


@pytest.fixture
def cid(client: FlaskClient) -> str:
    body = {"type": "GROUP", "name": "Équipe", "members": ["bob", "carol"]}
    response = client.post("/conversations", json=body, headers=bearer("alice"))
    return str(response.get_json()["data"]["id"])


def test_defaults_are_everything_with_previews(client: FlaskClient, cid: str) -> None:
    got = client.get("/notifications/settings", headers=bearer("bob")).get_json()["data"]
    assert got == {"dndUntil": None, "quietHours": None, "previews": True, "conversations": []}
    one = client.get(f"/conversations/{cid}/notifications", headers=bearer("bob"))
    assert one.get_json()["data"] == {"conversationId": cid, "level": "all", "mutedUntil": None}


def test_user_settings_change_partially_and_reach_all_the_users_devices(
    client: FlaskClient, fakes: dict[str, Any]
) -> None:
    quiet = {"start": "22:00", "end": "06:30", "timeZone": "Africa/Douala"}
    first = put(client, "/notifications/settings", {"quietHours": quiet, "previews": False})
    assert first.status_code == 200
    second = put(client, "/notifications/settings", {"dndUntil": "2026-03-01T19:30:00+01:00"})
    data = second.get_json()["data"]
    assert data == {"dndUntil": "2026-03-01T18:30:00.000Z", "quietHours": quiet, "previews": False}
    notifier: RecordingNotifier = fakes["notifier"]
    event, payload, rooms = notifier.events[-1]
    assert (event, rooms, payload["scope"]) == (EVENT, ["alice"], "user")
    cleared = put(client, "/notifications/settings", {"dndUntil": None, "quietHours": None})
    assert cleared.get_json()["data"]["dndUntil"] is None
    assert cleared.get_json()["data"]["quietHours"] is None


def test_conversation_level_and_mute_are_per_user(
    client: FlaskClient, cid: str, fakes: dict[str, Any]
) -> None:
    path = f"/conversations/{cid}/notifications"
    body = {"level": "mentions", "mutedUntil": "2026-03-02T08:00:00Z"}
    data = put(client, path, body, "bob").get_json()["data"]
    assert data == {
        "conversationId": cid,
        "level": "mentions",
        "mutedUntil": "2026-03-02T08:00:00.000Z",
    }
    assert client.get(path, headers=bearer("carol")).get_json()["data"]["level"] == "all"
    listed = client.get("/notifications/settings", headers=bearer("bob")).get_json()["data"]
    assert listed["conversations"] == [data]
    event, payload, rooms = fakes["notifier"].events[-1]
    assert (event, rooms, payload) == (EVENT, ["bob"], {"scope": "conversation", **data})


def test_a_non_participant_gets_not_found(client: FlaskClient, cid: str) -> None:
    path = f"/conversations/{cid}/notifications"
    assert client.get(path, headers=bearer("dave")).status_code == 404
    response = put(client, path, {"level": "none"}, "dave")
    assert response.status_code == 404
    assert response.get_json()["code"] == "CONVERSATION_NOT_FOUND"


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("/notifications/settings", {"dndUntil": "demain"}, "INVALID_NOTIFICATION_SETTINGS"),
        (
            "/notifications/settings",
            {"dndUntil": "2026-03-01T10:00:00"},
            "INVALID_NOTIFICATION_SETTINGS",
        ),
        ("/notifications/settings", {"previews": "non"}, "INVALID_NOTIFICATION_SETTINGS"),
        (
            "/notifications/settings",
            {"quietHours": {"start": "25:00", "end": "06:00", "timeZone": "Africa/Douala"}},
            "INVALID_NOTIFICATION_SETTINGS",
        ),
        (
            "/notifications/settings",
            {"quietHours": {"start": "22:00", "end": "06:00", "timeZone": "Mars/Olympus"}},
            "INVALID_NOTIFICATION_SETTINGS",
        ),
        ("/notifications/settings", {"quietHours": "la nuit"}, "INVALID_NOTIFICATION_SETTINGS"),
        ("CONV", {"level": "parfois"}, "VALIDATION_ERROR"),
        ("CONV", {"mutedUntil": 12}, "INVALID_NOTIFICATION_SETTINGS"),
    ],
)
def test_bad_settings_get_a_coded_400(
    client: FlaskClient, cid: str, path: str, body: dict, code: str
) -> None:
    target = f"/conversations/{cid}/notifications" if path == "CONV" else path
    response = put(client, target, body)
    assert response.status_code == 400 and response.get_json()["code"] == code


def test_a_body_that_is_not_an_object_is_invalid_json(client: FlaskClient) -> None:
    response = client.put(
        "/notifications/settings",
        data="[]",
        headers={**bearer("alice"), "Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.get_json()["code"] == "INVALID_JSON"
