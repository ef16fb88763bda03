"""Self service through HTTP: GET /me, PATCH /me (locale), POST /me/password."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.waiting import wait_until

from .conftest import DEMO_PASSWORD, Login, bearer

NEW_PASSWORD = "Autre-Mot-2026"


def test_me_is_the_callers_account_with_its_private_fields(client: FlaskClient, login: Login):
    session = login("MAT1003")
    me = client.get("/me", headers=bearer(session["accessToken"])).get_json()
    assert (me["id"], me["matricule"]) == (session["user"]["id"], "MAT1003")
    assert (me["role"], me["locale"], me["activated"]) == ("user", "fr", True)


def test_the_user_sets_their_language(client: FlaskClient, login: Login) -> None:
    headers = bearer(login("MAT1003")["accessToken"])
    changed = client.patch("/me", json={"locale": "en"}, headers=headers)
    assert (changed.status_code, changed.get_json()["locale"]) == (200, "en")
    assert client.get("/me", headers=headers).get_json()["locale"] == "en"
    refused = client.patch("/me", json={"locale": "de"}, headers=headers)
    assert (refused.status_code, refused.get_json()["code"]) == (400, "VALIDATION_ERROR")
    assert client.patch("/me", json={}, headers=headers).status_code == 400


def test_a_cookie_session_needs_the_csrf_header_to_change_its_locale(
    client: FlaskClient,
) -> None:
    client.post("/login", json={"matricule": "MAT1003", "password": DEMO_PASSWORD})
    refused = client.patch("/me", json={"locale": "en"})
    assert (refused.status_code, refused.get_json()["code"]) == (403, "CSRF_FAILED")
    csrf = client.get_cookie("csrf_access_token")
    assert csrf is not None
    accepted = client.patch("/me", json={"locale": "en"}, headers={"X-CSRF-TOKEN": csrf.value})
    assert accepted.status_code == 200


def test_a_password_change_ends_the_other_sessions_only(client: FlaskClient, login: Login):
    here, there = login("MAT1004"), login("MAT1004")
    change = {"currentPassword": DEMO_PASSWORD, "newPassword": NEW_PASSWORD}
    done = client.post("/me/password", json=change, headers=bearer(here["accessToken"]))
    assert done.status_code == 200, done.get_json()
    assert client.get("/me", headers=bearer(here["accessToken"])).status_code == 200
    # the revocation reaches this process's mirror through Redis: within a second
    wait_until(lambda: client.get("/me", headers=bearer(there["accessToken"])).status_code == 401)
    gone = client.get("/me", headers=bearer(there["accessToken"]))
    assert (gone.status_code, gone.get_json()["code"]) == (401, "TOKEN_REVOKED")
    old = client.post("/login", json={"matricule": "MAT1004", "password": DEMO_PASSWORD})
    assert old.get_json()["code"] == "INVALID_CREDENTIALS"
    assert login("MAT1004", NEW_PASSWORD)["user"]["matricule"] == "MAT1004"


def test_a_wrong_current_password_is_refused_and_audited(client: FlaskClient, login: Login):
    session = login("MAT1002")
    change = {"currentPassword": "pas-le-bon", "newPassword": NEW_PASSWORD}
    refused = client.post("/me/password", json=change, headers=bearer(session["accessToken"]))
    assert (refused.status_code, refused.get_json()["code"]) == (403, "INVALID_CURRENT_PASSWORD")
    admin = bearer(login("ADMIN001")["accessToken"])
    events = client.get("/audit?kind=password_refused", headers=admin).get_json()["events"]
    assert [e["userId"] for e in events] == [session["user"]["id"]]
    assert login("MAT1002")["user"]["matricule"] == "MAT1002"  # unchanged


def test_bad_password_changes_are_validation_errors(client: FlaskClient, login: Login) -> None:
    headers = bearer(login("MAT1002")["accessToken"])
    for body in (
        {"currentPassword": DEMO_PASSWORD},
        {"currentPassword": DEMO_PASSWORD, "newPassword": "court"},
        {"currentPassword": DEMO_PASSWORD, "newPassword": DEMO_PASSWORD},
        {"currentPassword": DEMO_PASSWORD, "newPassword": "é" * 100},
    ):
        response = client.post("/me/password", json=body, headers=headers)
        assert (response.status_code, response.get_json()["code"]) == (400, "VALIDATION_ERROR")
