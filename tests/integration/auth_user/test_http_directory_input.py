"""Bad input to the directory import route: each is a clear 4xx with a stable code."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.auth_user.app import create_app

from .conftest import DEMO_PASSWORD, bearer, make_settings
from .directory_support import admin_headers, csv_file, upload

MAX_BYTES = 2048


@pytest.fixture
def app(redis_url: str, key_prefix: str) -> Iterator[Flask]:
    yield create_app(make_settings(redis_url, key_prefix, directory_max_bytes=MAX_BYTES))


@pytest.fixture
def admin(client: FlaskClient) -> dict[str, str]:
    return admin_headers(client)


def refused(response: Any, status: int, code: str) -> None:
    assert (response.status_code, response.get_json()["code"]) == (status, code)


def test_a_file_over_the_limit_is_413(client: FlaskClient, admin: dict[str, str]) -> None:
    big = csv_file(*(f"M{n:06d},Nom,Prenom,M,MINFI,,,,,,,1" for n in range(100)))
    assert len(big) > MAX_BYTES
    refused(upload(client, admin, big), 413, "FILE_TOO_LARGE")
    huge = big * 100  # past the request limit too: refused before it is read whole
    refused(upload(client, admin, huge), 413, "FILE_TOO_LARGE")


@pytest.mark.parametrize(
    "data,name,options,status,code",
    [
        (b"nom,prenom\nA,B\n", "agents.csv", {}, 400, "UNREADABLE_FILE"),
        (b"\xff\xfe\x00\x00binary", "agents.csv", {}, 400, "UNREADABLE_FILE"),
        (b"matricule,nom\nM1,A\n", "agents.xlsx", {}, 400, "UNREADABLE_FILE"),
        (b"matricule,nom\nM1,A\n", "agents.csv", {"mode": "everything"}, 400, "VALIDATION_ERROR"),
        (b"matricule,nom\nM1,A\n", "agents.csv", {"dryRun": "maybe"}, 400, "VALIDATION_ERROR"),
        (b"matricule,nom\nM1,A\n", "agents.csv", {"format": "xml"}, 400, "VALIDATION_ERROR"),
        (b"matricule,nom\nM1,A\n", "agents.csv", {"source": "sql"}, 409, "SOURCE_NOT_CONFIGURED"),
    ],
)
def test_bad_files_and_options_are_refused_before_any_job(
    client: FlaskClient,
    admin: dict[str, str],
    data: bytes,
    name: str,
    options: dict[str, str],
    status: int,
    code: str,
) -> None:
    refused(upload(client, admin, data, name=name, **options), status, code)
    assert client.get("/admin/directory/imports", headers=admin).get_json()["imports"] == []


def test_no_file_is_400(client: FlaskClient, admin: dict[str, str]) -> None:
    form = {"mode": "merge"}
    response = client.post(
        "/admin/directory/imports", data=form, headers=admin, content_type="multipart/form-data"
    )
    refused(response, 400, "FILE_REQUIRED")
    refused(client.post("/admin/directory/imports", json={}, headers=admin), 400, "FILE_REQUIRED")
    garbage = client.post(
        "/admin/directory/imports", data=b"{", headers=admin, content_type="application/json"
    )
    refused(garbage, 400, "INVALID_JSON")


def test_imports_are_for_admins_only(client: FlaskClient) -> None:
    body = {"matricule": "MAT1001", "password": DEMO_PASSWORD}
    member = bearer(client.post("/login", json=body).get_json()["accessToken"])
    refused(upload(client, member, csv_file("M1,A,B,M,X,,,,,,,1")), 403, "FORBIDDEN")
    refused(client.get("/admin/directory/imports", headers=member), 403, "FORBIDDEN")
    too_big = csv_file(*(f"M{n:06d},Nom,Prenom,M,MINFI,,,,,,,1" for n in range(100)))
    refused(upload(client, member, too_big), 403, "FORBIDDEN")  # before the file is read
    anonymous = client.application.test_client()  # no session cookie either
    refused(upload(anonymous, {}, csv_file("M1,A,B,M,X,,,,,,,1")), 401, "MISSING_TOKEN")


def test_an_unknown_import_is_404(client: FlaskClient, admin: dict[str, str]) -> None:
    refused(
        client.get(f"/admin/directory/imports/{'f' * 24}", headers=admin), 404, "IMPORT_NOT_FOUND"
    )


def test_a_second_import_while_one_runs_is_409(redis_url: str, key_prefix: str) -> None:
    parked: list[Any] = []  # the first job never runs: it holds the slot
    app = create_app(make_settings(redis_url, key_prefix), spawn=parked.append)
    client = app.test_client()
    admin = admin_headers(client)
    first = upload(client, admin, csv_file("M1,A,B,M,X,,,,,,,1"))
    assert first.status_code == 202
    refused(upload(client, admin, csv_file("M2,A,B,M,X,,,,,,,1")), 409, "IMPORT_IN_PROGRESS")
    parked.pop()()  # it runs and ends: the next one may start
    assert upload(client, admin, csv_file("M2,A,B,M,X,,,,,,,1")).status_code == 202


def test_a_cookie_session_needs_the_csrf_header(client: FlaskClient) -> None:
    client.post("/login", json={"matricule": "ADMIN001", "password": DEMO_PASSWORD})
    form = {"file": (io.BytesIO(csv_file("M1,A,B,M,X,,,,,,,1")), "agents.csv")}
    response = client.post(
        "/admin/directory/imports", data=form, content_type="multipart/form-data"
    )
    refused(response, 403, "CSRF_FAILED")
