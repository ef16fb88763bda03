"""The AuditLog contract on every backend (fake, SQLite, PostgreSQL, mongomock, MongoDB when
set): events read back newest first, filtered by kind and user, paginated with a total."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mongomock
import pytest

from services.auth_user.application.ports import AuditLog
from services.auth_user.domain.model import AuditEvent
from services.auth_user.infrastructure.stores import open_auth_stores, open_mongo_stores
from tests.support.databases import ALL_BACKENDS, postgres_database, require_mongodb, sqlite_url
from tests.unit.auth_user.fakes import FakeAuditLog


@pytest.fixture(params=ALL_BACKENDS)
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AuditLog]:
    backend = str(request.param)
    if backend == "memory":
        yield FakeAuditLog()
    elif backend == "sqlite":
        stores = open_auth_stores(sqlite_url(tmp_path, "auth_user"))
        assert stores.audit is not None
        yield stores.audit
        stores.close()
    elif backend == "postgresql":
        with postgres_database() as url:
            stores = open_auth_stores(url)
            assert stores.audit is not None
            yield stores.audit
            stores.close()
    elif backend == "mongomock":
        yield open_mongo_stores(mongomock.MongoClient(tz_aware=True)["audit_test"], None).audit
    else:
        import pymongo

        client = pymongo.MongoClient(require_mongodb(), tz_aware=True)
        name = f"auth_audit_{uuid.uuid4().hex[:8]}"
        yield open_mongo_stores(client[name], None).audit
        client.drop_database(name)


START = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_events_read_back_newest_first_filtered_and_paginated(log: AuditLog) -> None:
    kinds = ["login_ok", "login_failed", "login_failed", "session_ended", "login_failed"]
    for n, kind in enumerate(kinds):
        user = "a" * 24 if n % 2 == 0 else "b" * 24
        event = AuditEvent(kind, START + timedelta(seconds=n), user, None, "10.0.0.1", f"d{n}")
        log.record(event)
    everything, total = log.page(None, None, 0, 10)
    assert total == 5 and [e.detail for e in everything] == ["d4", "d3", "d2", "d1", "d0"]
    assert everything[0].at == START + timedelta(seconds=4) and everything[0].ip == "10.0.0.1"
    failed, total = log.page("login_failed", None, 0, 2)
    assert (total, [e.detail for e in failed]) == (3, ["d4", "d2"])
    second, _ = log.page("login_failed", None, 2, 2)
    assert [e.detail for e in second] == ["d1"]
    theirs, total = log.page(None, "b" * 24, 0, 10)
    assert (total, [e.detail for e in theirs]) == (2, ["d3", "d1"])


def test_several_events_recorded_at_once_read_back_in_their_order(log: AuditLog) -> None:
    users = [f"{n:024x}" for n in range(3)]
    events = [AuditEvent("deactivated", START, u, "c" * 24, "", "import j1") for u in users]
    log.record(*events)
    found, total = log.page("deactivated", None, 0, 10)
    assert (total, [e.user_id for e in found]) == (3, list(reversed(users)))
    assert {(e.actor_id, e.detail) for e in found} == {("c" * 24, "import j1")}
