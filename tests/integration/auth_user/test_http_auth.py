"""Login, refresh, logout and validate through create_app with real Redis and mongomock."""

from __future__ import annotations

import logging

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from .conftest import DEMO_PASSWORD, Login, bearer, make_settings
from .forged import expired_token, invalid_tokens

CREDENTIALS = {"matricule": "MAT1001", "password": DEMO_PASSWORD}


def keys(client: redis.Redis, prefix: str) -> list[bytes]:
    return list(client.scan_iter(match=f"{prefix}*", count=500))


def test_login_returns_user_tokens_and_session_cookies(client: FlaskClient) -> None:
    response = client.post("/login", json=CREDENTIALS)
    body = response.get_json()
    assert response.status_code == 200
    assert body["user"]["matricule"] == "MAT1001" and body["user"]["_id"] == body["user"]["id"]
    assert "password_hash" not in body["user"] and "password" not in body["user"]
    cookies = response.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("accessToken="))
    refresh = [c for c in cookies if c.startswith("refreshToken=")]
    assert "HttpOnly" in access and "Path=/;" in access
    assert sorted(c.split("Path=")[1].split(";")[0] for c in refresh) == ["/logout", "/refresh"]
    assert all("HttpOnly" in c and "SameSite=Strict" in c for c in refresh)
    assert any(c.startswith("csrf_access_token=") and "HttpOnly" not in c for c in cookies)


def test_login_warms_the_shared_cache_entry(
    login: Login, redis_client: redis.Redis, key_prefix: str
) -> None:
    user = login()["user"]
    key = f"{key_prefix}user:profile:{user['id']}"
    assert redis_client.hget(key, "fullName") == b"Jean Dupont"
    assert 0 < redis_client.ttl(key) <= 604_800


@pytest.mark.parametrize(
    "body",
    [
        {"matricule": "MAT1001", "password": "wrong-password"},
        {"matricule": "NOBODY", "password": DEMO_PASSWORD},
    ],
)
def test_wrong_password_and_unknown_matricule_get_the_same_401(
    client: FlaskClient, redis_client: redis.Redis, key_prefix: str, body: dict[str, str]
) -> None:
    response = client.post("/login", json=body)
    assert response.status_code == 401
    assert response.get_json() == {
        "success": False,
        "message": "Matricule ou mot de passe incorrect",
        "code": "INVALID_CREDENTIALS",
    }
    assert "Set-Cookie" not in response.headers
    assert not any(b"user:profile" in k for k in keys(redis_client, key_prefix))


def test_login_is_rate_limited_with_retry_after(
    redis_url: str, key_prefix: str, redis_client: redis.Redis
) -> None:
    from services.auth_user.app import create_app
    from services.auth_user.domain.model import LoginLimits

    limits = LoginLimits(free_failures=1, backoff_base=30, per_ip=100)
    client = create_app(make_settings(redis_url, key_prefix, login_limits=limits)).test_client()
    wrong = {"matricule": "MAT1002", "password": "wrong-password"}
    assert [client.post("/login", json=wrong).status_code for _ in range(2)] == [401, 401]
    limited = client.post("/login", json={**wrong, "password": DEMO_PASSWORD})
    assert limited.status_code == 429
    assert limited.get_json()["code"] == "RATE_LIMITED"
    assert 0 < int(limited.headers["Retry-After"]) <= 30
    assert client.post("/login", json=CREDENTIALS).status_code == 200  # MAT1001: its own pair
    elsewhere = {"X-Forwarded-For": "198.51.100.4"}  # no trusted proxy: the header is ignored
    assert (
        client.post(
            "/login", json={**wrong, "password": DEMO_PASSWORD}, headers=elsewhere
        ).status_code
        == 429
    )


def test_refresh_with_body_rotates_and_detects_reuse(client: FlaskClient, login: Login) -> None:
    first = login()["refreshToken"]
    rotated = client.post("/refresh", json={"refreshToken": first})
    assert rotated.status_code == 200
    second = rotated.get_json()["refreshToken"]
    assert second != first and rotated.get_json()["accessToken"]
    reused = client.post("/refresh", json={"refreshToken": first})
    assert (reused.status_code, reused.get_json()["code"]) == (401, "REFRESH_TOKEN_REUSED")
    revoked = client.post("/refresh", json={"refreshToken": second})
    assert (revoked.status_code, revoked.get_json()["code"]) == (401, "REFRESH_TOKEN_REVOKED")


def test_refresh_state_lives_under_the_key_prefix_with_a_ttl(
    client: FlaskClient, login: Login, redis_client: redis.Redis, key_prefix: str
) -> None:
    client.post("/refresh", json={"refreshToken": login()["refreshToken"]})
    sessions = [k for k in keys(redis_client, key_prefix) if b"auth:refresh:family:" in k]
    assert len(sessions) == 1
    assert 604_000 < redis_client.ttl(sessions[0]) <= 604_800


def test_cookie_refresh_needs_the_csrf_header(client: FlaskClient) -> None:
    client.post("/login", json=CREDENTIALS)
    refused = client.post("/refresh")
    assert (refused.status_code, refused.get_json()["code"]) == (403, "CSRF_FAILED")
    csrf = client.get_cookie("csrf_refresh_token")
    assert csrf is not None
    accepted = client.post("/refresh", headers={"X-CSRF-TOKEN": csrf.value})
    assert accepted.status_code == 200
    assert (
        client.get_cookie("refreshToken", path="/refresh").value
        == (  # type: ignore[union-attr]
            accepted.get_json()["refreshToken"]
        )
    )


def test_refresh_without_any_token_is_missing_token(client: FlaskClient) -> None:
    response = client.post("/refresh")
    assert (response.status_code, response.get_json()["code"]) == (401, "MISSING_TOKEN")
    assert response.get_json()["message"] == "Token d'authentification requis"


def test_access_token_is_refused_by_refresh(client: FlaskClient, login: Login) -> None:
    response = client.post("/refresh", json={"refreshToken": login()["accessToken"]})
    assert (response.status_code, response.get_json()["code"]) == (401, "INVALID_TOKEN")


def test_expired_refresh_token_is_token_expired(client: FlaskClient, login: Login) -> None:
    user = login()["user"]
    token = expired_token(user["id"], user["matricule"], kind="refresh")
    response = client.post("/refresh", json={"refreshToken": token})
    assert (response.status_code, response.get_json()["code"]) == (401, "TOKEN_EXPIRED")


def test_logout_revokes_the_family_and_clears_cookies(client: FlaskClient, login: Login) -> None:
    refresh = login()["refreshToken"]
    response = client.post("/logout", json={"refreshToken": refresh})
    assert response.status_code == 200 and response.get_json()["revoked"] is True
    cleared = [c for c in response.headers.getlist("Set-Cookie") if "Max-Age=0" in c]
    assert {c.split("=")[0] for c in cleared} >= {"accessToken", "refreshToken"}
    again = client.post("/refresh", json={"refreshToken": refresh})
    assert again.get_json()["code"] == "REFRESH_TOKEN_REVOKED"


def test_cookie_logout_clears_the_browser_session(client: FlaskClient) -> None:
    client.post("/login", json=CREDENTIALS)
    csrf = client.get_cookie("csrf_refresh_token")
    assert csrf is not None
    assert client.post("/logout", headers={"X-CSRF-TOKEN": csrf.value}).status_code == 200
    assert client.get_cookie("accessToken") is None
    assert client.get_cookie("refreshToken", path="/refresh") is None
    assert client.get("/all").get_json()["code"] == "MISSING_TOKEN"


def test_validate_accepts_body_or_bearer(client: FlaskClient, login: Login) -> None:
    body = login()
    for response in (
        client.post("/validate", json={"token": body["accessToken"]}),
        client.post("/validate", headers=bearer(body["accessToken"])),
    ):
        data = response.get_json()
        assert response.status_code == 200
        assert (data["valid"], data["id"], data["matricule"]) == (
            True,
            body["user"]["id"],
            "MAT1001",
        )
        assert isinstance(data["exp"], int)


@pytest.mark.parametrize(
    "name",
    ["garbage", "alg_none", "wrong_secret", "tampered_payload", "without_exp", "refresh_as_access"],
)
def test_bad_tokens_are_invalid_token_on_validate_and_protected_routes(
    client: FlaskClient, login: Login, name: str
) -> None:
    body = login()
    token = invalid_tokens(body["accessToken"], body["user"]["id"], "MAT1001")[name]
    for response in (
        client.post("/validate", json={"token": token}),
        client.get("/all", headers=bearer(token)),
    ):
        assert response.status_code == 401
        assert response.get_json()["code"] == "INVALID_TOKEN"


def test_expired_access_token_is_token_expired_everywhere(
    client: FlaskClient, login: Login
) -> None:
    token = expired_token(login()["user"]["id"], "MAT1001")
    assert client.post("/validate", json={"token": token}).get_json()["code"] == "TOKEN_EXPIRED"
    response = client.get("/all", headers=bearer(token))
    assert (response.status_code, response.get_json()["code"]) == (401, "TOKEN_EXPIRED")


def test_validate_without_token_is_missing_token(client: FlaskClient) -> None:
    response = client.post("/validate")
    assert (response.status_code, response.get_json()["code"]) == (401, "MISSING_TOKEN")


def test_no_password_or_token_reaches_the_logs(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tokens = client.post("/login", json=CREDENTIALS).get_json()
    client.post("/login", json={"matricule": "MAT1001", "password": "typo-Ngomna2026"})
    client.post("/refresh", json={"refreshToken": tokens["refreshToken"]})
    client.post("/refresh", json={"refreshToken": tokens["refreshToken"]})
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "the flow logs something"
    for secret in (DEMO_PASSWORD, "typo-Ngomna2026", tokens["accessToken"], tokens["refreshToken"]):
        assert secret not in text
    assert "eyJ" not in text


def test_login_with_redis_down_is_503_not_500(app: Flask, key_prefix: str) -> None:
    from services.auth_user.app import create_app

    dead = make_settings("redis://127.0.0.1:1/0", key_prefix)
    response = create_app(dead).test_client().post("/login", json=CREDENTIALS)
    assert (response.status_code, response.get_json()["code"]) == (503, "SERVICE_UNAVAILABLE")


def test_behind_a_trusted_proxy_the_ip_limit_counts_the_forwarded_client(
    redis_url: str, key_prefix: str
) -> None:
    from services.auth_user.app import create_app
    from services.auth_user.domain.model import LoginLimits

    limits = LoginLimits(free_failures=0, backoff_base=60, per_ip=100)
    settings = make_settings(redis_url, key_prefix, login_limits=limits, trusted_proxy_hops=1)
    client = create_app(settings).test_client()
    wrong = {**CREDENTIALS, "password": "wrong-password"}

    def attempt(ip: str, body: dict[str, str]) -> int:
        headers = {"X-Forwarded-For": ip}
        return client.post("/login", json=body, headers=headers).status_code

    assert [attempt("198.51.100.1", wrong), attempt("198.51.100.1", CREDENTIALS)] == [401, 429]
    assert attempt("198.51.100.2", CREDENTIALS) == 200  # the owner, from their own address
