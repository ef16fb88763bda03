"""Security events through the HTTP interface: stored and queryable by admins (paginated),
emitted as structured log lines, and counted in /metrics (login failures, rate limits)."""

from __future__ import annotations

import json
import logging

import pytest
from flask.testing import FlaskClient

from libs.servicekit.observability import JsonFormatter
from services.auth_user.app import create_app
from services.auth_user.domain.model import AuditEvent
from services.auth_user.settings import lookup_rates

from .conftest import DEMO_PASSWORD, Login, bearer, make_settings


def test_admins_page_through_the_security_events(client: FlaskClient, login: Login) -> None:
    member = login("MAT1001")
    client.post("/login", json={"matricule": "MAT1001", "password": "wrong-password"})
    client.post("/logout", json={"refreshToken": member["refreshToken"]})
    admin = bearer(login("ADMIN001")["accessToken"])
    events = client.get("/audit?limit=2", headers=admin).get_json()
    assert events["pagination"]["total"] >= 4 and len(events["events"]) == 2
    assert events["events"][0]["kind"] == "login_ok"  # the admin's own login, newest
    mine = client.get(f"/audit?userId={member['user']['id']}", headers=admin).get_json()
    assert [(e["kind"], e["detail"]) for e in mine["events"]] == [
        ("session_ended", "logout"),
        ("login_failed", "wrong_password"),
        ("login_ok", mine["events"][2]["detail"]),
    ]
    failed = client.get("/audit?kind=login_failed", headers=admin).get_json()["events"]
    assert {e["kind"] for e in failed} == {"login_failed"} and failed[0]["ip"]
    refused = client.get("/audit", headers=bearer(member["accessToken"]))
    assert refused.status_code == 401  # that session logged out
    other = client.get("/audit", headers=bearer(login("MAT1002")["accessToken"]))
    assert (other.status_code, other.get_json()["code"]) == (403, "FORBIDDEN")


def test_events_are_structured_log_lines_without_secrets(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="security.audit"):
        client.post("/login", json={"matricule": "MAT1001", "password": "not-the-password"})
    record = next(r for r in caplog.records if r.name == "security.audit")
    line = json.loads(JsonFormatter("auth_user").format(record))
    assert (line["event"], line["detail"]) == ("login_failed", "wrong_password")
    assert line["user_id"] and "not-the-password" not in json.dumps(line)


def test_login_failures_and_rate_limit_refusals_are_counted_in_metrics(
    redis_url: str, key_prefix: str
) -> None:
    limits = lookup_rates({"RATE_LIMIT_LOOKUP": "1/1m"})
    settings = make_settings(redis_url, key_prefix, rate_limits=limits)
    client = create_app(settings).test_client()
    client.post("/login", json={"matricule": "MAT1001", "password": "wrong-password"})
    client.post("/login", json={"matricule": "NOBODY", "password": "wrong-password"})
    token = client.post(
        "/login", json={"matricule": "MAT1001", "password": DEMO_PASSWORD}
    ).get_json()["accessToken"]
    for _ in range(2):
        client.get("/MAT1002", headers=bearer(token))
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'auth_login_failures_total{reason="wrong_password"} 1.0' in metrics
    assert 'auth_login_failures_total{reason="unknown_matricule"} 1.0' in metrics
    assert 'auth_rate_limited_total{scope="lookup"} 1.0' in metrics
    decisions = 'rate_limit_decisions_total{action="lookup",result="%s",scope="shared"} 1.0'
    assert decisions % "allowed" in metrics and decisions % "limited" in metrics


class RaisingAuditLog:
    """An audit store that fails every write (the database behind it is gone)."""

    def __init__(self) -> None:
        self.attempts = 0

    def record(self, event: AuditEvent) -> None:
        self.attempts += 1
        raise RuntimeError("audit store down")

    def page(
        self, kind: str | None, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[AuditEvent], int]:
        raise RuntimeError("audit store down")


def test_a_failing_audit_store_never_fails_the_login_it_records(
    redis_url: str, key_prefix: str, caplog: pytest.LogCaptureFixture
) -> None:
    broken = RaisingAuditLog()
    client = create_app(make_settings(redis_url, key_prefix), audit_log=broken).test_client()
    with caplog.at_level(logging.INFO, logger="security.audit"):
        wrong = client.post("/login", json={"matricule": "MAT1001", "password": "wrong-password"})
        login = client.post("/login", json={"matricule": "MAT1001", "password": DEMO_PASSWORD})
        body = login.get_json()
        logout = client.post("/logout", json={"refreshToken": body["refreshToken"]})
    assert (wrong.status_code, wrong.get_json()["code"]) == (401, "INVALID_CREDENTIALS")
    assert login.status_code == 200 and body["accessToken"], body
    assert logout.status_code == 200, logout.get_json()
    assert broken.attempts == 3  # the fake was the store in use: each event tried to land there
    unstored = [r.getMessage() for r in caplog.records if "could not be stored" in r.getMessage()]
    assert unstored == [
        "security event login_failed could not be stored",
        "security event login_ok could not be stored",
        "security event session_ended could not be stored",
    ]
