"""Services built through `build(settings, **fakes)` over the in-memory store fakes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from libs.servicekit.settings import DEV_JWT_SECRET
from services.chat_file.app import create_app
from services.chat_file.bootstrap import ChatServices, build
from services.chat_file.kernel.identity import Identity
from services.chat_file.moderation.wiring import ModerationPorts
from services.chat_file.settings import Settings
from tests.fake_moderation_stores import FakeBlockIndex, FakeSuspensions
from tests.fake_stores import fake_chat_stores
from tests.support.json_parity import json_parity
from tests.support.wire import wire

from .fakes import (
    FakeAttachmentResolver,
    FakeProfileCache,
    FakeProfileSource,
    RecordingNotifier,
    profile,
)
from .push.fakes import FakeOutbox

USERS = {
    u: profile(u, p, n)
    for u, p, n in [
        ("alice", "Alice", "Mbarga"),
        ("bob", "Bob", "Ngono"),
        ("carol", "Carol", "Fotso"),
        ("dave", "Dave", "Dupont"),
    ]
}


class FakeRedis:
    def ping(self) -> bool:
        return True

    def register_script(self, script: str) -> Callable[..., Any]:
        """Lua scripts answer "nothing to do": the rate limiter's GCRA "allowed", the socket
        registry "no socket beyond the cap" (limits and caps have their own tests)."""
        return lambda **_: [] if "ZADD" in script else "0"

    def zrem(self, *_: Any) -> int:
        return 0


@pytest.fixture
def settings() -> Settings:
    return Settings(
        app_env="test", jwt_secret=DEV_JWT_SECRET, allowed_origins=("https://chat.example",)
    )


@pytest.fixture
def fakes() -> dict[str, Any]:
    stores = fake_chat_stores()
    return {
        "stores": stores,
        "redis": FakeRedis(),
        "cache": FakeProfileCache(),
        "auth_client": FakeProfileSource(USERS),
        "notifier": RecordingNotifier(),
        "attachments": FakeAttachmentResolver(),
        "push_outbox": FakeOutbox(),
        "moderation_adapters": ModerationPorts(FakeSuspensions(), FakeBlockIndex(stores.blocks)),
    }


@pytest.fixture
def chat(settings: Settings, fakes: dict[str, Any]) -> ChatServices:
    return wire(build(settings, **fakes))  # use-case results as the transports shape them


@pytest.fixture
def app(settings: Settings, fakes: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(settings, **fakes)
    with json_parity(app):  # every response also checked against the standard JSON provider
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def who(user_id: str) -> Identity:
    return Identity(user_id=user_id, matricule=None)
