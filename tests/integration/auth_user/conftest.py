from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.auth_user.app import create_app
from services.auth_user.settings import Settings
from tests.support.databases import sqlite_url
from tests.support.json_parity import json_parity

DEMO_PASSWORD = "Ngomna2026!"
FAST_HASHING = {"password_time_cost": 1, "password_memory_cost": 8, "password_parallelism": 1}


def make_settings(redis_url: str, key_prefix: str, **overrides: Any) -> Settings:
    """Settings of one test's app, on a SQLite file of its own (never the repository's var/)."""
    values: dict[str, Any] = {
        "app_env": "test",
        "database_url": sqlite_url(Path(tempfile.mkdtemp(prefix="ngomna-auth-")), "auth_user"),
        "redis_url": redis_url,
        "redis_key_prefix": key_prefix,
        "user_cache_prefix": f"{key_prefix}user:profile:",
        "seed_demo_users": True,
        **FAST_HASHING,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def app(redis_url: str, key_prefix: str) -> Iterator[Flask]:
    app = create_app(make_settings(redis_url, key_prefix))
    with json_parity(app):  # every response also checked against the standard JSON provider
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


Login = Callable[..., dict[str, Any]]


@pytest.fixture
def login(app: Flask) -> Login:
    """Log in with a fresh client (no cookies left behind) and return the JSON body."""

    def do(matricule: str = "MAT1001", password: str = DEMO_PASSWORD) -> dict[str, Any]:
        response = app.test_client().post(
            "/login", json={"matricule": matricule, "password": password}
        )
        assert response.status_code == 200, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body

    return do


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_client(
    request: pytest.FixtureRequest, redis_url: str, key_prefix: str, tmp_path: Path
) -> Iterator[FlaskClient]:
    """A client of an app with the demo users on its own SQLite file, then PostgreSQL database."""
    from .directory_support import directory_app

    with directory_app(request.param, redis_url, key_prefix, tmp_path) as app:
        yield app.test_client()
