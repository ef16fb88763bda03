"""auth_user under real gunicorn, driven over HTTP with requests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
import requests

from tests.support.servers import ServiceProcess
from tests.support.service_auth import service_headers

pytestmark = pytest.mark.e2e

PASSWORD = "Ngomna2026!"


@pytest.fixture(scope="module")
def prefix(module_key_prefix: str) -> str:
    return module_key_prefix


@pytest.fixture(scope="module")
def service(prefix: str, redis_url: str) -> Iterator[ServiceProcess]:
    env = {
        "APP_ENV": "test",
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "SEED_DEMO_USERS": "true",
        "MONGODB_URI": "",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_COST": "8",
        "PASSWORD_PARALLELISM": "1",
        "LOGIN_BACKOFF_FREE_FAILURES": "2",  # the third failure makes the pair wait 60 s
        "LOGIN_BACKOFF_BASE": "60",
        "LOGIN_MAX_FAILURES_PER_IP": "1000",
    }
    process = ServiceProcess("auth_user", env=env).start()
    yield process
    process.stop()


def login(service: ServiceProcess, matricule: str, password: str = PASSWORD) -> dict[str, Any]:
    response = requests.post(
        f"{service.url}/login", json={"matricule": matricule, "password": password}, timeout=5
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_login_then_read_the_user_by_id_and_validate_the_token(service: ServiceProcess) -> None:
    body = login(service, "MAT1001")
    anonymous = requests.get(f"{service.url}/{body['user']['id']}", timeout=5)
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "MISSING_TOKEN")
    target = f"/{body['user']['id']}"
    user = requests.get(
        f"{service.url}{target}", headers=service_headers("GET", target), timeout=5
    ).json()
    assert (user["id"], user["nom"], user["prenom"]) == (body["user"]["id"], "Dupont", "Jean")
    assert "password_hash" not in user
    checked = requests.post(f"{service.url}/validate", headers=auth(body["accessToken"]), timeout=5)
    assert checked.json()["valid"] is True and checked.json()["id"] == user["id"]
    listed = requests.get(f"{service.url}/all", headers=auth(body["accessToken"]), timeout=5)
    assert listed.json()["pagination"]["total"] >= 5


def test_refresh_rotation_and_reuse_detection(service: ServiceProcess) -> None:
    first = login(service, "MAT1002")["refreshToken"]
    rotated = requests.post(f"{service.url}/refresh", json={"refreshToken": first}, timeout=5)
    assert rotated.status_code == 200
    second = rotated.json()["refreshToken"]
    reused = requests.post(f"{service.url}/refresh", json={"refreshToken": first}, timeout=5)
    assert (reused.status_code, reused.json()["code"]) == (401, "REFRESH_TOKEN_REUSED")
    after = requests.post(f"{service.url}/refresh", json={"refreshToken": second}, timeout=5)
    assert (after.status_code, after.json()["code"]) == (401, "REFRESH_TOKEN_REVOKED")


def test_browser_cookie_flow_with_csrf_header(service: ServiceProcess) -> None:
    browser = requests.Session()
    browser.post(
        f"{service.url}/login", json={"matricule": "MAT1003", "password": PASSWORD}, timeout=5
    )
    assert browser.get(f"{service.url}/all", timeout=5).status_code == 200
    refused = browser.post(f"{service.url}/refresh", timeout=5)
    assert (refused.status_code, refused.json()["code"]) == (403, "CSRF_FAILED")
    csrf = {"X-CSRF-TOKEN": browser.cookies["csrf_refresh_token"]}
    assert browser.post(f"{service.url}/refresh", headers=csrf, timeout=5).status_code == 200
    csrf = {"X-CSRF-TOKEN": browser.cookies["csrf_refresh_token"]}
    out = browser.post(f"{service.url}/logout", headers=csrf, timeout=5)
    assert out.status_code == 200 and out.json()["revoked"] is True
    assert browser.get(f"{service.url}/all", timeout=5).json()["code"] == "MISSING_TOKEN"


def test_repeated_wrong_passwords_are_rate_limited(service: ServiceProcess) -> None:
    wrong = {"matricule": "MAT1004", "password": "not-the-password"}
    codes = [
        requests.post(f"{service.url}/login", json=wrong, timeout=5).status_code for _ in range(3)
    ]
    assert codes == [401, 401, 401]
    limited = requests.post(f"{service.url}/login", json={**wrong, "password": PASSWORD}, timeout=5)
    assert (limited.status_code, limited.json()["code"]) == (429, "RATE_LIMITED")
    assert int(limited.headers["Retry-After"]) > 0


def test_cache_entry_follows_login_update_and_delete(
    service: ServiceProcess, prefix: str, redis_client: redis.Redis
) -> None:
    admin = auth(login(service, "ADMIN001")["accessToken"])
    created = requests.post(
        f"{service.url}/",
        json={"matricule": "E2E001", "nom": "Tchana", "prenom": "Eve", "password": "e2e-pass-1"},
        headers=admin,
        timeout=5,
    )
    assert created.status_code == 201
    user_id = created.json()["id"]
    key = f"{prefix}user:profile:{user_id}"
    assert not redis_client.exists(key)
    session = login(service, "E2E001", "e2e-pass-1")
    assert redis_client.hget(key, "fullName") == b"Eve Tchana"
    renamed_self = requests.put(
        f"{service.url}/{user_id}",
        json={"prenom": "Eva"},
        headers=auth(session["accessToken"]),
        timeout=5,
    )
    assert renamed_self.status_code == 403  # names are HR data (issue 23, row 15)
    updated = requests.put(
        f"{service.url}/{user_id}", json={"prenom": "Eva"}, headers=admin, timeout=5
    )
    assert updated.status_code == 200
    assert redis_client.hget(key, "fullName") == b"Eva Tchana"
    deleted = requests.delete(f"{service.url}/{user_id}", headers=admin, timeout=5)
    assert deleted.status_code == 200
    assert not redis_client.exists(key)
    gone = requests.get(f"{service.url}/{user_id}", headers=admin, timeout=5)
    assert gone.status_code == 404


def test_readiness_reports_both_stores_and_the_revocation_mirror(service: ServiceProcess) -> None:
    ready = requests.get(f"{service.url}/ready", timeout=5)
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok", "revocations": "ok"}
