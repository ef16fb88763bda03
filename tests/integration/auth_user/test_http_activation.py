"""Activation through HTTP on SQLite and PostgreSQL: an import's codes exported as CSV, an
agent's first login with one (POST /activate), one agent's new code."""

from __future__ import annotations

import csv
import io

import pytest
from flask.testing import FlaskClient

from .conftest import DEMO_PASSWORD, bearer
from .directory_support import admin_headers, csv_file, run_import

ROWS = (
    "800001A,Ngono,Marie,F,Ministère des Finances,Budget,Solde,,,,,1",
    "800002B,Fotso,Paul,M,Ministère des Finances,Budget,Paie,,,,,1",
)
FIRST = "Premier-Mot-2026"


@pytest.fixture
def client(sql_client: FlaskClient) -> FlaskClient:
    return sql_client  # on SQLite, then on PostgreSQL


@pytest.fixture
def admin(client: FlaskClient) -> dict[str, str]:
    return admin_headers(client)


def exported(client: FlaskClient, admin: dict[str, str], job_id: str) -> dict[str, dict]:
    response = client.post(f"/admin/directory/imports/{job_id}/activation-codes", headers=admin)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return {r["matricule"]: r for r in csv.DictReader(io.StringIO(text[1:]), delimiter=";")}


def activate(client: FlaskClient, matricule: str, code: str, password: str = FIRST):
    body = {"matricule": matricule, "code": code, "password": password}
    return client.application.test_client().post("/activate", json=body)


def test_exported_codes_let_each_agent_set_a_password_and_log_in_once(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    job = run_import(client, admin, csv_file(*ROWS))
    codes = exported(client, admin, job["id"])
    assert sorted(codes) == ["800001A", "800002B"]
    marie = codes["800001A"]
    assert (marie["nom"], marie["ministere"], marie["service"]) == (
        "Ngono",
        "Ministère des Finances",
        "Solde",
    )
    refused = client.post("/login", json={"matricule": "800001A", "password": FIRST})
    assert refused.get_json()["code"] == "INVALID_CREDENTIALS"
    first = activate(client, "800001A", marie["code"].lower())
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert (body["user"]["matricule"], body["user"]["activated"]) == ("800001A", True)
    assert "accessToken=" in str(first.headers)
    assert client.get("/me", headers=bearer(body["accessToken"])).status_code == 200
    again = activate(client, "800001A", marie["code"], "Autre-Mot-2026")
    assert (again.status_code, again.get_json()["code"]) == (401, "INVALID_ACTIVATION_CODE")
    login = client.post("/login", json={"matricule": "800001A", "password": FIRST})
    assert login.status_code == 200
    assert sorted(exported(client, admin, job["id"])) == ["800002B"]  # the one still waiting


def test_an_admin_issues_one_agents_code(client: FlaskClient, admin: dict[str, str]) -> None:
    jean = client.get("/MAT1001", headers=admin).get_json()
    issued = client.post(f"/{jean['id']}/activation-code", headers=admin)
    assert issued.status_code == 200 and issued.headers["Cache-Control"] == "no-store"
    code = issued.get_json()
    assert code["matricule"] == "MAT1001" and len(code["code"]) == 14
    assert activate(client, "MAT1001", code["code"]).status_code == 200
    old = client.post("/login", json={"matricule": "MAT1001", "password": DEMO_PASSWORD})
    assert old.get_json()["code"] == "INVALID_CREDENTIALS"
    events = client.get("/audit?kind=activation_codes_issued", headers=admin).get_json()["events"]
    assert [e["userId"] for e in events] == [jean["id"]]


@pytest.mark.parametrize(
    "body,status,code",
    [
        (
            {"matricule": "800001A", "code": "AAAA-BBBB-CCCC", "password": FIRST},
            401,
            "INVALID_ACTIVATION_CODE",
        ),
        (
            {"matricule": "PERSONNE", "code": "AAAA-BBBB-CCCC", "password": FIRST},
            401,
            "INVALID_ACTIVATION_CODE",
        ),
        (
            {"matricule": "800001A", "code": "AAAA-BBBB-CCCC", "password": "court"},
            400,
            "VALIDATION_ERROR",
        ),
        ({"matricule": "800001A", "code": "x" * 41, "password": FIRST}, 400, "VALIDATION_ERROR"),
        ({"matricule": "800001A", "password": FIRST}, 400, "VALIDATION_ERROR"),
        ({"matricule": ["800001A"], "code": "A", "password": FIRST}, 400, "VALIDATION_ERROR"),
    ],
)
def test_bad_activations_are_refused(
    client: FlaskClient, admin: dict[str, str], body: dict, status: int, code: str
) -> None:
    run_import(client, admin, csv_file(*ROWS))
    response = client.application.test_client().post("/activate", json=body)
    assert (response.status_code, response.get_json()["code"]) == (status, code)


def test_codes_are_for_admins(client: FlaskClient, admin: dict[str, str]) -> None:
    job = run_import(client, admin, csv_file(*ROWS))
    member = client.post("/login", json={"matricule": "MAT1002", "password": DEMO_PASSWORD})
    headers = bearer(member.get_json()["accessToken"])
    url = f"/admin/directory/imports/{job['id']}/activation-codes"
    assert client.post(url, headers=headers).get_json()["code"] == "FORBIDDEN"
    jean = client.get("/MAT1001", headers=admin).get_json()["id"]
    assert client.post(f"/{jean}/activation-code", headers=headers).status_code == 403
    unknown = client.post(f"/admin/directory/imports/{'f' * 24}/activation-codes", headers=admin)
    assert (unknown.status_code, unknown.get_json()["code"]) == (404, "IMPORT_NOT_FOUND")
    nobody = client.post(f"/{'f' * 24}/activation-code", headers=admin)
    assert (nobody.status_code, nobody.get_json()["code"]) == (404, "USER_NOT_FOUND")


def test_names_a_spreadsheet_would_run_are_quoted_in_the_export(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    rows = ('800009Z,"=HYPERLINK(""http://x"")",@Marie,F,+MINFI,-Budget,,,,,,1',)
    job = run_import(client, admin, csv_file(*rows))
    assert job["result"]["created"] == 1, job["result"]
    agent = exported(client, admin, job["id"])["800009Z"]
    assert (agent["nom"], agent["prenom"]) == ('\'=HYPERLINK("http://x")', "'@Marie")
    assert (agent["ministere"], agent["direction"]) == ("'+MINFI", "'-Budget")
    assert client.get("/800009Z", headers=admin).get_json()["prenom"] == "@Marie"  # stored as is
