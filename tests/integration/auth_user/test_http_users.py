"""User routes through create_app: reads, admin writes, access rules, shared cache upkeep."""

from __future__ import annotations

from typing import Any

import pytest
import redis
from flask.testing import FlaskClient

from services.auth_user.app import create_app
from services.auth_user.settings import lookup_rates
from tests.support.service_auth import service_get, service_headers, service_post
from tests.support.waiting import wait_until

from .conftest import DEMO_PASSWORD, Login, bearer, make_settings

NEW_USER = {"matricule": "NEW001", "nom": "Essomba", "prenom": "Luc", "password": "secret-123"}
PUBLIC_FIELDS = {"_id", "id", "matricule", "nom", "prenom", "profile_pic", "avatar", "email"}


@pytest.fixture
def admin(login: Login) -> dict[str, Any]:
    return login("ADMIN001")


@pytest.fixture
def member(login: Login) -> dict[str, Any]:
    return login("MAT1001")


def test_lookups_by_a_service_return_the_directory_fields_only(
    client: FlaskClient, member: dict[str, Any]
) -> None:
    by_id = service_get(client, f"/{member['user']['id']}").get_json()
    by_matricule = service_get(client, "/MAT1001").get_json()
    assert by_id == by_matricule == service_get(client, "/matricule/MAT1001").get_json()
    assert PUBLIC_FIELDS | {"ministere", "sexe", "role"} <= set(by_id)
    assert (by_id["email"], by_id["role"]) == (None, None)
    assert not {"password", "password_hash"} & set(by_id)


def test_lookups_without_a_credential_or_with_a_bad_signature_are_refused(
    client: FlaskClient, member: dict[str, Any]
) -> None:
    user_id = member["user"]["id"]
    for path in (f"/{user_id}", "/matricule/MAT1001", f"/batch?ids={user_id}", "/all"):
        response = client.get(path)
        assert (response.status_code, response.get_json()["code"]) == (401, "MISSING_TOKEN")
        forged = service_get(client, path, secret="not-the-service-secret-0123456789abcdef")
        assert (forged.status_code, forged.get_json()["code"]) == (401, "INVALID_SERVICE_SIGNATURE")
    assert client.post("/batch", json={"ids": [user_id]}).status_code == 401
    signed_for_another_body = service_headers("POST", "/batch", b'{"ids": []}')
    replayed = client.post("/batch", json={"ids": [user_id]}, headers=signed_for_another_body)
    assert replayed.get_json()["code"] == "INVALID_SERVICE_SIGNATURE"


def test_email_and_role_are_shown_to_self_and_admins_only(
    client: FlaskClient, member: dict[str, Any], admin: dict[str, Any]
) -> None:
    admin_id = admin["user"]["id"]
    as_member = client.get(f"/{admin_id}", headers=bearer(member["accessToken"])).get_json()
    assert (as_member["role"], as_member["email"], as_member["nom"]) == (None, None, "Ngomna")
    as_self = client.get(f"/{admin_id}", headers=bearer(admin["accessToken"])).get_json()
    assert as_self["role"] == "admin"
    member_id = member["user"]["id"]
    as_admin = client.get(f"/{member_id}", headers=bearer(admin["accessToken"])).get_json()
    assert as_admin["role"] == "user"
    listed = client.get("/all?q=ngomna", headers=bearer(member["accessToken"])).get_json()
    assert {u["role"] for u in listed["users"]} == {None}


def test_lookups_are_rate_limited_per_caller(redis_url: str, key_prefix: str, login: Login) -> None:
    limits = lookup_rates({"RATE_LIMIT_LOOKUP": "3/1m"})
    app = create_app(make_settings(redis_url, key_prefix, rate_limits=limits))
    client = app.test_client()
    token = (
        app.test_client()
        .post("/login", json={"matricule": "MAT1001", "password": DEMO_PASSWORD})
        .get_json()["accessToken"]
    )
    answers = [client.get("/MAT1002", headers=bearer(token)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = client.get("/all", headers=bearer(token))
    assert refused.get_json()["code"] == "RATE_LIMITED" and int(refused.headers["Retry-After"]) > 0
    assert service_get(client, "/MAT1002").status_code == 200  # another caller, another bucket


def test_unknown_user_is_404_user_not_found(client: FlaskClient) -> None:
    for path in ("/" + "f" * 24, "/NOBODY", "/matricule/NOBODY"):
        response = service_get(client, path)
        assert (response.status_code, response.get_json()["code"]) == (404, "USER_NOT_FOUND")


def test_batch_by_query_and_body_agree_and_report_missing(
    client: FlaskClient, member: dict[str, Any], admin: dict[str, Any]
) -> None:
    ids = [member["user"]["id"], "bogus", admin["user"]["id"]]
    by_query = service_get(client, "/batch?ids=" + ",".join(ids)).get_json()
    by_body = service_post(client, "/batch", {"ids": ids}).get_json()
    assert by_query == by_body
    assert [u["id"] for u in by_body["users"]] == [ids[0], ids[2]]
    assert (by_body["count"], by_body["missing"]) == (2, ["bogus"])


def test_batch_refuses_more_than_200_ids(client: FlaskClient) -> None:
    ids = [f"{n:024x}" for n in range(201)]
    response = service_post(client, "/batch", {"ids": ids})
    assert (response.status_code, response.get_json()["code"]) == (400, "TOO_MANY_IDS")
    assert service_post(client, "/batch", {"ids": ids[:200]}).get_json()["count"] == 0


def test_list_needs_a_token_and_pages_with_search(
    client: FlaskClient, member: dict[str, Any]
) -> None:
    assert client.get("/all").get_json()["code"] == "MISSING_TOKEN"
    headers = bearer(member["accessToken"])
    page = client.get("/all?page=2&limit=2", headers=headers).get_json()
    assert page["pagination"] == {"page": 2, "limit": 2, "total": 5, "pages": 3}
    assert len(page["users"]) == 2
    found = client.get("/all?q=ngo", headers=headers).get_json()["users"]
    assert sorted(u["matricule"] for u in found) == ["ADMIN001", "MAT1002"]
    assert client.get("/all?q=.*", headers=headers).get_json()["users"] == []


def test_admin_creates_a_user_who_can_then_log_in(
    client: FlaskClient, admin: dict[str, Any], login: Login
) -> None:
    response = client.post("/", json=NEW_USER, headers=bearer(admin["accessToken"]))
    assert response.status_code == 201
    assert response.get_json()["role"] == "user" and "password" not in response.get_json()
    assert login("NEW001", "secret-123")["user"]["nom"] == "Essomba"


def test_creating_a_taken_matricule_is_409(client: FlaskClient, admin: dict[str, Any]) -> None:
    headers = bearer(admin["accessToken"])
    response = client.post("/", json={**NEW_USER, "matricule": "MAT1001"}, headers=headers)
    assert (response.status_code, response.get_json()["code"]) == (409, "MATRICULE_TAKEN")


def test_non_admin_cannot_create_and_nothing_is_written(
    client: FlaskClient, member: dict[str, Any]
) -> None:
    response = client.post("/", json=NEW_USER, headers=bearer(member["accessToken"]))
    assert (response.status_code, response.get_json()["code"]) == (403, "FORBIDDEN")
    assert service_get(client, "/NEW001").status_code == 404


def test_cookie_authenticated_write_needs_the_csrf_header(client: FlaskClient) -> None:
    client.post("/login", json={"matricule": "ADMIN001", "password": "Ngomna2026!"})
    refused = client.post("/", json=NEW_USER)
    assert (refused.status_code, refused.get_json()["code"]) == (403, "CSRF_FAILED")
    assert service_get(client, "/NEW001").status_code == 404
    csrf = client.get_cookie("csrf_access_token")
    assert csrf is not None
    assert client.post("/", json=NEW_USER, headers={"X-CSRF-TOKEN": csrf.value}).status_code == 201


def test_user_updates_own_profile_and_the_cache_is_rewritten(
    client: FlaskClient, member: dict[str, Any], redis_client: redis.Redis, key_prefix: str
) -> None:
    user_id = member["user"]["id"]
    response = client.put(
        f"/{user_id}",
        json={"avatar": "https://cdn/a.png"},
        headers=bearer(member["accessToken"]),
    )
    assert response.status_code == 200
    assert response.get_json()["profile_pic"] == "https://cdn/a.png"
    cached = redis_client.hgetall(f"{key_prefix}user:profile:{user_id}")
    assert cached[b"avatar"] == b"https://cdn/a.png"


def test_names_and_pictures_users_may_not_set_themselves(
    client: FlaskClient, member: dict[str, Any], login: Login
) -> None:
    """Issue 23 row 15: names are HR data (admins and the directory only); a picture is an
    https URL or an uploaded file's id, never `javascript:`."""
    user_id, headers = member["user"]["id"], bearer(member["accessToken"])
    renamed = client.put(f"/{user_id}", json={"nom": "Support ADMINISTRATEUR"}, headers=headers)
    assert (renamed.status_code, renamed.get_json()["code"]) == (403, "FORBIDDEN")
    for picture in ["javascript:alert(1)", "http://cdn/a.png", "data:text/html,x"]:
        refused = client.put(f"/{user_id}", json={"avatar": picture}, headers=headers)
        assert (refused.status_code, refused.get_json()["code"]) == (400, "INVALID_AVATAR")
    found = client.get(f"/{user_id}", headers=headers).get_json()
    assert (found["nom"], found["profile_pic"]) == (member["user"]["nom"], None)
    admin = bearer(admin_token(login))
    by_admin = client.put(f"/{user_id}", json={"nom": "Kamga"}, headers=admin)
    assert (by_admin.status_code, by_admin.get_json()["nom"]) == (200, "Kamga")


@pytest.mark.parametrize(
    "body,status,code",
    [
        ({"nom": "X"}, 403, "FORBIDDEN"),
        ({"role": "admin"}, 403, "FORBIDDEN"),
    ],
)
def test_user_cannot_edit_others_or_promote_themselves(
    client: FlaskClient,
    member: dict[str, Any],
    login: Login,
    body: dict[str, str],
    status: int,
    code: str,
) -> None:
    other = login("MAT1002")["user"]["id"]
    target = other if "nom" in body else member["user"]["id"]
    response = client.put(f"/{target}", json=body, headers=bearer(member["accessToken"]))
    assert (response.status_code, response.get_json()["code"]) == (status, code)
    target_role = client.get(f"/{target}", headers=bearer(admin_token(login)))
    assert target_role.get_json()["role"] == "user"
    assert service_get(client, f"/{other}").get_json()["nom"] == "Ngono"


def test_admin_deletes_a_user_and_the_cache_entry(
    client: FlaskClient,
    admin: dict[str, Any],
    member: dict[str, Any],
    redis_client: redis.Redis,
    key_prefix: str,
) -> None:
    user_id = member["user"]["id"]
    assert redis_client.exists(f"{key_prefix}user:profile:{user_id}")
    response = client.delete(f"/{user_id}", headers=bearer(admin["accessToken"]))
    assert response.status_code == 200
    assert service_get(client, f"/{user_id}").status_code == 404
    assert not redis_client.exists(f"{key_prefix}user:profile:{user_id}")
    stale = client.put(f"/{user_id}", json={"nom": "X"}, headers=bearer(member["accessToken"]))
    assert stale.get_json()["code"] in {"INVALID_TOKEN", "TOKEN_REVOKED"}  # revoked within 1 s


def test_non_admin_cannot_delete(client: FlaskClient, member: dict[str, Any], login: Login) -> None:
    other = login("MAT1002")["user"]["id"]
    response = client.delete(f"/{other}", headers=bearer(member["accessToken"]))
    assert (response.status_code, response.get_json()["code"]) == (403, "FORBIDDEN")
    assert service_get(client, f"/{other}").status_code == 200


def admin_token(login: Login) -> str:
    token: str = login("ADMIN001")["accessToken"]
    return token


@pytest.mark.parametrize("role", ["moderator", "compliance", "admin", "user"])
def test_a_role_change_ends_the_sessions_and_the_next_token_carries_the_new_role(
    client: FlaskClient, login: Login, admin: dict[str, Any], role: str
) -> None:
    before = login("MAT1002")
    headers = bearer(admin["accessToken"])
    target = before["user"]["id"]
    changed = client.put(f"/{target}", json={"role": role}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["role"] == role
    if role != "user":  # a change: revoked, within a second (through Redis)
        wait_until(
            lambda: client.get("/me", headers=bearer(before["accessToken"])).status_code == 401
        )
    old = client.get("/me", headers=bearer(before["accessToken"]))
    assert old.get_json().get("code") == ("TOKEN_REVOKED" if role != "user" else None)
    token = login("MAT1002")["accessToken"]
    claims = client.post("/validate", json={"token": token}).get_json()
    assert claims["role"] == role
