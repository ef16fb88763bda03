"""CSRF: cookie-authenticated writes from another site are refused by both services.

auth_user: flask-jwt-extended double submit (the `csrf_access_token` cookie echoed in
X-CSRF-TOKEN); no header → 403 CSRF_FAILED (the same status as chat_file) whatever the Origin.
chat_file: a cookie-authenticated POST/PUT/DELETE needs the same double submit, or an Origin
(Referer when Origin is absent) equal to chat_file's own origin or a listed ALLOWED_ORIGINS one;
otherwise 403 CSRF_FAILED. Bearer requests are exempt (a browser never adds that header on a
cross-site request). Reads are not checked.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from .conftest import PASSWORD, Stack, bearer

EVIL = "https://evil.example"


def browser_session(stack: Stack, matricule: str) -> tuple[FlaskClient, str, str]:
    """auth_user test client after a cookie login: (client, access token, csrf value)."""
    client = stack.auth_app.test_client()
    login = client.post("/login", json={"matricule": matricule, "password": PASSWORD})
    assert login.status_code == 200
    access = client.get_cookie("accessToken")
    csrf = client.get_cookie("csrf_access_token")
    assert access is not None and csrf is not None and access.http_only
    return client, access.value, csrf.value


def test_auth_user_cookie_writes_need_the_double_submit_header(stack: Stack) -> None:
    client, _, csrf = browser_session(stack, "ADMIN001")
    body = {"matricule": "CSRF001", "nom": "N", "prenom": "P", "password": "csrf-pass-1"}
    for headers in ({}, {"Origin": EVIL}, {"Origin": EVIL, "X-CSRF-TOKEN": "forged"}):
        refused = client.post("/", json=body, headers=headers)
        assert (refused.status_code, refused.get_json()["code"]) == (403, "CSRF_FAILED"), headers
    assert client.get("/all").status_code == 200  # reads need no header
    created = client.post("/", json=body, headers={"X-CSRF-TOKEN": csrf})
    assert created.status_code == 201
    user_id = created.get_json()["id"]
    assert client.put(f"/{user_id}", json={"nom": "X"}).get_json()["code"] == "CSRF_FAILED"
    assert client.delete(f"/{user_id}").get_json()["code"] == "CSRF_FAILED"
    assert client.delete(f"/{user_id}", headers={"X-CSRF-TOKEN": csrf}).status_code == 200


def test_auth_user_refresh_cookie_needs_its_csrf_header(stack: Stack) -> None:
    client, _, _ = browser_session(stack, "MAT1004")
    refused = client.post("/refresh", headers={"Origin": EVIL})
    assert (refused.status_code, refused.get_json()["code"]) == (403, "CSRF_FAILED")
    logout = client.post("/logout", headers={"Origin": EVIL})
    assert (logout.status_code, logout.get_json()["code"]) == (403, "CSRF_FAILED")


@pytest.fixture
def chat_browser(stack: Stack) -> tuple[FlaskClient, str, str]:
    """A chat_file client holding the cookies auth_user set (same host, another port)."""
    _, access, csrf = browser_session(stack, "MAT1001")
    client = stack.chat_app.test_client()
    client.set_cookie("accessToken", access)
    client.set_cookie("csrf_access_token", csrf)
    return client, access, csrf


def writes(stack: Stack) -> list[tuple[str, str, dict[str, Any]]]:
    other = stack.login("MAT1002")["user"]["id"]
    return [
        ("POST", "/messages", {"json": {"receiverId": other, "content": "csrf"}}),
        ("POST", "/conversations", {"json": {"type": "PRIVATE", "participantId": other}}),
        ("POST", "/groups", {"json": {"name": "csrf", "members": [other]}}),
        ("PUT", "/messages/" + "a" * 24, {"json": {"content": "x"}}),
        ("DELETE", "/messages/" + "a" * 24, {}),
        ("PUT", "/conversations/" + "a" * 24 + "/read", {}),
        ("DELETE", "/files/" + "a" * 24, {}),
    ]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": EVIL}, {"Referer": EVIL + "/page"}, {"Origin": "null"}, {"X-CSRF-TOKEN": "no"}],
    ids=["no-origin", "foreign-origin", "foreign-referer", "null-origin", "wrong-header"],
)
def test_chat_file_refuses_cross_site_cookie_writes(
    stack: Stack, chat_browser: tuple[FlaskClient, str, str], headers: dict[str, str]
) -> None:
    client, _, _ = chat_browser
    for method, path, kwargs in writes(stack):
        response = client.open(path, method=method, headers=headers, **kwargs)
        assert (response.status_code, response.get_json()["code"]) == (403, "CSRF_FAILED"), (
            method,
            path,
        )


def test_chat_file_accepts_cookie_writes_with_proof_and_bearer_writes(
    stack: Stack, chat_browser: tuple[FlaskClient, str, str]
) -> None:
    client, access, csrf = chat_browser
    other = stack.login("MAT1002")["user"]["id"]
    body = {"receiverId": other, "content": "légitime"}
    assert client.post("/messages", json=body, headers={"X-CSRF-TOKEN": csrf}).status_code == 201
    own = {"Origin": "http://localhost"}
    assert client.post("/messages", json=body, headers=own).status_code == 201
    bare = stack.chat_app.test_client()
    sent = bare.post("/messages", json=body, headers={**bearer(access), "Origin": EVIL})
    assert sent.status_code == 201
    read = client.get("/conversations", headers={"Origin": EVIL})
    assert read.status_code == 200
    assert read.headers.get("Access-Control-Allow-Origin") is None  # EVIL cannot read it


def test_chat_file_ignores_a_planted_csrf_cookie(
    stack: Stack, chat_browser: tuple[FlaskClient, str, str]
) -> None:
    """#23 row 16: a sibling subdomain or a plain-http page can plant `csrf_access_token`; a
    header matching that planted cookie must not pass. Only the `csrf` claim of the verified
    access token counts (as in auth_user)."""
    client, _, csrf = chat_browser
    planted = "planted-by-the-attacker"
    client.set_cookie("csrf_access_token", planted)
    other = stack.login("MAT1002")["user"]["id"]
    body = {"receiverId": other, "content": "csrf"}
    refused = client.post("/messages", json=body, headers={"X-CSRF-TOKEN": planted})
    assert (refused.status_code, refused.get_json()["code"]) == (403, "CSRF_FAILED")
    for method, path, kwargs in writes(stack):
        answer = client.open(path, method=method, headers={"X-CSRF-TOKEN": planted}, **kwargs)
        assert answer.status_code == 403, (method, path)
    accepted = client.post("/messages", json=body, headers={"X-CSRF-TOKEN": csrf})
    assert accepted.status_code == 201  # the claim's value passes, whatever the cookie says
