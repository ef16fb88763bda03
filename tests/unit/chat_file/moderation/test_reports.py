"""Reports through the HTTP routes on the store fakes: who may report what, the snapshot that
outlives an edit and a delete, the moderators' list, filters, paging, closing, the audit."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from services.chat_file.kernel.identity import Identity
from services.chat_file.moderation.api.views import EVENT_VIEWS, ReportPageView, ReportView

from ..conversations.test_views import assert_documented, response_schema
from ..fakes import bearer


class RecordingAlerts:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def alert(self, event: str, payload: object) -> None:
        self.events.append((event, EVENT_VIEWS[type(payload)](payload)))


@pytest.fixture
def alerts() -> RecordingAlerts:
    return RecordingAlerts()


@pytest.fixture
def fakes(fakes: dict[str, Any], alerts: RecordingAlerts) -> dict[str, Any]:
    return {**fakes, "moderator_alerts": alerts}


def moderator(user: str = "mod", role: str = "moderator") -> dict[str, str]:
    return bearer(user, role=role)


def send(client: FlaskClient, cid: str, content: str, user: str = "bob") -> str:
    body = {"conversationId": cid, "content": content}
    response = client.post("/messages", json=body, headers=bearer(user))
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["data"]["id"])


@pytest.fixture
def cid(client: FlaskClient) -> str:
    body = {"type": "PRIVATE", "participantId": "bob"}
    response = client.post("/conversations", json=body, headers=bearer("alice"))
    return str(response.get_json()["data"]["id"])


def report(client: FlaskClient, mid: str, user: str = "alice", **body: Any) -> Any:
    payload = {"reason": "harassment", "comment": "pas correct", **body}
    return client.post(f"/messages/{mid}/report", json=payload, headers=bearer(user))


def test_a_participant_reports_a_message_and_moderators_are_alerted(
    client: FlaskClient, cid: str, alerts: RecordingAlerts
) -> None:
    mid = send(client, cid, "message offensant")
    response = report(client, mid)
    assert response.status_code == 201
    data = response.get_json()["data"]
    ReportView().check_fast(
        client.application.extensions["chat"].moderation_bundle.reports.get(
            Identity("mod", None, role="moderator"), data["id"]
        )
    )
    assert data["messageId"] == mid and data["conversationId"] == cid
    assert (data["reporterId"], data["reason"], data["comment"]) == (
        "alice",
        "harassment",
        "pas correct",
    )
    assert data["message"]["content"] == "message offensant"
    assert data["message"]["senderId"] == "bob" and data["status"] == "open"
    assert alerts.events == [("report:new", data)]


def test_reporting_twice_is_409_and_strangers_get_404(client: FlaskClient, cid: str) -> None:
    mid = send(client, cid, "bonjour")
    assert report(client, mid).status_code == 201
    again = report(client, mid)
    assert again.status_code == 409 and again.get_json()["code"] == "ALREADY_REPORTED"
    stranger = report(client, mid, user="carol")
    assert stranger.status_code == 404 and stranger.get_json()["code"] == "MESSAGE_NOT_FOUND"
    missing = report(client, "a" * 24)
    assert missing.status_code == 404 and missing.get_json()["code"] == "MESSAGE_NOT_FOUND"
    assert report(client, "nope").get_json()["code"] == "INVALID_ID"
    assert report(client, mid, user="bob").status_code == 201  # the author may too (own report)


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "boring"},
        {"reason": 3},
        {"comment": "x"},
        {"reason": "spam", "comment": "x" * 1001},
    ],
)
def test_bad_report_bodies_are_validation_errors(
    client: FlaskClient, cid: str, body: dict[str, Any]
) -> None:
    mid = send(client, cid, "bonjour")
    response = client.post(f"/messages/{mid}/report", json=body, headers=bearer("alice"))
    assert response.status_code == 400 and response.get_json()["code"] == "VALIDATION_ERROR"


def test_the_snapshot_survives_an_edit_and_a_delete(client: FlaskClient, cid: str) -> None:
    mid = send(client, cid, "version originale")
    report_id = report(client, mid).get_json()["data"]["id"]
    edited = client.put(
        f"/messages/{mid}", json={"content": "version propre"}, headers=bearer("bob")
    )
    assert edited.status_code == 200
    gone = client.delete(f"/messages/{mid}?scope=everyone", headers=bearer("bob"))
    assert gone.status_code == 200
    found = client.get(f"/moderation/reports/{report_id}", headers=moderator())
    assert found.get_json()["data"]["message"]["content"] == "version originale"


@pytest.mark.parametrize("role", ["user", "compliance", None])
def test_only_moderators_and_admins_read_and_close_reports(
    client: FlaskClient, cid: str, role: str | None
) -> None:
    report_id = report(client, send(client, cid, "x")).get_json()["data"]["id"]
    for response in (
        client.get("/moderation/reports", headers=bearer("alice", role=role)),
        client.get(f"/moderation/reports/{report_id}", headers=bearer("alice", role=role)),
        client.post(f"/moderation/reports/{report_id}/resolve", headers=bearer("alice", role=role)),
    ):
        assert response.status_code == 403 and response.get_json()["code"] == "MODERATOR_REQUIRED"
    assert client.get("/moderation/reports", headers=moderator(role="admin")).status_code == 200


def test_filters_and_paging(client: FlaskClient, cid: str) -> None:
    group = client.post(
        "/conversations",
        json={"type": "GROUP", "name": "Equipe", "members": ["bob", "carol"]},
        headers=bearer("alice"),
    ).get_json()["data"]["id"]
    ids = [
        report(client, send(client, cid, f"m{i}"), reason="spam").get_json()["data"]["id"]
        for i in range(5)
    ]
    other = report(client, send(client, group, "g", user="carol"), user="bob").get_json()["data"][
        "id"
    ]

    def listed(query: str) -> dict[str, Any]:
        response = client.get(f"/moderation/reports{query}", headers=moderator())
        assert response.status_code == 200, response.get_json()
        data: dict[str, Any] = response.get_json()["data"]
        ReportPageView().load(data)  # the documented shape
        return data

    everything = listed("")
    assert [r["id"] for r in everything["reports"]] == [other, *reversed(ids)]
    assert everything["nextBefore"] is None
    assert [r["id"] for r in listed("?reason=spam")["reports"]] == list(reversed(ids))
    assert [r["id"] for r in listed(f"?conversationId={group}")["reports"]] == [other]
    assert [r["id"] for r in listed("?reporterId=bob")["reports"]] == [other]
    assert [r["id"] for r in listed("?senderId=carol")["reports"]] == [other]
    first = listed("?reason=spam&limit=2")
    second = listed(f"?reason=spam&limit=2&before={first['nextBefore']}")
    third = listed(f"?reason=spam&limit=2&before={second['nextBefore']}")
    walked = [r["id"] for page in (first, second, third) for r in page["reports"]]
    assert walked == list(reversed(ids)) and third["nextBefore"] is None
    for bad in (
        "?limit=0",
        "?limit=101",
        "?status=gone",
        "?before=zz",
        "?conversationId=1",
        "?reporterId=a%20b",
    ):
        response = client.get(f"/moderation/reports{bad}", headers=moderator())
        assert response.status_code == 400, bad


def test_resolve_and_dismiss_close_once_with_a_note_and_are_audited(
    client: FlaskClient, cid: str
) -> None:
    first = report(client, send(client, cid, "a")).get_json()["data"]["id"]
    second = report(client, send(client, cid, "b")).get_json()["data"]["id"]
    path = f"/moderation/reports/{first}/resolve"
    resolved = client.post(path, json={"note": "averti"}, headers=moderator())
    assert resolved.status_code == 200
    data = resolved.get_json()["data"]
    assert (data["status"], data["closedBy"], data["note"]) == ("resolved", "mod", "averti")
    assert data["closedAt"] is not None
    again = client.post(path, headers=moderator())
    assert again.status_code == 409 and again.get_json()["code"] == "REPORT_CLOSED"
    dismissed = client.post(f"/moderation/reports/{second}/dismiss", headers=moderator())
    assert dismissed.get_json()["data"]["status"] == "dismissed"
    assert [
        r["id"]
        for r in client.get("/moderation/reports?status=open", headers=moderator()).get_json()[
            "data"
        ]["reports"]
    ] == []
    missing = client.post(f"/moderation/reports/{'b' * 24}/dismiss", headers=moderator())
    assert missing.status_code == 404 and missing.get_json()["code"] == "REPORT_NOT_FOUND"
    audit = client.application.extensions["chat"].moderation_bundle.audit
    actions = [(e.actor_id, e.action, e.target_id) for e in reversed(audit.recent())]
    assert ("mod", "report.resolved", first) in actions
    assert ("mod", "report.dismissed", second) in actions
    assert {a[0] for a in actions if a[1] == "report.created"} == {"alice"}
    assert audit.recent(first)[0].detail == {"messageId": data["messageId"], "note": "averti"}


def test_the_routes_return_exactly_the_fields_they_document(client: FlaskClient, cid: str) -> None:
    spec = client.get("/openapi.json").get_json()
    mid = send(client, cid, "à modérer")
    created = report(client, mid)
    assert_documented(
        spec,
        response_schema(spec, "post", "/messages/{message_id}/report"),
        created.get_json()["data"],
        "post report",
    )
    rid = created.get_json()["data"]["id"]
    calls = [
        ("get", "/moderation/reports", "/moderation/reports"),
        ("get", "/moderation/reports/{report_id}", f"/moderation/reports/{rid}"),
        ("post", "/moderation/reports/{report_id}/resolve", f"/moderation/reports/{rid}/resolve"),
    ]
    for method, route, url in calls:
        answer = client.open(url, method=method.upper(), headers=moderator())
        assert answer.status_code == 200, (url, answer.get_json())
        schema = response_schema(spec, method, route)
        assert_documented(spec, schema, answer.get_json()["data"], f"{method} {route}")


def test_the_audit_trail_is_read_by_moderators_and_compliance(
    client: FlaskClient, cid: str
) -> None:
    spec = client.get("/openapi.json").get_json()
    mid = send(client, cid, "x")
    rid = report(client, mid).get_json()["data"]["id"]
    client.post(f"/moderation/reports/{rid}/dismiss", json={"note": "rien"}, headers=moderator())
    for role in ("moderator", "compliance", "admin"):
        answer = client.get("/moderation/audit?limit=5", headers=bearer("x", role=role))
        assert answer.status_code == 200, answer.get_json()
        data = answer.get_json()["data"]
        assert [e["action"] for e in data["entries"]][:2] == ["report.dismissed", "report.created"]
        assert_documented(spec, response_schema(spec, "get", "/moderation/audit"), data, "audit")
    narrowed = client.get(f"/moderation/audit?targetId={rid}", headers=moderator())
    (only,) = narrowed.get_json()["data"]["entries"]
    assert (only["actorId"], only["detail"]["note"]) == ("mod", "rien")
    refused = client.get("/moderation/audit", headers=bearer("alice"))
    assert refused.status_code == 403 and refused.get_json()["code"] == "COMPLIANCE_REQUIRED"
    assert client.get("/moderation/audit?limit=0", headers=moderator()).status_code == 400
