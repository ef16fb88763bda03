"""The stack in-process for the security tier: auth_user and chat_file apps built by their own
`create_app`, sharing one JWT secret and the real Redis (unique key prefix, deleted afterwards).

chat_file's auth_user adapter is `InProcessAuthUser`: the same `POST /batch` call, through
auth_user's Flask test client instead of a socket. Argon2 runs at its lowest cost here.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fakeredis
import jwt
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from services.auth_user.app import create_app as create_auth_app
from services.auth_user.domain.model import LoginLimits
from services.auth_user.settings import Settings as AuthSettings
from services.chat_file.app import create_app as create_chat_app
from services.chat_file.kernel.limits import no_user_limits
from services.chat_file.settings import Settings as ChatSettings
from tests.fake_stores import fake_chat_stores
from tests.support.chat_app import chat_settings as test_chat_settings
from tests.support.service_auth import service_post
from tests.unit.chat_file.fakes import FakeProfileSource

SECRET = "security-tier-secret-0123456789abcdef-0123456789"
PASSWORD = "Ngomna2026!"


class InProcessAuthUser:
    """chat_file's `ProfileSource` port answered by the auth_user app itself (POST /batch)."""

    def __init__(self, app: Flask) -> None:
        self._client = app.test_client()

    def fetch_many(self, user_ids: list[str]) -> dict[str, Mapping[str, Any]]:
        return {u["id"]: u for u in self._batch("ids", user_ids)}

    def fetch_by_matricules(self, matricules: list[str]) -> dict[str, Mapping[str, Any]]:
        return {u["matricule"]: u for u in self._batch("matricules", matricules)}

    def _batch(self, key: str, values: list[str]) -> list[dict[str, Any]]:
        """200 a call, as the HTTP adapter does."""
        users: list[dict[str, Any]] = []
        for start in range(0, len(values), 200):
            body = {"ids": [], key: values[start : start + 200]}
            users += service_post(self._client, "/batch", body).get_json()["users"]
        return users

    def ping(self) -> bool:
        return True


# The stores the tier runs on. "sql" is the module's database (PostgreSQL, SQLite without a
# server); "mongomock" is the Mongo adapter in process, where operator payloads ($ne, $where...)
# would bite if they reached a query. The injection, IDOR and fuzz tests run on both.
BACKENDS = ("sql", "mongomock")
over_every_backend = pytest.mark.parametrize("backend", BACKENDS, indirect=True, scope="module")


def database_for(backend: str) -> str:
    return "mongomock://" if backend == "mongomock" else os.environ["DATABASE_URL"]


def auth_settings(prefix: str, **changes: Any) -> AuthSettings:
    base: dict[str, Any] = {
        "app_env": "test",
        "jwt_secret": SECRET,
        "redis_key_prefix": prefix,
        "user_cache_prefix": f"{prefix}user:profile:",
        "seed_demo_users": True,
        "password_time_cost": 1,
        "password_memory_cost": 8,
        "password_parallelism": 1,
        "login_limits": LoginLimits(free_failures=100_000, per_ip=100_000),
        "database_url": os.environ["DATABASE_URL"],  # the module's database (own version table)
    }
    return AuthSettings(**{**base, **changes})


def chat_settings(prefix: str, files_dir: Path, **changes: Any) -> ChatSettings:
    base: dict[str, Any] = {
        "app_env": "test",
        "jwt_secret": SECRET,
        "redis_key_prefix": prefix,
        "user_cache_prefix": f"{prefix}user:profile:",
        "async_mode": "threading",
        "files_dir": str(files_dir),
        "database_url": os.environ["DATABASE_URL"],  # the module's database (fixture below)
        "max_upload_bytes": 256 * 1024,
        "socket_send_rate": 0,
        "user_rates": no_user_limits(),  # the fuzzers reach the handlers, not the limiter
    }
    return ChatSettings(**{**base, **changes})


@dataclass
class Stack:
    auth_app: Flask
    chat_app: Flask
    prefix: str

    @property
    def auth(self) -> FlaskClient:
        return self.auth_app.test_client()

    @property
    def chat(self) -> FlaskClient:
        return self.chat_app.test_client()

    def login(self, matricule: str, password: str = PASSWORD) -> dict[str, Any]:
        response = self.auth.post("/login", json={"matricule": matricule, "password": password})
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body

    def new_user(self, matricule: str | None = None) -> tuple[str, str]:
        """A fresh user created by the admin: `(id, access token)`."""
        matricule = matricule or f"SEC{uuid.uuid4().hex[:8].upper()}"
        admin = self.login("ADMIN001")["accessToken"]
        created = self.auth.post(
            "/",
            json={"matricule": matricule, "nom": "Test", "prenom": matricule, "password": PASSWORD},
            headers=bearer(admin),
        )
        assert created.status_code == 201, created.get_json()
        return created.get_json()["id"], self.login(matricule)["accessToken"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def forge(secret: str = SECRET, algorithm: str = "HS256", **claims: Any) -> str:
    """An access token with the given claims over sane defaults (PyJWT, not the services)."""
    now = int(time.time())
    payload = {
        "id": uuid.uuid4().hex[:24],
        "matricule": "MATFORGED",
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "jti": uuid.uuid4().hex,
        "type": "access",
        **claims,
    }
    payload = {k: v for k, v in payload.items() if v is not None}
    return jwt.encode(payload, secret, algorithm=algorithm)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the fuzzing figures at the end of the run (they also go to var/test-figures.json)."""
    from .fuzzing import SUMMARY

    if SUMMARY:
        terminalreporter.write_line(
            f"fuzzing: {SUMMARY['fuzz_cases']} cases, {SUMMARY['fuzz_5xx']} server errors"
        )


def drop_keys(client: redis.Redis, prefix: str) -> None:
    keys = list(client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        client.delete(*keys)


def new_stack(
    files_dir: Path,
    socket_send_rate: float = 0,
    backend: str = "sql",
    send_limiter: Any = None,
    **auth_changes: Any,
) -> Stack:
    prefix = f"test:sec:{uuid.uuid4().hex[:8]}:"
    database_url = database_for(backend)
    auth_app = create_auth_app(auth_settings(prefix, database_url=database_url, **auth_changes))
    chat_app = create_chat_app(
        chat_settings(
            prefix, files_dir, socket_send_rate=socket_send_rate, database_url=database_url
        ),
        auth_client=InProcessAuthUser(auth_app),
        **({"send_limiter": send_limiter} if send_limiter else {}),
    )
    return Stack(auth_app, chat_app, prefix)


@pytest.fixture(scope="module")
def backend(request: pytest.FixtureRequest) -> str:
    """ "sql" unless the test is parametrized over BACKENDS (`@over_every_backend`)."""
    return str(getattr(request, "param", "sql"))


@pytest.fixture(scope="module")
def stack(
    redis_client: redis.Redis, tmp_path_factory: pytest.TempPathFactory, backend: str
) -> Iterator[Stack]:
    built = new_stack(tmp_path_factory.mktemp("files"), backend=backend)
    yield built
    drop_keys(redis_client, built.prefix)


@pytest.fixture
def fresh_stack(redis_client: redis.Redis, tmp_path: Path, backend: str) -> Iterator[Stack]:
    """A stack of its own, for tests that change users (fuzzing as admin, deletions)."""
    built = new_stack(tmp_path, backend=backend)
    yield built
    drop_keys(redis_client, built.prefix)


@pytest.fixture(scope="module", autouse=True)
def _module_database(module_database: str) -> str:
    """The real processes (and in-process apps) of each module get a database of their own."""
    return module_database


def registered_socket_events() -> list[str]:
    """The client events chat_file's namespace answers, read off an app built on fakes (no I/O),
    so that collection sees the same table the server registers."""
    app = create_chat_app(
        test_chat_settings(Path(tempfile.gettempdir())),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource({}),
    )
    namespace = app.extensions["realtime"].socketio.server.namespace_handlers["/"]
    return sorted(namespace.events)
