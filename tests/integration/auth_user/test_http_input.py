"""Bad input: each case gets its own 4xx JSON code, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from tests.support.service_auth import service_get

from .conftest import Login, bearer, make_settings

LONG = "x" * 101


def stored_keys(redis_client: redis.Redis, key_prefix: str) -> set[bytes]:
    return set(redis_client.scan_iter(match=f"{key_prefix}*", count=500))


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"data": "{not json", "content_type": "application/json"}, "INVALID_JSON"),
        ({"json": ["MAT1001", "Ngomna2026!"]}, "INVALID_JSON"),
        ({"data": "matricule=MAT1001", "content_type": "text/plain"}, "INVALID_JSON"),
        ({"json": {"password": "Ngomna2026!"}}, "VALIDATION_ERROR"),
        ({"json": {"matricule": "MAT1001"}}, "VALIDATION_ERROR"),
        ({"json": {"matricule": "", "password": "Ngomna2026!"}}, "VALIDATION_ERROR"),
        ({"json": {"matricule": "MAT1001", "password": ""}}, "VALIDATION_ERROR"),
        ({"json": {"matricule": "M" * 65, "password": "Ngomna2026!"}}, "VALIDATION_ERROR"),
        ({"json": {"matricule": "MAT1001", "password": "é" * 65}}, "VALIDATION_ERROR"),
        ({"json": {"matricule": 1001, "password": "Ngomna2026!"}}, "VALIDATION_ERROR"),
        ({"json": {"matricule": "MAT1001", "password": None}}, "VALIDATION_ERROR"),
    ],
)
def test_bad_login_bodies_are_400_and_write_nothing(
    client: FlaskClient,
    redis_client: redis.Redis,
    key_prefix: str,
    kwargs: dict[str, Any],
    code: str,
) -> None:
    response = client.post("/login", **kwargs)
    assert (response.status_code, response.get_json()["code"]) == (400, code)
    assert response.get_json()["success"] is False
    assert "Set-Cookie" not in response.headers
    assert stored_keys(redis_client, key_prefix) == set()


def test_validation_errors_name_the_fields(client: FlaskClient) -> None:
    body = client.post("/login", json={"matricule": 5}).get_json()
    assert set(body["errors"]) == {"matricule", "password"}


@pytest.mark.parametrize(
    "body",
    [
        {"matricule": "NEW001", "nom": "A", "prenom": "B"},
        {"matricule": "NEW001", "nom": "A", "prenom": "B", "password": "short"},
        {"matricule": "NEW001", "nom": LONG, "prenom": "B", "password": "secret-123"},
        {"matricule": "NEW 001", "nom": "A", "prenom": "B", "password": "secret-123"},
        {"matricule": "NEW/001", "nom": "A", "prenom": "B", "password": "secret-123"},
        {"matricule": "NEW001", "nom": "A", "prenom": "B", "password": "secret-123", "x": 1},
        {
            "matricule": "NEW001",
            "nom": "A",
            "prenom": "B",
            "password": "secret-123",
            "role": "root",
        },
        {"matricule": "NEW001", "nom": "A", "prenom": "B", "password": "secret-123", "email": "no"},
        {"matricule": "NEW001", "nom": ["A"], "prenom": "B", "password": "secret-123"},
    ],
)
def test_bad_create_bodies_are_validation_errors_and_create_nothing(
    client: FlaskClient, login: Login, body: dict[str, Any]
) -> None:
    response = client.post("/", json=body, headers=bearer(login("ADMIN001")["accessToken"]))
    assert (response.status_code, response.get_json()["code"]) == (400, "VALIDATION_ERROR")
    assert service_get(client, "/matricule/NEW001").status_code == 404


@pytest.mark.parametrize(
    "body",
    [{}, {"matricule": "OTHER"}, {"nom": ""}, {"prenom": LONG}, {"sexe": 3}, {"sexe": "x" * 17}],
)
def test_bad_update_bodies_are_validation_errors_and_change_nothing(
    client: FlaskClient, login: Login, body: dict[str, Any]
) -> None:
    session = login("MAT1001")
    user_id = session["user"]["id"]
    response = client.put(f"/{user_id}", json=body, headers=bearer(session["accessToken"]))
    assert (response.status_code, response.get_json()["code"]) == (400, "VALIDATION_ERROR")
    assert (
        client.get(f"/{user_id}", headers=bearer(session["accessToken"])).get_json()
        == (session["user"])
    )


def test_admin_updating_an_unknown_user_is_404(client: FlaskClient, login: Login) -> None:
    headers = bearer(login("ADMIN001")["accessToken"])
    response = client.put("/" + "f" * 24, json={"nom": "X"}, headers=headers)
    assert (response.status_code, response.get_json()["code"]) == (404, "USER_NOT_FOUND")


def test_writes_without_a_token_are_missing_token(client: FlaskClient) -> None:
    for response in (
        client.post("/", json={"matricule": "X"}),
        client.put("/MAT1001", json={"nom": "X"}),
        client.delete("/MAT1001"),
    ):
        assert (response.status_code, response.get_json()["code"]) == (401, "MISSING_TOKEN")
    assert service_get(client, "/MAT1001").get_json()["nom"] == "Dupont"


@pytest.mark.parametrize(
    "request_args",
    [
        ("get", "/batch", {}),
        ("post", "/batch", {"json": {}}),
        ("post", "/batch", {"json": {"ids": "a,b"}}),
        ("post", "/batch", {"json": {"ids": [1, 2]}}),
        ("post", "/batch", {"json": {"ids": ["x" * 65]}}),
        ("post", "/refresh", {"json": {"refreshToken": 42}}),
        ("post", "/validate", {"json": {"token": ["a"]}}),
    ],
)
def test_bad_batch_refresh_and_validate_inputs_are_validation_errors(
    client: FlaskClient, login: Login, request_args: tuple[str, str, dict[str, Any]]
) -> None:
    method, path, kwargs = request_args
    headers = bearer(login()["accessToken"]) if path == "/batch" else {}
    response = getattr(client, method)(path, headers=headers, **kwargs)
    assert (response.status_code, response.get_json()["code"]) == (400, "VALIDATION_ERROR")


@pytest.mark.parametrize("query", ["limit=101", "limit=0", "page=0", "limit=abc", "q=" + LONG])
def test_bad_list_queries_are_validation_errors(
    client: FlaskClient, login: Login, query: str
) -> None:
    response = client.get(f"/all?{query}", headers=bearer(login()["accessToken"]))
    assert (response.status_code, response.get_json()["code"]) == (400, "VALIDATION_ERROR")


def test_oversized_body_is_413_json(client: FlaskClient, login: Login) -> None:
    headers = bearer(login()["accessToken"])
    response = client.post("/batch", json={"ids": ["a" * 60] * 1200}, headers=headers)
    assert (response.status_code, response.get_json()["code"]) == (413, "PAYLOAD_TOO_LARGE")


def test_fixed_routes_are_not_shadowed_by_the_id_route(client: FlaskClient) -> None:
    assert client.get("/all").get_json()["code"] == "MISSING_TOKEN"
    assert client.get("/batch?ids=").get_json()["code"] == "MISSING_TOKEN"
    assert service_get(client, "/batch?ids=").get_json() == {"users": [], "count": 0, "missing": []}
    assert client.get("/health").get_json()["status"] == "ok"
    assert client.get("/ready").get_json()["status"] == "ready"
    assert client.get("/metrics").status_code == 200


def test_unknown_routes_and_methods_are_json(client: FlaskClient) -> None:
    assert client.get("/a/b/c").get_json()["code"] == "NOT_FOUND"
    response = client.patch("/MAT1001", json={})
    assert (response.status_code, response.get_json()["code"]) == (405, "METHOD_NOT_ALLOWED")


def test_ready_is_503_with_details_when_redis_is_down(app: Flask, key_prefix: str) -> None:
    from services.auth_user.app import create_app

    dead = create_app(make_settings("redis://127.0.0.1:1/0", key_prefix)).test_client()
    response = dead.get("/ready")
    body = response.get_json()
    assert (response.status_code, body["code"]) == (503, "NOT_READY")
    assert body["checks"]["database"] == "ok" and body["checks"]["redis"].startswith("error")
    assert dead.get("/health").status_code == 200
