"""The change log and `GET /sync` over the in-memory stores: every change a user can see is
logged for each user it concerns, and a sync returns exactly the changes after a token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.fake_sync_stores import FakeChangeLog

from ..fakes import bearer


def logged(fakes: dict[str, Any], user: str) -> list[str]:
    log: FakeChangeLog = fakes["stores"].changes
    return [c.event for c in log.entries.get(user, [])]


def sync(client: FlaskClient, user: str, **query: Any) -> Any:
    return client.get("/sync", query_string=query, headers=bearer(user))


def changes(client: FlaskClient, user: str, since: str, **query: Any) -> dict[str, Any]:
    response = sync(client, user, since=since, **query)
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json()["data"])


def group(client: FlaskClient, members: list[str]) -> str:
    body = {"type": "GROUP", "name": "Équipe", "members": members}
    response = client.post("/conversations", json=body, headers=bearer("alice"))
    return str(response.get_json()["data"]["id"])


def send(client: FlaskClient, cid: str, text: str, user: str = "alice") -> str:
    body = {"conversationId": cid, "content": text}
    response = client.post("/messages", json=body, headers=bearer(user))
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["data"]["id"])


def test_without_a_token_the_answer_is_empty_and_names_the_current_position(
    client: FlaskClient, fakes: dict[str, Any]
) -> None:
    first = sync(client, "bob").get_json()["data"]
    assert first == {"changes": [], "next": "0", "hasMore": False}
    cid = group(client, ["bob", "carol"])
    send(client, cid, "Bonjour")
    head = str(len(logged(fakes, "bob")))
    assert head != "0"
    assert sync(client, "bob").get_json()["data"] == {"changes": [], "next": head, "hasMore": False}
    assert changes(client, "bob", head) == {"changes": [], "next": head, "hasMore": False}


def test_every_visible_change_is_logged_for_each_user_it_concerns(
    client: FlaskClient, fakes: dict[str, Any]
) -> None:
    cid = group(client, ["bob", "carol"])
    mid = send(client, cid, "Bonjour")
    headers = bearer("alice")
    assert (
        client.put(f"/messages/{mid}", json={"content": "Bonsoir"}, headers=headers).status_code
        < 300
    )
    react = client.post(f"/messages/{mid}/reactions", json={"emoji": "👍"}, headers=bearer("bob"))
    assert react.status_code < 300
    status = {"status": "DELIVERED"}
    assert (
        client.put(f"/messages/{mid}/status", json=status, headers=bearer("carol")).status_code
        < 300
    )
    assert (
        client.put(f"/conversations/{cid}/read", json={}, headers=bearer("bob")).status_code < 300
    )
    added = {"userIds": ["dave"]}
    assert (
        client.post(f"/conversations/{cid}/participants", json=added, headers=headers).status_code
        < 300
    )
    assert (
        client.delete(f"/conversations/{cid}/participants/carol", headers=headers).status_code < 300
    )
    assert client.delete(f"/messages/{mid}?scope=everyone", headers=headers).status_code < 300
    settings = {"level": "mentions"}
    assert (
        client.put(
            f"/conversations/{cid}/notifications", json=settings, headers=headers
        ).status_code
        < 300
    )
    bob = logged(fakes, "bob")
    assert bob[:7] == [
        "conversation:created",
        "group:invitation",
        "newMessage",
        "message:edited",
        "message:reaction",
        "messageStatusChanged",
        "conversation:read",
    ]
    assert "participant:added" in bob and "message:deleted" in bob
    assert "notificationSettings:updated" in logged(fakes, "alice")
    assert "notificationSettings:updated" not in bob
    assert "message:status" in logged(fakes, "alice")  # the sender's own receipt event
    assert logged(fakes, "dave")[0] == "participants:added"  # the newcomer learns of it


def test_a_sync_returns_the_changes_after_the_token_in_order_each_once(
    client: FlaskClient,
) -> None:
    cid = group(client, ["bob"])
    start = sync(client, "bob").get_json()["data"]["next"]
    ids = [send(client, cid, f"m{n}") for n in range(5)]
    first = changes(client, "bob", start, limit=3)
    assert [c["data"]["id"] for c in first["changes"]] == ids[:3]
    assert [c["event"] for c in first["changes"]] == ["newMessage"] * 3
    seqs = [c["seq"] for c in first["changes"]]
    assert seqs == sorted(seqs) and first["hasMore"] is True
    assert first["next"] == str(seqs[-1])
    rest = changes(client, "bob", first["next"], limit=3)
    assert [c["data"]["id"] for c in rest["changes"]] == ids[3:]
    assert rest["hasMore"] is False
    assert changes(client, "bob", rest["next"])["changes"] == []


def test_a_change_that_does_not_concern_a_user_is_not_in_their_log(
    client: FlaskClient, fakes: dict[str, Any]
) -> None:
    cid = group(client, ["bob"])
    send(client, cid, "entre nous")
    assert logged(fakes, "carol") == []
    assert changes(client, "carol", "0") == {"changes": [], "next": "0", "hasMore": False}


def test_bad_tokens_and_limits_are_400(client: FlaskClient) -> None:
    for since in ("abc", "-1", "1.5", "9" * 30, "²", "١٢"):
        answer = sync(client, "bob", since=since)
        assert (answer.status_code, answer.get_json()["code"]) == (400, "INVALID_SYNC_TOKEN")
    for limit in ("0", "x", "501", "-3", "²", "9" * 40):
        answer = sync(client, "bob", since="0", limit=limit)
        assert (answer.status_code, answer.get_json()["code"]) == (400, "INVALID_PAGINATION")


def test_a_token_past_the_head_is_expired(client: FlaskClient) -> None:
    answer = sync(client, "bob", since="7")
    assert (answer.status_code, answer.get_json()["code"]) == (410, "SYNC_TOKEN_EXPIRED")


def test_a_token_whose_next_change_was_compacted_is_expired(
    client: FlaskClient, fakes: dict[str, Any]
) -> None:
    log: FakeChangeLog = fakes["stores"].changes
    cid = group(client, ["bob"])
    send(client, cid, "un")
    log.compact(datetime.now(UTC) + timedelta(seconds=1))  # everything so far is gone
    send(client, cid, "deux")
    answer = sync(client, "bob", since="0")
    assert (answer.status_code, answer.get_json()["code"]) == (410, "SYNC_TOKEN_EXPIRED")
    kept = changes(client, "bob", str(log.head("bob") - 1))
    assert [c["data"]["content"] for c in kept["changes"]] == ["deux"]


def test_no_request_needs_a_user_with_no_log_to_exist(client: FlaskClient) -> None:
    assert sync(client, "nobody").get_json()["data"]["next"] == "0"
    assert sync(client, "nobody").status_code == 200


def test_the_sync_view_documents_what_it_returns() -> None:
    from services.chat_file.sync.api.views import SYNC
    from services.chat_file.sync.application.sync import SyncPage
    from services.chat_file.sync.domain.changes import Change

    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    change = Change(4, "newMessage", {"id": "m1", "content": "Bonjour", "tags": [1, None]}, at)
    page = SYNC.check_fast(SyncPage([change], "4", True))
    assert page == {
        "changes": [
            {
                "seq": 4,
                "event": "newMessage",
                "data": {"id": "m1", "content": "Bonjour", "tags": [1, None]},
                "at": "2026-03-01T12:00:00.000Z",
            }
        ],
        "next": "4",
        "hasMore": True,
    }


class Calendar:
    """A datetime clock a test moves (the one `build(..., clock=)` gives every use case)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_token_whose_next_change_is_older_than_the_window_is_expired(
    settings: Any, fakes: dict[str, Any]
) -> None:
    from services.chat_file.app import create_app

    calendar = Calendar()
    client = create_app(settings, **fakes, clock=calendar).test_client()
    cid = group(client, ["bob"])
    token = sync(client, "bob").get_json()["data"]["next"]
    send(client, cid, "un")
    calendar.now += timedelta(days=6, hours=23)  # inside SYNC_WINDOW (7 days): still served
    assert [c["data"]["content"] for c in changes(client, "bob", token)["changes"]] == ["un"]
    calendar.now += timedelta(hours=2)  # the change after the token is now older than 7 days
    answer = sync(client, "bob", since=token)
    assert (answer.status_code, answer.get_json()["code"]) == (410, "SYNC_TOKEN_EXPIRED")
    send(client, cid, "deux")  # a token at the head is still good: nothing old is needed
    head = changes(client, "bob", str(int(token) + 1))
    assert [c["data"]["content"] for c in head["changes"]] == ["deux"]


def test_the_sync_settings_come_from_the_environment() -> None:
    import pytest

    from libs.servicekit.settings import SettingsError
    from services.chat_file.settings import Settings

    base = {"APP_ENV": "test"}
    default = Settings.from_env(base)
    assert (default.sync_window, default.sync_max_limit, default.sync_seq_in_events) == (
        7 * 24 * 3600,
        500,
        True,
    )
    env = {**base, "SYNC_WINDOW": "3600", "SYNC_MAX_LIMIT": "50", "SYNC_SEQ_IN_EVENTS": "false"}
    changed = Settings.from_env(env)
    assert (changed.sync_window, changed.sync_max_limit, changed.sync_seq_in_events) == (
        3600,
        50,
        False,
    )
    for name in ("SYNC_WINDOW", "SYNC_MAX_LIMIT"):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({**base, name: "0"})
