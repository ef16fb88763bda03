"""The second factor through HTTP (real Redis, SQLite): a required role enrols at login, then
answers codes; recovery codes; self service; an admin's reset; activation meets MFA."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.auth_user.app import create_app
from services.auth_user.domain.model import Role

from .conftest import DEMO_PASSWORD, bearer, make_settings
from .directory_support import csv_file, run_import


@pytest.fixture
def app(redis_url: str, key_prefix: str) -> Iterator[Flask]:
    yield create_app(make_settings(redis_url, key_prefix, mfa_required_roles=(Role.ADMIN,)))


def password_login(client: FlaskClient, matricule: str = "ADMIN001") -> Any:
    return client.post("/login", json={"matricule": matricule, "password": DEMO_PASSWORD})


def admin_session(client: FlaskClient) -> tuple[dict[str, Any], str]:
    """The demo admin enrolled at their first login: their session and TOTP secret."""
    challenge = password_login(client).get_json()
    secret = client.post("/login/mfa/setup", json={"mfaToken": challenge["mfaToken"]}).get_json()
    code = pyotp.TOTP(secret["secret"]).now()
    done = client.post("/login/mfa", json={"mfaToken": challenge["mfaToken"], "code": code})
    assert done.status_code == 200, done.get_json()
    return done.get_json(), secret["secret"]


def test_a_required_role_gets_a_challenge_enrols_and_logs_in(client: FlaskClient) -> None:
    first = password_login(client)
    assert first.status_code == 401
    challenge = first.get_json()
    assert (challenge["code"], challenge["mfaEnrolled"], challenge["expiresIn"]) == (
        "MFA_REQUIRED",
        False,
        300,
    )
    assert "accessToken" not in challenge and "accessToken=" not in str(first.headers)
    setup = client.post("/login/mfa/setup", json={"mfaToken": challenge["mfaToken"]})
    assert setup.headers["Cache-Control"] == "no-store"
    enrolment = setup.get_json()
    assert enrolment["otpauthUri"].startswith("otpauth://totp/ngomna:ADMIN001?secret=")
    code = pyotp.TOTP(enrolment["secret"]).now()
    done = client.post("/login/mfa", json={"mfaToken": challenge["mfaToken"], "code": code})
    assert done.status_code == 200
    body = done.get_json()
    assert body["user"]["matricule"] == "ADMIN001" and len(body["recoveryCodes"]) == 10
    assert "accessToken=" in str(done.headers)  # the session cookies, as /login sets them
    status = client.get("/me/mfa", headers=bearer(body["accessToken"])).get_json()
    assert status == {"enabled": True, "required": True, "recoveryCodesLeft": 10}

    again = password_login(client).get_json()
    assert (again["code"], again["mfaEnrolled"]) == ("MFA_REQUIRED", True)
    recovered = client.post(
        "/login/mfa", json={"mfaToken": again["mfaToken"], "code": body["recoveryCodes"][0]}
    )
    assert recovered.status_code == 200 and "recoveryCodes" not in recovered.get_json()
    admin = bearer(recovered.get_json()["accessToken"])
    events = client.get("/audit?kind=mfa_verified", headers=admin).get_json()["events"]
    assert [e["detail"] for e in events] == ["recovery", "enrolled"]


def test_members_log_in_without_a_factor_until_they_enrol(client: FlaskClient) -> None:
    session = password_login(client, "MAT1001")
    assert session.status_code == 200
    headers = bearer(session.get_json()["accessToken"])
    assert client.get("/me/mfa", headers=headers).get_json()["enabled"] is False
    secret = client.post("/me/mfa/setup", headers=headers).get_json()["secret"]
    wrong = client.post("/me/mfa/confirm", json={"code": "000000"}, headers=headers)
    assert (wrong.status_code, wrong.get_json()["code"]) == (401, "INVALID_MFA_CODE")
    codes = client.post(
        "/me/mfa/confirm", json={"code": pyotp.TOTP(secret).now()}, headers=headers
    ).get_json()["recoveryCodes"]
    assert len(codes) == 10
    assert password_login(client, "MAT1001").get_json()["code"] == "MFA_REQUIRED"
    busy = client.post("/me/mfa/setup", headers=headers)
    assert (busy.status_code, busy.get_json()["code"]) == (409, "MFA_ALREADY_ENABLED")

    admin, _ = admin_session(client)
    member_id = session.get_json()["user"]["id"]
    reset = client.delete(f"/{member_id}/mfa", headers=bearer(admin["accessToken"]))
    assert reset.status_code == 200
    assert password_login(client, "MAT1001").status_code == 200
    again = client.delete(f"/{member_id}/mfa", headers=bearer(admin["accessToken"]))
    assert (again.status_code, again.get_json()["code"]) == (409, "MFA_NOT_ENABLED")
    forbidden = client.delete(f"/{admin['user']['id']}/mfa", headers=headers)
    assert forbidden.get_json()["code"] in {"FORBIDDEN", "TOKEN_REVOKED"}


def test_the_required_role_cannot_turn_it_off(client: FlaskClient) -> None:
    admin, secret = admin_session(client)
    code = pyotp.TOTP(secret).now()  # refused before the code is even looked at
    refused = client.post(
        "/me/mfa/disable", json={"code": code}, headers=bearer(admin["accessToken"])
    )
    assert (refused.status_code, refused.get_json()["code"]) == (403, "MFA_MANDATORY")


@pytest.mark.parametrize(
    "path,body,status,code",
    [
        ("/login/mfa", {"mfaToken": "forged", "code": "123456"}, 401, "MFA_CHALLENGE_EXPIRED"),
        ("/login/mfa/setup", {"mfaToken": "forged"}, 401, "MFA_CHALLENGE_EXPIRED"),
        ("/login/mfa", {"mfaToken": "x" * 101, "code": "123456"}, 400, "VALIDATION_ERROR"),
        ("/login/mfa", {"mfaToken": "t", "code": "1" * 21}, 400, "VALIDATION_ERROR"),
        ("/login/mfa", {"code": "123456"}, 400, "VALIDATION_ERROR"),
        ("/login/mfa/setup", [], 400, "INVALID_JSON"),
    ],
)
def test_bad_challenges_are_refused(
    client: FlaskClient, path: str, body: Any, status: int, code: str
) -> None:
    response = client.post(path, json=body)
    assert (response.status_code, response.get_json()["code"]) == (status, code)


def test_five_wrong_codes_end_the_challenge(client: FlaskClient) -> None:
    admin_session(client)  # enrolled
    token = password_login(client).get_json()["mfaToken"]
    codes = [
        client.post("/login/mfa", json={"mfaToken": token, "code": "000000"}).get_json()["code"]
        for _ in range(5)
    ]
    assert codes == ["INVALID_MFA_CODE"] * 4 + ["MFA_CHALLENGE_EXPIRED"]


def test_an_imported_admin_activates_then_enrols(client: FlaskClient) -> None:
    admin, _ = admin_session(client)
    headers = bearer(admin["accessToken"])
    job = run_import(
        client,
        headers,
        csv_file("900001A,Chef,Ada,F,MINFI,,,,,,admin,1"),
    )
    exported = client.post(
        f"/admin/directory/imports/{job['id']}/activation-codes", headers=headers
    )
    code = exported.get_data(as_text=True).splitlines()[1].split(";")[6]
    body = {"matricule": "900001A", "code": code, "password": "Premier-Mot-2026"}
    activated = client.post("/activate", json=body)
    assert (activated.status_code, activated.get_json()["code"]) == (401, "MFA_REQUIRED")
    assert activated.get_json()["mfaEnrolled"] is False
