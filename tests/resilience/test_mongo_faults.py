"""MongoDB operations fail on demand (a FlakyDatabase passed to `create_app(..., db=)`).

Every route answers a clean 503 JSON with a code while the database is down; nothing is
acknowledged that was not written, no id is invented, and a client retry with the same
temporaryId stores the message exactly once after the database is back.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import fakeredis
import mongomock
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from services.auth_user.app import create_app as create_auth_app
from services.auth_user.domain.model import LoginLimits
from services.auth_user.settings import Settings as AuthSettings
from services.chat_file.app import create_app as create_chat_app
from services.chat_file.settings import Settings as ChatSettings

from .flaky_mongo import WRITES, FlakyDatabase
from .support import JWT_SECRET, new_user, token_for

PASSWORD = "Ngomna2026!"


class Anyone:
    """auth_user that knows every id (names are not what these tests are about)."""

    def fetch_many(self, user_ids: list[str]) -> dict[str, dict[str, Any]]:
        return {u: {"id": u, "nom": "Nom", "prenom": u[:4], "matricule": "M"} for u in user_ids}

    def fetch_by_matricules(self, matricules: list[str]) -> dict[str, dict[str, Any]]:
        return {}  # every id is known: nothing is looked up by matricule

    def ping(self) -> bool:
        return True


@dataclass
class Chat:
    app: Flask
    db: FlakyDatabase
    alice: str
    bob: str
    conversation: str
    message: str

    def client(self, user: str) -> tuple[FlaskClient, dict[str, str]]:
        return self.app.test_client(), {"Authorization": f"Bearer {token_for(user)}"}

    def history(self, user: str) -> list[dict[str, Any]]:
        client, headers = self.client(user)
        page = client.get(
            f"/messages?conversationId={self.conversation}&limit=100", headers=headers
        )
        assert page.status_code == 200
        return list(page.get_json()["data"]["messages"])


@pytest.fixture
def chat(tmp_path: Any) -> Chat:
    db = FlakyDatabase(mongomock.MongoClient(tz_aware=True)[f"chat_{uuid.uuid4().hex[:6]}"])
    settings = ChatSettings(
        app_env="test", jwt_secret=JWT_SECRET, async_mode="threading", files_dir=str(tmp_path)
    )
    app = create_chat_app(settings, db=db, redis=fakeredis.FakeRedis(), auth_client=Anyone())
    alice, bob = new_user(), new_user()
    client = app.test_client()
    sent = client.post(
        "/messages",
        json={"receiverId": bob, "content": "premier"},
        headers={"Authorization": f"Bearer {token_for(alice)}"},
    ).get_json()["data"]
    return Chat(app, db, alice, bob, sent["conversationId"], sent["messageId"])


def routes(chat: Chat) -> list[tuple[str, str, dict[str, Any]]]:
    cid, mid = chat.conversation, chat.message
    return [
        ("GET", "/conversations", {}),
        ("POST", "/conversations", {"json": {"type": "PRIVATE", "participantId": new_user()}}),
        ("POST", "/groups", {"json": {"name": "g", "members": [chat.bob]}}),
        ("GET", f"/conversations/{cid}", {}),
        ("PUT", f"/conversations/{cid}/read", {}),
        ("GET", f"/messages?conversationId={cid}", {}),
        (
            "POST",
            "/messages",
            {"json": {"conversationId": cid, "content": "x", "temporaryId": "a"}},
        ),
        ("POST", "/messages", {"json": {"receiverId": chat.bob, "content": "x"}}),
        ("GET", f"/messages/{mid}", {}),
        ("PUT", f"/messages/{mid}", {"json": {"content": "modifié"}}),
        ("DELETE", f"/messages/{mid}?scope=everyone", {}),
        ("PUT", f"/messages/{mid}/status", {"json": {"status": "READ"}}),
        ("POST", f"/messages/{mid}/reactions", {"json": {"emoji": "👍"}}),
        ("GET", "/messages/search?q=premier", {}),
        ("GET", f"/files/conversation/{cid}", {}),
        (
            "POST",
            "/files/upload",
            {
                "data": {"conversationId": cid, "file": (io.BytesIO(b"du texte"), "a.txt")},
                "content_type": "multipart/form-data",
            },
        ),
    ]


def test_every_route_answers_503_json_while_mongo_is_down(chat: Chat) -> None:
    client, headers = chat.client(chat.alice)
    with chat.db.switch.fail():
        for method, path, kwargs in routes(chat):
            response = client.open(path, method=method, headers=headers, **kwargs)
            assert response.status_code == 503, (method, path, response.get_data(as_text=True))
            body = response.get_json()
            assert body == {
                "success": False,
                "code": "STORE_UNAVAILABLE",
                "message": body["message"],
            }, (method, path)
        ready = client.get("/ready")
        assert (ready.status_code, ready.get_json()["code"]) == (503, "NOT_READY")
        assert client.get("/health").status_code == 200
    assert chat.db.switch.raised >= len(routes(chat))
    after = chat.history(chat.alice)
    assert [m["content"] for m in after] == ["premier"]  # no write got through, no edit either
    assert not after[0].get("reactions")


def test_a_failed_write_is_not_acknowledged_and_a_retry_stores_it_once(chat: Chat) -> None:
    client, headers = chat.client(chat.alice)
    body = {"conversationId": chat.conversation, "content": "important", "temporaryId": "tmp-1"}
    with chat.db.switch.fail(frozenset({"insert_one"}), "messages"):
        failed = client.post("/messages", json=body, headers=headers)
    assert failed.status_code == 503 and "messageId" not in failed.get_data(as_text=True)
    assert "important" not in [m["content"] for m in chat.history(chat.bob)]
    first = client.post("/messages", json=body, headers=headers)
    again = client.post("/messages", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["data"]["messageId"] == again.get_json()["data"]["messageId"]
    contents = [m["content"] for m in chat.history(chat.bob)]
    assert contents.count("important") == 1


def test_a_failed_sequence_update_stores_nothing(chat: Chat) -> None:
    client, headers = chat.client(chat.alice)
    with chat.db.switch.fail(frozenset({"find_one_and_update"}), "conversations"):
        failed = client.post(
            "/messages",
            json={"conversationId": chat.conversation, "content": "perdu"},
            headers=headers,
        )
    assert failed.status_code == 503
    assert [m["content"] for m in chat.history(chat.bob)] == ["premier"]


def test_numbering_and_withdrawal_both_failing_are_completed_by_the_retry(chat: Chat) -> None:
    """Stored, not numbered, not withdrawn (the store fails twice): the temporaryId retry
    finishes the job, and the message then appears once, numbered, as lastMessage."""
    client, headers = chat.client(chat.alice)
    body = {"conversationId": chat.conversation, "content": "à finir", "temporaryId": "tmp-2"}
    with (
        chat.db.switch.fail(frozenset({"find_one_and_update"}), "conversations"),
        chat.db.switch.fail(frozenset({"delete_one", "delete_many"}), "messages"),
    ):
        failed = client.post("/messages", json=body, headers=headers)
    assert failed.status_code == 503
    retried = client.post("/messages", json=body, headers=headers)
    assert retried.status_code in (200, 201), retried.get_json()
    assert [m["content"] for m in chat.history(chat.bob)].count("à finir") == 1
    bob, bob_headers = chat.client(chat.bob)
    listed = bob.get("/conversations", headers=bob_headers).get_json()["data"]
    assert listed["conversations"][0]["lastMessage"]["content"] == "à finir"
    assert listed["totalUnreadMessages"] == 2


def test_a_failed_insert_leaves_no_phantom_last_message_or_unread(chat: Chat) -> None:
    client, headers = chat.client(chat.alice)
    with chat.db.switch.fail(frozenset({"insert_one"}), "messages"):
        client.post(
            "/messages",
            json={"conversationId": chat.conversation, "content": "fantôme"},
            headers=headers,
        )
    bob, bob_headers = chat.client(chat.bob)
    listed = bob.get("/conversations", headers=bob_headers).get_json()["data"]
    assert listed["conversations"][0]["lastMessage"]["content"] == "premier"
    assert listed["totalUnreadMessages"] == 1


def test_socket_send_while_mongo_is_down_is_an_error_ack_and_no_broadcast(chat: Chat) -> None:
    socketio = chat.app.extensions["socketio"]
    alice = socketio.test_client(chat.app, auth={"token": token_for(chat.alice)})
    bob = socketio.test_client(chat.app, auth={"token": token_for(chat.bob)})
    bob.get_received()
    body = {"conversationId": chat.conversation, "content": "via socket", "temporaryId": "s-1"}
    with chat.db.switch.fail(WRITES):
        ack = alice.emit("sendMessage", body, callback=True)
    assert (ack["success"], ack["code"]) == (False, "STORE_UNAVAILABLE")
    assert "messageId" not in ack
    assert [e for e in bob.get_received() if e["name"] == "newMessage"] == []
    assert "via socket" not in [m["content"] for m in chat.history(chat.bob)]
    retry = alice.emit("sendMessage", body, callback=True)
    assert retry["success"] is True
    assert [e["name"] for e in bob.get_received()].count("newMessage") == 1
    alice.disconnect()
    bob.disconnect()


@pytest.fixture
def auth(redis_client: redis.Redis) -> Iterator[tuple[Flask, FlakyDatabase]]:
    prefix = f"test:res-mongo:{uuid.uuid4().hex[:6]}:"
    db = FlakyDatabase(mongomock.MongoClient(tz_aware=True)["auth_user_db"])
    settings = AuthSettings(
        app_env="test",
        jwt_secret=JWT_SECRET,
        redis_key_prefix=prefix,
        user_cache_prefix=f"{prefix}user:profile:",
        seed_demo_users=True,
        password_time_cost=1,
        password_memory_cost=8,
        password_parallelism=1,
        login_limits=LoginLimits(free_failures=1000, per_ip=1000),
    )
    yield create_auth_app(settings, db=db), db
    keys = list(redis_client.scan_iter(match=f"{prefix}*", count=500))
    if keys:
        redis_client.delete(*keys)


def test_auth_user_answers_503_and_invents_no_user_while_mongo_is_down(
    auth: tuple[Flask, FlakyDatabase],
) -> None:
    app, db = auth
    client = app.test_client()
    login = {"matricule": "ADMIN001", "password": PASSWORD}
    token = client.post("/login", json=login).get_json()["accessToken"]
    headers = {"Authorization": f"Bearer {token}"}
    new = {"matricule": "MONGO01", "nom": "N", "prenom": "P", "password": "mongo-pass-1"}
    with db.switch.fail():
        refused = client.post("/login", json=login)
        assert (refused.status_code, refused.get_json()["code"]) == (503, "STORE_UNAVAILABLE")
        assert "accessToken" not in refused.get_data(as_text=True)
        assert client.get("/ready").status_code == 503
    with db.switch.fail(frozenset({"insert_one"})):
        made = client.post("/", json=new, headers=headers)
        assert (made.status_code, made.get_json()["code"]) == (503, "STORE_UNAVAILABLE")
    assert client.get("/matricule/MONGO01").status_code == 404  # nothing was acknowledged
    assert client.post("/", json=new, headers=headers).status_code == 201
    assert client.post("/login", json=login).status_code == 200
