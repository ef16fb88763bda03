"""Directory imports through HTTP on SQLite and PostgreSQL: upload, dry run, apply, progress,
full mode and its limits, bad input (never a 500), and the SQL source."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from .directory_support import (
    admin_headers,
    csv_file,
    finished,
    run_import,
    upload,
)

ROWS = (
    "100001A,Ngono,Marie,F,Ministère des Finances,Direction du Budget,Solde,Chef,,,,1",
    "100002B,Fotso,Paul,M,Ministère des Finances,Direction du Budget,Paie,,+237 699,,,1",
    "100003C,Éyébé,Luc,M,Ministère de la Santé,Hôpitaux,,,,luc@sante.cm,moderator,1",
)


@pytest.fixture
def client(sql_client: FlaskClient) -> FlaskClient:
    return sql_client  # on SQLite, then on PostgreSQL


@pytest.fixture
def admin(client: FlaskClient) -> dict[str, str]:
    return admin_headers(client)


def counts(job: dict[str, Any]) -> tuple[int, ...]:
    result = job["result"]
    keys = ("created", "updated", "deactivated", "reactivated", "unchanged", "errorCount")
    return tuple(result[k] for k in keys)


def test_an_upload_is_a_job_whose_result_is_the_plan_and_whose_agents_are_searchable(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    started = upload(client, admin, csv_file(*ROWS))
    assert started.status_code == 202
    body = started.get_json()
    assert started.headers["Location"] == f"/admin/directory/imports/{body['id']}"
    assert (body["mode"], body["dryRun"], body["status"]) == ("merge", False, "running")
    job = finished(client, admin, body["id"])
    assert (job["status"], job["phase"], job["error"]) == ("succeeded", "done", None)
    assert counts(job) == (3, 0, 0, 0, 0, 0)
    assert job["progress"] == {"done": 3, "total": 3}
    unit = "/all?ministere=ministere%20des%20finances&direction=direction%20du%20budget"
    found = client.get(unit, headers=admin).get_json()["users"]
    assert sorted(u["matricule"] for u in found) == ["100001A", "100002B"]
    agent = client.get("/100003C", headers=admin).get_json()
    assert (agent["role"], agent["email"], agent["activated"], agent["managed"]) == (
        "moderator",
        "luc@sante.cm",
        False,
        True,
    )
    listed = client.get("/admin/directory/imports", headers=admin).get_json()
    assert listed["imports"][0]["id"] == body["id"]


def test_a_dry_run_returns_the_exact_plan_and_writes_nothing(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    dry = run_import(client, admin, csv_file(*ROWS), dryRun=True)
    assert (dry["dryRun"], counts(dry)) == (True, (3, 0, 0, 0, 0, 0))
    assert client.get("/100001A", headers=admin).status_code == 404
    real = run_import(client, admin, csv_file(*ROWS))
    assert real["result"] == dry["result"]


def test_a_second_identical_run_changes_nothing(client: FlaskClient, admin: dict[str, str]):
    run_import(client, admin, csv_file(*ROWS))
    before = client.get("/100001A", headers=admin).get_json()
    again = run_import(client, admin, csv_file(*ROWS))
    assert counts(again) == (0, 0, 0, 0, 3, 0)
    assert client.get("/100001A", headers=admin).get_json()["updatedAt"] == before["updatedAt"]


def test_changes_deactivations_and_reactivations_are_applied(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    run_import(client, admin, csv_file(*ROWS))
    changed = (
        "100001A,Ngono,Marie,F,Ministère des Finances,Direction du Budget,Paie,Chef,,,,1",
        "100002B,Fotso,Paul,M,Ministère des Finances,Direction du Budget,Paie,,+237 699,,,0",
        ROWS[2],
    )
    job = run_import(client, admin, csv_file(*changed), force=True)  # 1 of 8 accounts: > 5 %
    assert counts(job) == (0, 1, 1, 0, 1, 0)
    assert client.get("/100002B", headers=admin).get_json()["active"] is False
    back = run_import(client, admin, csv_file(*ROWS))
    assert counts(back) == (0, 1, 0, 1, 1, 0)


def test_full_mode_deactivates_missing_agents_within_the_limit_or_with_force(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    many = [f"2000{n:02d}X,Agent{n},Test,M,MINFI,,,,,,,1" for n in range(40)]
    run_import(client, admin, csv_file(*many))
    two_gone = run_import(client, admin, csv_file(*many[:38]), mode="full")
    assert counts(two_gone)[:3] == (0, 0, 2)  # 2 of 46 active accounts: within 5 %
    refused = run_import(client, admin, csv_file(*many[:30]), mode="full")
    assert (refused["status"], refused["error"]["code"]) == ("refused", "TOO_MANY_DEACTIVATIONS")
    assert refused["result"]["deactivated"] == 8
    assert client.get("/200030X", headers=admin).get_json()["active"] is True
    forced = run_import(client, admin, csv_file(*many[:30]), mode="full", force=True)
    assert (forced["status"], counts(forced)[2]) == ("succeeded", 8)
    assert client.get("/200030X", headers=admin).get_json()["active"] is False
    demo = client.get("/MAT1001", headers=admin).get_json()
    assert demo["active"] is True  # made by hand, not managed: a full import leaves it


def test_malformed_lines_are_reported_and_merge_applies_the_rest(
    client: FlaskClient, admin: dict[str, str]
) -> None:
    rows = (
        ROWS[0],
        "bad matricule,X,Y,M,MINFI,,,,,,,1",
        "100009Z,Trop,Court",
        "100010Z,Role,Inconnu,M,MINFI,,,,,,root,1",
        "100011Z,Doublon,Un,M,MINFI,,,,,,,1",
        "100011Z,Doublon,Deux,M,MINFI,,,,,,,1",
        ROWS[1],
    )
    job = run_import(client, admin, csv_file(*rows))
    assert counts(job) == (2, 0, 0, 0, 0, 5)
    assert job["result"]["errors"] == [
        {"line": 3, "field": "matricule", "code": "INVALID_FORMAT"},
        {"line": 4, "field": "", "code": "MALFORMED_LINE"},
        {"line": 5, "field": "role", "code": "INVALID_VALUE"},
        {"line": 6, "field": "matricule", "code": "DUPLICATE_MATRICULE"},
        {"line": 7, "field": "matricule", "code": "DUPLICATE_MATRICULE"},
    ]
    refused = run_import(client, admin, csv_file(*rows), mode="full")
    assert (refused["status"], refused["error"]["code"]) == ("refused", "TOO_MANY_ERRORS")


def test_jsonl_files_import_too(client: FlaskClient, admin: dict[str, str]) -> None:
    lines = (
        b'{"matricule": "300001J", "nom": "Mbarga", "ministere": "MINFI", "active": true}\n'
        b'{"matricule": 300002, "nom": "Essomba"}\n'
        b"not json\n"
    )
    job = run_import(client, admin, lines, name="agents.jsonl")
    assert counts(job) == (2, 0, 0, 0, 0, 1)
    assert job["result"]["errors"] == [{"line": 3, "field": "", "code": "MALFORMED_LINE"}]
