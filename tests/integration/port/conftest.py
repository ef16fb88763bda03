"""Ports from SQLite and the Mongo backend into a fresh PostgreSQL database per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
import redis

from services.auth_user.app import create_app as create_auth_app
from services.chat_file.app import create_app as create_chat_app
from tests.conftest import redis_namespace
from tests.security.conftest import InProcessAuthUser, Stack, auth_settings, chat_settings
from tests.support.databases import postgres_database

MakeStack = Callable[..., Stack]


@pytest.fixture
def target_url() -> Iterator[str]:
    """An empty PostgreSQL database (both services' tables go in it, as in production)."""
    with postgres_database() as url:
        yield url


@pytest.fixture
def make_stack(
    redis_client: redis.Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MakeStack]:
    """Both apps in-process on the given databases (or `db=` a Mongo database), sharing one
    files directory; each stack has its own Redis namespace, so no name comes from a cache
    filled by another one."""
    monkeypatch.setenv("DATABASE_URL", "sqlite:///unused")  # every stack names its own
    namespaces = ExitStack()

    def make(
        auth_url: str = "", chat_url: str = "", *, seed: bool = True, db: Any = None, **chat: Any
    ) -> Stack:
        prefix = namespaces.enter_context(redis_namespace(redis_client, "port"))
        mongo = {} if db is None else {"db": db}
        auth_app = create_auth_app(
            auth_settings(prefix, database_url=auth_url or "mongomock://", seed_demo_users=seed),
            **mongo,
        )
        chat_app = create_chat_app(
            chat_settings(
                prefix, tmp_path / "files", database_url=chat_url or "mongomock://", **chat
            ),
            auth_client=InProcessAuthUser(auth_app),
            **mongo,
        )
        return Stack(auth_app, chat_app, prefix)

    with namespaces:
        yield make
