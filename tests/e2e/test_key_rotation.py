"""Rotating the JWT secret with no downtime, on real processes: tokens carry `kid`; after the
rotation both services accept the old key's tokens until they expire, and new tokens are signed
with the new key; once the old secret is dropped, its tokens are refused."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import jwt
import pytest
import requests

from libs.sessions import key_id
from tests.e2e.test_sessions import auth_env, bearer
from tests.support.servers import ServiceProcess

pytestmark = pytest.mark.e2e

OLD = "rotation-old-secret-0123456789abcdef-0123456789"
NEW = "rotation-new-secret-9876543210fedcba-9876543210"
PASSWORD = "Ngomna2026!"


@contextmanager
def stack(prefix: str, redis_url: str, secret: str, previous: str = "") -> Iterator[Any]:
    env = {**auth_env(prefix, redis_url), "JWT_SECRET": secret, "JWT_PREVIOUS_SECRETS": previous}
    auth = ServiceProcess("auth_user", env).start()
    chat = ServiceProcess("chat_file", {**env, "AUTH_USER_SERVICE_URL": auth.url}).start()
    try:
        yield auth, chat
    finally:
        chat.stop()
        auth.stop()


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def login(auth: ServiceProcess) -> dict[str, Any]:
    body = {"matricule": "MAT1001", "password": PASSWORD}
    response = requests.post(f"{auth.url}/login", json=body, timeout=5)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def chat_code(chat: ServiceProcess, token: str) -> tuple[int, str | None]:
    response = requests.get(f"{chat.url}/conversations", headers=bearer(token), timeout=5)
    return response.status_code, response.json().get("code")


def test_rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key(
    module_key_prefix: str, redis_url: str
) -> None:
    with stack(module_key_prefix, redis_url, OLD) as (auth, _chat):
        before = login(auth)
    assert kid(before["accessToken"]) == kid(before["refreshToken"]) == key_id(OLD)
    with stack(module_key_prefix, redis_url, NEW, previous=OLD) as (auth, chat):
        assert chat_code(chat, before["accessToken"]) == (200, None)
        sessions = requests.get(f"{auth.url}/sessions", headers=bearer(before["accessToken"]))
        assert sessions.status_code == 200
        refreshed = requests.post(
            f"{auth.url}/refresh", json={"refreshToken": before["refreshToken"]}, timeout=5
        ).json()
        assert kid(refreshed["accessToken"]) == kid(refreshed["refreshToken"]) == key_id(NEW)
        after = login(auth)
        assert kid(after["accessToken"]) == key_id(NEW)
        assert chat_code(chat, after["accessToken"]) == (200, None)
    with stack(module_key_prefix, redis_url, NEW) as (auth, chat):  # the old secret dropped
        assert chat_code(chat, before["accessToken"]) == (401, "INVALID_TOKEN")
        dropped = requests.get(f"{auth.url}/sessions", headers=bearer(before["accessToken"]))
        assert (dropped.status_code, dropped.json()["code"]) == (401, "INVALID_TOKEN")
        assert chat_code(chat, after["accessToken"]) == (200, None)
