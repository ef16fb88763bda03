"""Announcement routes through Flask's test client over the in-memory stores: the role claim
makes an org admin, the cached profile's units make a recipient."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from libs.usercache import CachedUser

from ..fakes import bearer

FIN = {"ministere": "Ministère des Finances"}


def cache_units(fakes: dict[str, Any]) -> None:
    for uid, direction in (("bob", "Direction du Budget"), ("carol", "Direction du Trésor")):
        fakes["cache"].data[uid] = CachedUser(
            uid, uid, uid, ministere="MINISTERE DES FINANCES", direction=direction
        )


def make(client: FlaskClient, **body: Any) -> Any:
    payload = {"title": "Circulaires", "units": [FIN], **body}
    return client.post(
        "/announcements/broadcasts", json=payload, headers=bearer("alice", role="admin")
    )


def test_an_org_admin_creates_and_sends_recipients_ack_and_the_author_counts(
    client: FlaskClient, fakes: dict[str, Any]
) -> None:
    cache_units(fakes)
    made = make(client, units=[{**FIN, "direction": "direction du budget"}], agents=["dave"])
    assert made.status_code == 201, made.get_json()
    bid = made.get_json()["data"]["id"]
    assert made.get_json()["data"]["units"][0]["direction"] == "direction du budget"
    body = {"content": "Réunion à 10h", "priority": "urgent", "requestAck": True}
    sent = client.post(
        f"/announcements/broadcasts/{bid}/messages", json=body, headers=bearer("alice")
    )
    assert sent.status_code == 201, sent.get_json()
    mid = sent.get_json()["data"]["id"]
    assert sent.get_json()["data"]["priority"] == "urgent"
    refused = client.post(
        f"/announcements/broadcasts/{bid}/messages", json=body, headers=bearer("bob")
    )
    assert refused.status_code == 403 and refused.get_json()["code"] == "BROADCAST_READ_ONLY"
    hidden = client.get(f"/announcements/broadcasts/{bid}", headers=bearer("carol"))
    assert hidden.status_code == 404 and hidden.get_json()["code"] == "BROADCAST_NOT_FOUND"
    first = client.post(f"/messages/{mid}/ack", headers=bearer("bob"))
    again = client.post(f"/messages/{mid}/ack", headers=bearer("bob"))
    assert first.get_json()["data"]["changed"] and not again.get_json()["data"]["changed"]
    assert client.post(f"/messages/{mid}/ack", headers=bearer("carol")).status_code == 404
    fin = "Ministère des Finances"
    members = [
        {"userId": "bob", "ministere": fin, "direction": "Direction du Budget"},
        {"userId": "eve", "ministere": fin, "direction": "Direction du Budget"},
        {"userId": "carol", "ministere": fin, "direction": "Direction du Trésor"},
    ]
    refused = client.put("/announcements/org-members", json={"members": members}, headers=bearer())
    assert refused.status_code == 403
    admin = bearer("alice", role="admin")
    put = client.put("/announcements/org-members", json={"members": members}, headers=admin)
    assert put.status_code == 200 and put.get_json()["data"] == {"updated": 3}
    empty = client.put("/announcements/org-members", json={"members": []}, headers=admin)
    assert empty.status_code == 400 and empty.get_json()["code"] == "VALIDATION_ERROR"
    census = client.get(f"/messages/{mid}/acks?groupBy=direction", headers=bearer("alice"))
    assert census.status_code == 200, census.get_json()
    assert census.get_json()["data"]["units"] == [
        {
            "unit": "ministere des finances/direction du budget",
            "acknowledged": 1,
            "read": 0,
            "delivered": 0,
            "pending": 1,
        },
    ]
    assert census.get_json()["data"]["pendingAgents"] == ["eve"]
    assert client.get(f"/messages/{mid}/acks", headers=bearer("bob")).status_code == 403


def test_bad_input_is_a_4xx_with_a_code(client: FlaskClient) -> None:
    assert make(client, units=[]).get_json()["code"] == "INVALID_AUDIENCE"
    assert make(client, units=[{"direction": "x"}]).get_json()["code"] == "VALIDATION_ERROR"
    plain = client.post(
        "/announcements/broadcasts", json={"title": "x", "units": [FIN]}, headers=bearer("bob")
    )
    assert plain.status_code == 403
    assert (
        client.get("/announcements/broadcasts/nope", headers=bearer("bob")).get_json()["code"]
        == "INVALID_ID"
    )
    bid = make(client).get_json()["data"]["id"]
    wrong = client.post(
        f"/announcements/broadcasts/{bid}/messages",
        json={"content": "x", "priority": "high"},
        headers=bearer(),
    )
    assert wrong.status_code == 400 and wrong.get_json()["code"] == "VALIDATION_ERROR"
    sent = client.post(
        f"/announcements/broadcasts/{bid}/messages", json={"content": "x"}, headers=bearer()
    )
    mid = sent.get_json()["data"]["id"]
    assert client.post(f"/messages/{mid}/ack", headers=bearer()).status_code == 409
    bad = client.get(f"/messages/{mid}/acks?groupBy=poste", headers=bearer())
    assert bad.status_code == 400 and bad.get_json()["code"] == "INVALID_ANNOUNCEMENT"


def _unit(direction: str) -> Any:
    from services.chat_file.announcements.domain.units import Unit

    return Unit.of("Ministère des Finances", direction)
