"""Every route of both services while PostgreSQL is down (the private cluster stopped): a clean
503 `STORE_UNAVAILABLE`, nothing acknowledged; once it is back the same app objects serve
again, with no rebuild. The apps run in-process (`create_app`) on the real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from services.auth_user.app import create_app as create_auth_app
from services.auth_user.domain.model import LoginLimits
from services.auth_user.settings import Settings as AuthSettings
from services.chat_file.app import create_app as create_chat_app
from services.chat_file.settings import Settings as ChatSettings

from .own_postgres import OwnPostgres
from .support import JWT_SECRET, new_user, token_for
from .test_mongo_faults import Anyone, Chat, routes

PASSWORD = "Ngomna2026!"
UNAVAILABLE = {"success": False, "code": "STORE_UNAVAILABLE"}


@pytest.fixture
def database(own_postgres: OwnPostgres) -> str:
    return own_postgres.create_database(f"routes_{uuid.uuid4().hex[:8]}")


def common(database: str, redis_url: str, prefix: str) -> dict[str, Any]:
    return {
        "app_env": "test",
        "jwt_secret": JWT_SECRET,
        "database_url": database,
        "redis_url": redis_url,
        "redis_key_prefix": prefix,
        "user_cache_prefix": f"{prefix}user:profile:",
    }


@pytest.fixture
def chat(database: str, redis_url: str, key_prefix: str, tmp_path: Path) -> Chat:
    settings = ChatSettings(
        **common(database, redis_url, key_prefix), async_mode="threading", files_dir=str(tmp_path)
    )
    app = create_chat_app(settings, auth_client=Anyone())
    alice, bob = new_user(), new_user()
    sent = app.test_client().post(
        "/messages",
        json={"receiverId": bob, "content": "premier"},
        headers={"Authorization": f"Bearer {token_for(alice)}"},
    )
    data = sent.get_json()["data"]
    return Chat(app, None, alice, bob, data["conversationId"], data["messageId"])  # type: ignore[arg-type]


def unavailable(response: Any) -> bool:
    body = response.get_json() or {}
    return response.status_code == 503 and UNAVAILABLE.items() <= body.items()


def test_every_chat_route_answers_503_while_postgresql_is_down(
    own_postgres: OwnPostgres, chat: Chat
) -> None:
    client, headers = chat.client(chat.alice)
    own_postgres.stop()
    try:
        for method, path, kwargs in routes(chat):
            response = client.open(path, method=method, headers=headers, **kwargs)
            assert unavailable(response), (method, path, response.get_data(as_text=True))
        assert client.get("/ready").status_code == 503
        assert client.get("/health").status_code == 200
    finally:
        own_postgres.start()
    assert [m["content"] for m in chat.history(chat.alice)] == ["premier"]
    again = client.post(
        "/messages", json={"conversationId": chat.conversation, "content": "ok"}, headers=headers
    )
    assert again.status_code == 201


@pytest.fixture
def auth(database: str, redis_url: str, key_prefix: str) -> Iterator[Flask]:
    settings = AuthSettings(
        **common(database, redis_url, key_prefix),
        seed_demo_users=True,
        password_time_cost=1,
        password_memory_cost=8,
        password_parallelism=1,
        login_limits=LoginLimits(free_failures=1000, per_ip=1000),
    )
    yield create_auth_app(settings)


def test_every_auth_route_answers_503_while_postgresql_is_down(
    own_postgres: OwnPostgres, auth: Flask
) -> None:
    client = auth.test_client()
    login = {"matricule": "ADMIN001", "password": PASSWORD}
    session = client.post("/login", json=login).get_json()
    me, headers = session["user"]["id"], {"Authorization": f"Bearer {session['accessToken']}"}
    new = {"matricule": "PGDOWN01", "nom": "N", "prenom": "P", "password": "pg-down-pass-1"}
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/login", {"json": login}),
        ("GET", "/all?q=admin", {}),
        ("GET", f"/{me}", {}),
        ("GET", "/matricule/MAT1001", {}),
        ("POST", "/batch", {"json": {"ids": [me]}}),
        ("POST", "/", {"json": new}),
        ("PUT", f"/{me}", {"json": {"nom": "Renommé"}}),
        ("DELETE", f"/{new_user()}", {}),
    ]
    own_postgres.stop()
    try:
        for method, path, kwargs in calls:
            response = client.open(path, method=method, headers=headers, **kwargs)
            assert unavailable(response), (method, path, response.get_data(as_text=True))
            assert "accessToken" not in response.get_data(as_text=True)
        assert client.get("/ready").status_code == 503
    finally:
        own_postgres.start()
    assert client.get("/matricule/PGDOWN01").status_code == 404  # nothing was acknowledged
    assert client.post("/", json=new, headers=headers).status_code == 201
    assert client.post("/login", json=login).status_code == 200
