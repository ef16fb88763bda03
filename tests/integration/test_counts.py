"""The counts docs/benchmarks.md states, asserted on every run.

Redis round trips: a login 6, a refresh 3, the token check of an authenticated request 0 (on
both services). Rows written by a mark-read in a large group: 1 (its member row), on SQLite
and PostgreSQL. Everything is counted per thread (bench/roundtrips.py): only what the request
itself sent, so the background threads (revocation feed, L1 listener, push outbox flusher) that
share the pool never leak into a count. Each count has a positive control that must move.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from bench.roundtrips import RoundTrips, Statements, counting_client
from libs.servicekit.settings import DEV_JWT_SECRET
from services.auth_user.app import create_app as create_auth_app
from services.chat_file.app import create_app as create_chat_app
from tests.integration.auth_user.conftest import DEMO_PASSWORD, bearer, make_settings
from tests.support.chat_app import chat_settings
from tests.support.databases import SQL_BACKENDS, postgres_database, sqlite_url
from tests.support.tokens import bearer as minted
from tests.support.tokens import mint
from tests.support.waiting import wait_until
from tests.unit.chat_file.fakes import FakeProfileSource

CREDENTIALS = {"matricule": "MAT1001", "password": DEMO_PASSWORD}
MEMBERS = 200
UNREAD = 30


@pytest.fixture
def auth_app(redis_url: str, key_prefix: str) -> Flask:
    app = create_auth_app(
        make_settings(redis_url, key_prefix), redis_client=counting_client(redis_url)
    )
    app.test_client().post("/login", json=CREDENTIALS)  # loads the Lua scripts once
    wait_until(lambda: app.extensions["auth_user"].mirror.fresh)
    return app


def test_a_login_is_five_round_trips_and_a_refresh_three(auth_app: Flask) -> None:
    client = auth_app.test_client()
    with RoundTrips() as login:
        tokens = client.post("/login", json=CREDENTIALS).get_json()
    with RoundTrips() as refresh:
        refreshed = client.post("/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200, refreshed.get_json()
    assert (login.count, refresh.count) == (5, 3)  # back-off: one pipeline reads both waits


def test_the_token_check_of_auth_user_makes_no_round_trip(auth_app: Flask) -> None:
    client = auth_app.test_client()
    admin = client.post("/login", json={**CREDENTIALS, "matricule": "ADMIN001"}).get_json()
    headers = bearer(admin["accessToken"])
    assert client.get("/audit?limit=1", headers=headers).status_code == 200  # warm
    with RoundTrips() as checked:
        for _ in range(20):
            assert client.get("/audit?limit=1", headers=headers).status_code == 200
    with RoundTrips() as control:  # a route that reads Redis itself: the counter works
        assert client.get("/sessions", headers=headers).status_code == 200
    assert checked.count == 0
    assert control.count >= 1


@pytest.fixture(params=SQL_BACKENDS)
def chat_app(
    request: pytest.FixtureRequest, redis_url: str, key_prefix: str, tmp_path: Path
) -> Iterator[Flask]:
    if request.param == "postgresql":
        with postgres_database() as url:
            yield _chat_app(url, redis_url, key_prefix, tmp_path)
    else:
        yield _chat_app(sqlite_url(tmp_path, "chat"), redis_url, key_prefix, tmp_path)


def _chat_app(url: str, redis_url: str, key_prefix: str, tmp_path: Path) -> Flask:
    settings = chat_settings(
        tmp_path,
        redis_url=redis_url,
        redis_key_prefix=key_prefix,
        user_cache_prefix=f"{key_prefix}user:profile:",
        database_url=url,
    )
    app = create_chat_app(
        settings, redis=counting_client(redis_url), auth_client=FakeProfileSource(everyone=True)
    )
    wait_until(lambda: app.extensions["chat"].verifier.mirror.fresh)
    return app


def test_the_token_check_of_chat_file_makes_no_round_trip(chat_app: Flask) -> None:
    client, headers = chat_app.test_client(), minted(uuid.uuid4().hex[:24], DEV_JWT_SECRET)
    assert client.get("/conversations", headers=headers).status_code == 200  # warm
    with RoundTrips() as checked:
        for _ in range(20):
            assert client.get("/conversations", headers=headers).status_code == 200
    assert checked.count == 0


def test_a_mark_read_in_a_large_group_writes_one_row(chat_app: Flask) -> None:
    client = chat_app.test_client()
    users = [uuid.uuid4().hex[:24] for _ in range(MEMBERS)]
    owner, reader = minted(users[0], DEV_JWT_SECRET), minted(users[1], DEV_JWT_SECRET)
    group = client.post("/groups", json={"name": "Cabinet", "members": users[1:]}, headers=owner)
    assert group.status_code == 201, group.get_json()
    cid = group.get_json()["data"]["id"]
    for n in range(UNREAD):
        sent = client.post(
            "/messages", json={"conversationId": cid, "content": f"n{n}"}, headers=owner
        )
        assert sent.status_code == 201, sent.get_json()
    with Statements() as statements:
        reply = client.put(f"/conversations/{cid}/read", headers=reader, json={})
    assert reply.status_code == 200 and reply.get_json()["data"]["unreadCount"] == 0
    # the conversation's state: one member row; beside it the read mark goes into each
    # member's change log (sync, issue 27) in two statements whatever the group's size
    logged = [s for s in statements.executed if s.writes and " change_" in s.sql]
    state = [s for s in statements.executed if s.writes and s not in logged]
    assert sum(s.rowcount for s in state) == 1, statements.executed
    assert len(logged) == 2 and logged[-1].rowcount == MEMBERS, logged
    with Statements() as control:  # the same counter sees a send's writes
        client.post("/messages", json={"conversationId": cid, "content": "x"}, headers=owner)
    assert control.rows_written >= 2


def connect_statements(app: Flask, user: str) -> tuple[int, list[str]]:
    """SQL statements one socket connect of `user` and its disconnect ran (the user's only
    device: presence tells the contacts at both)."""
    with Statements() as statements:
        socket = app.extensions["socketio"].test_client(
            app, auth={"token": mint(user, DEV_JWT_SECRET)}
        )
        assert socket.is_connected()
        socket.disconnect()
    return len(statements.executed), [s.sql for s in statements.executed]


@pytest.mark.parametrize("conversations", [2, 25])
def test_a_socket_connect_is_one_query_then_none_whatever_the_conversations(
    chat_app: Flask, conversations: int
) -> None:
    """Rooms and contacts come from one query (not ids_for + list_for); then from Redis, and
    the disconnect's contacts too."""
    client = chat_app.test_client()
    users = [uuid.uuid4().hex[:24] for _ in range(conversations + 1)]
    owner = minted(users[0], DEV_JWT_SECRET)
    for n in range(conversations):
        members = users[1 : n + 2]  # groups of growing size: more contacts, more rows
        made = client.post("/groups", json={"name": f"g{n}", "members": members}, headers=owner)
        assert made.status_code == 201, made.get_json()
    cold, cold_sql = connect_statements(chat_app, users[0])
    warm, warm_sql = connect_statements(chat_app, users[0])
    assert (cold, warm) == (1, 0), (cold_sql, warm_sql)
    client.post("/groups", json={"name": "new", "members": users[1:2]}, headers=owner)
    changed, _ = connect_statements(chat_app, users[0])  # membership changed: asked again
    assert changed == 1


class Commits:
    """Transactions this thread committed on any engine inside the block."""

    def __enter__(self) -> Commits:
        self._thread, self.count = threading.get_ident(), 0
        sa.event.listen(sa.engine.Engine, "commit", self._seen)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(sa.engine.Engine, "commit", self._seen)

    def _seen(self, _conn: object) -> None:
        if threading.get_ident() == self._thread:
            self.count += 1


def test_a_send_is_five_statements_in_one_transaction_whatever_the_group(
    chat_app: Flask,
) -> None:
    """The conversation (2 reads), then number + insert + the sender's read mark (1 write
    transaction); no temporaryId lookup first: a retry is found by the insert's unique key.
    Then the change log (sync, issue 27): the members' counters and their entries, one
    transaction of two statements whatever the group's size."""
    client = chat_app.test_client()
    users = [uuid.uuid4().hex[:24] for _ in range(MEMBERS)]
    owner = minted(users[0], DEV_JWT_SECRET)
    group = client.post("/groups", json={"name": "Cabinet", "members": users[1:]}, headers=owner)
    cid = group.get_json()["data"]["id"]
    body = {"conversationId": cid, "content": "Bonjour", "temporaryId": "t-1"}
    client.post("/messages", json={**body, "temporaryId": "warm"}, headers=owner)
    with Statements() as statements, Commits() as commits:
        sent = client.post("/messages", json=body, headers=owner)
    assert sent.status_code == 201, sent.get_json()
    sql = [s.sql.split()[0] for s in statements.executed if not s.sql.startswith("BEGIN")]
    assert sql == ["SELECT", "SELECT", "UPDATE", "INSERT", "UPDATE", "INSERT", "INSERT"], sql
    assert " change_heads " in statements.executed[-2].sql + " "
    assert commits.count == 2
    with Statements() as again:
        retried = client.post("/messages", json=body, headers=owner)
    assert (
        retried.status_code == 200
        and retried.get_json()["data"]["id"] == sent.get_json()["data"]["id"]
    )
    # the refused INSERT (rolled back with its UPDATE) is not reported; the stored message is
    # read after it (the message, its hidden marks)
    retry_sql = [s.sql.split()[0] for s in again.executed if not s.sql.startswith("BEGIN")]
    assert retry_sql == ["SELECT", "SELECT", "UPDATE", "SELECT", "SELECT"], again.executed
