"""Directory reads need a caller; services prove themselves with a signature; private fields
stay private; a logged-out session's socket is closed (in-process stack, real Redis)."""

from __future__ import annotations

import math
import time

import pytest

from libs.servicekit.service_auth import sign_request
from libs.servicekit.settings import DEV_SERVICE_SECRET
from tests.support.service_auth import service_get, service_post
from tests.support.waiting import wait_until

from .conftest import Stack, bearer

FORGED = "an-attacker-guess-0123456789abcdef-0123456789"


def lookup_paths(stack: Stack) -> list[str]:
    user_id = stack.login("MAT1002")["user"]["id"]
    return [f"/{user_id}", "/matricule/MAT1002", f"/batch?ids={user_id}", "/all?q=MAT1002"]


def test_directory_reads_without_a_caller_are_refused(stack: Stack) -> None:
    for path in lookup_paths(stack):
        anonymous = stack.auth.get(path)
        assert (anonymous.status_code, anonymous.get_json()["code"]) == (401, "MISSING_TOKEN")
        forged = service_get(stack.auth, path, secret=FORGED)
        assert forged.get_json()["code"] == "INVALID_SERVICE_SIGNATURE", path
        assert service_get(stack.auth, path).status_code == 200, path
    assert stack.auth.post("/batch", json={"ids": ["a" * 24]}).status_code == 401
    assert service_post(stack.auth, "/batch", {"ids": ["a" * 24]}, FORGED).status_code == 401


@pytest.mark.parametrize(
    ("seconds", "accepted"), [(-61, False), (61, False), (-30, True), (30, True)]
)
def test_a_signature_more_than_sixty_seconds_off_is_refused_over_http(
    stack: Stack, seconds: int, accepted: bool
) -> None:
    """Signed `seconds` away from now (rounded away from now, so -61 / +61 are at least 61 s
    off when auth_user checks); ±30 s is the positive control: the same request, accepted."""
    path = lookup_paths(stack)[0]
    stamp = math.floor(time.time() + seconds) if seconds < 0 else math.ceil(time.time() + seconds)
    headers = sign_request(DEV_SERVICE_SECRET, "chat_file", "GET", path, clock=lambda: stamp)
    response = stack.auth.get(path, headers=headers)
    if accepted:
        assert response.status_code == 200, response.get_json()
    else:
        assert (response.status_code, response.get_json()["code"]) == (
            401,
            "INVALID_SERVICE_SIGNATURE",
        )


def test_a_user_enumerating_ids_gets_no_email_or_role(stack: Stack) -> None:
    reader = bearer(stack.login("MAT1003")["accessToken"])
    for path in lookup_paths(stack):
        body = stack.auth.get(path, headers=reader).get_json()
        users = body.get("users", [body])
        assert users and all(u["email"] is None and u["role"] is None for u in users), path


@pytest.mark.parametrize("how", ["logout", "logout-all"])
def test_a_socket_of_an_ended_session_is_told_and_closed(stack: Stack, how: str) -> None:
    session = stack.login("MAT1001")
    socketio = stack.chat_app.extensions["socketio"]
    socket = socketio.test_client(stack.chat_app, auth={"token": session["accessToken"]})
    assert socket.is_connected()
    if how == "logout":
        stack.auth.post("/logout", json={"refreshToken": session["refreshToken"]})
    else:
        stack.auth.post("/logout-all", headers=bearer(session["accessToken"]))
    wait_until(lambda: not socket.is_connected(), 2)
    refused = stack.chat.get("/conversations", headers=bearer(session["accessToken"]))
    assert refused.get_json()["code"] == "TOKEN_REVOKED"
