"""The HTTP layer through Flask's test client: auth, CSRF, envelope, the bad-input matrix."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import pytest
from flask.testing import FlaskClient

from services.chat_file.app import create_app
from services.chat_file.kernel.rate import SendRateLimiter
from services.chat_file.settings import Settings
from tests.support.clock import PausableClock

from ..fakes import bearer, token


def post(client: FlaskClient, path: str, body: dict, user: str = "alice"):
    return client.post(path, json=body, headers=bearer(user))


@pytest.fixture
def cid(client: FlaskClient) -> str:
    response = post(client, "/conversations", {"type": "PRIVATE", "participantId": "bob"})
    assert response.status_code == 201
    return str(response.get_json()["data"]["id"])


def test_health_needs_no_token_and_ready_reports_dependencies(client: FlaskClient) -> None:
    assert client.get("/health").get_json()["data"]["status"] == "ok"
    data = client.get("/ready").get_json()["data"]
    assert data["database"] and data["redis"] and data["authUser"] and data["breaker"] == "closed"


@pytest.mark.parametrize(
    ("headers", "code"),
    [  # minted when the test runs, not at collection (a long suite outlives a 600 s token)
        (lambda: {}, "MISSING_TOKEN"),
        (lambda: {"Authorization": "Bearer "}, "MISSING_TOKEN"),
        (lambda: {"Authorization": "Bearer nope"}, "INVALID_TOKEN"),
        (lambda: {"Authorization": f"Bearer {token('alice', type='refresh')}"}, "INVALID_TOKEN"),
        (
            lambda: {"Authorization": f"Bearer {token('alice', exp=int(time.time()) - 1)}"},
            "TOKEN_EXPIRED",
        ),
    ],
    ids=["none", "empty", "garbage", "refresh", "expired"],
)
def test_auth_errors(client: FlaskClient, headers: Callable[[], dict], code: str) -> None:
    response = client.get("/conversations", headers=headers())
    body = response.get_json()
    assert response.status_code == 401
    assert body == {"success": False, "code": code, "message": body["message"]}
    if code == "MISSING_TOKEN":
        assert body["message"] == "Token d'authentification requis"
    else:
        assert body["message"] == "Token invalide ou expiré"


def test_cookie_token_reads_and_csrf_checked_writes(client: FlaskClient) -> None:
    client.set_cookie("accessToken", token("alice", csrf="claim-abc"))
    assert client.get("/conversations").status_code == 200
    body = {"type": "PRIVATE", "participantId": "bob"}
    refused = client.post("/conversations", json=body)
    assert refused.status_code == 403 and refused.get_json()["code"] == "CSRF_FAILED"
    evil = client.post("/conversations", json=body, headers={"Origin": "https://evil.example"})
    assert evil.status_code == 403
    listed = client.post("/conversations", json=body, headers={"Origin": "https://chat.example"})
    assert listed.status_code == 201
    same = client.post("/conversations", json=body, headers={"Referer": "http://localhost/x"})
    assert same.status_code == 200
    client.set_cookie("csrf_access_token", "abc")  # a cookie is not proof: it can be planted
    planted = client.post("/conversations", json=body, headers={"X-CSRF-TOKEN": "abc"})
    assert planted.status_code == 403
    claim = client.post("/conversations", json=body, headers={"X-CSRF-TOKEN": "claim-abc"})
    assert claim.status_code == 200  # the token's own `csrf` claim


def test_bearer_writes_need_no_csrf(client: FlaskClient, cid: str) -> None:
    response = post(client, "/messages", {"conversationId": cid, "content": "ok"})
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["senderId"] == "alice" and data["senderName"] == "Alice Mbarga"


def test_sender_comes_from_the_token_not_the_body(client: FlaskClient, cid: str) -> None:
    body = {"conversationId": cid, "content": "x", "senderId": "bob"}
    assert post(client, "/messages", body).get_json()["data"]["senderId"] == "alice"


def test_malformed_json_is_400_invalid_json(client: FlaskClient) -> None:
    for data in ["{nope", "[1, 2]", ""]:
        response = client.post(
            "/messages", data=data, headers={**bearer(), "Content-Type": "application/json"}
        )
        assert response.status_code == 400 and response.get_json()["code"] == "INVALID_JSON"


def _bad_inputs(cid: str, mid: str) -> list[tuple[str, str, dict | None, str, int]]:
    missing = "0" * 24
    return [
        ("get", "/messages?conversationId=zzz", None, "INVALID_ID", 400),
        ("get", f"/messages?conversationId={missing}", None, "CONVERSATION_NOT_FOUND", 404),
        ("get", f"/messages?conversationId={cid}&cursor=garbage", None, "INVALID_CURSOR", 400),
        ("get", f"/messages?conversationId={cid}&limit=0", None, "INVALID_PAGINATION", 400),
        ("get", f"/messages?conversationId={cid}&limit=101", None, "INVALID_PAGINATION", 400),
        ("get", f"/messages?conversationId={cid}&direction=up", None, "INVALID_PAGINATION", 400),
        ("post", "/messages", {"conversationId": cid, "content": ""}, "EMPTY_CONTENT", 400),
        (
            "post",
            "/messages",
            {"conversationId": cid, "content": "x" * 10_001},
            "CONTENT_TOO_LONG",
            400,
        ),
        (
            "post",
            "/messages",
            {"conversationId": cid, "content": "x", "type": "GIF"},
            "INVALID_MESSAGE_TYPE",
            400,
        ),
        ("post", "/messages", {"conversationId": cid, "content": 5}, "VALIDATION_ERROR", 400),
        ("post", "/messages", {"receiverId": "alice", "content": "x"}, "SELF_CONVERSATION", 400),
        (
            "post",
            "/messages",
            {"conversationId": missing, "content": "x"},
            "CONVERSATION_NOT_FOUND",
            404,
        ),
        (
            "post",
            "/conversations",
            {"type": "PRIVATE", "participantId": "alice"},
            "SELF_CONVERSATION",
            400,
        ),
        ("post", "/conversations", {"type": "WHAT"}, "INVALID_CONVERSATION_TYPE", 400),
        ("post", "/groups", {"name": "x", "members": []}, "MEMBERS_REQUIRED", 400),
        ("get", "/messages/nope", None, "INVALID_ID", 400),
        ("get", f"/messages/{missing}", None, "MESSAGE_NOT_FOUND", 404),
        ("put", f"/messages/{mid}", {"content": "hack"}, "NOT_MESSAGE_AUTHOR", 403),
        ("put", f"/messages/{mid}/status", {"status": "SEEN"}, "INVALID_STATUS", 400),
        ("get", "/messages/search?q=", None, "INVALID_QUERY", 400),
        ("get", "/conversations?page=0", None, "INVALID_PAGINATION", 400),
        ("get", "/nowhere", None, "NOT_FOUND", 404),
    ]


def test_bad_input_matrix_gives_specific_4xx_codes(client: FlaskClient, cid: str) -> None:
    mid = post(client, "/messages", {"conversationId": cid, "content": "m"}, "bob")
    message_id = mid.get_json()["data"]["id"]
    for method, path, body, code, status in _bad_inputs(cid, message_id):
        kwargs = {"json": body} if body is not None else {}
        response = getattr(client, method)(path, headers=bearer("alice"), **kwargs)
        assert (response.status_code, response.get_json()["code"]) == (status, code), path


def test_non_participant_gets_404_everywhere(client: FlaskClient, cid: str) -> None:
    mid = post(client, "/messages", {"conversationId": cid, "content": "m"}).get_json()["data"]
    for method, path, body in [
        ("get", f"/conversations/{cid}", None),
        ("get", f"/messages?conversationId={cid}", None),
        ("post", "/messages", {"conversationId": cid, "content": "intrus"}),
        ("get", f"/messages/{mid['id']}", None),
        ("put", f"/messages/{mid['id']}/status", {"status": "READ"}),
        ("put", f"/conversations/{cid}/read", None),
    ]:
        kwargs = {"json": body} if body is not None else {}
        response = getattr(client, method)(path, headers=bearer("carol"), **kwargs)
        assert response.status_code == 404, path


def test_broadcast_recipient_cannot_post(client: FlaskClient) -> None:
    created = post(client, "/broadcasts", {"name": "Annonces", "recipients": ["bob", "carol"]})
    assert created.status_code == 201 and created.get_json()["data"]["type"] == "BROADCAST"
    cid = created.get_json()["data"]["id"]
    response = post(client, "/messages", {"conversationId": cid, "content": "moi"}, "bob")
    assert response.status_code == 403 and response.get_json()["code"] == "BROADCAST_READ_ONLY"


def test_full_flow_read_receipts_reactions_delete(client: FlaskClient, cid: str) -> None:
    sent = post(client, "/messages", {"conversationId": cid, "content": "bonjour"}).get_json()
    mid = sent["data"]["id"]
    listing = client.get("/conversations", headers=bearer("bob")).get_json()["data"]
    assert listing["totalUnreadMessages"] == 1
    read = client.put(f"/conversations/{cid}/read", headers=bearer("bob"))
    assert read.get_json()["data"]["unreadCount"] == 0
    react = post(client, f"/messages/{mid}/reactions", {"emoji": "🎉"}, "bob")
    assert react.get_json()["data"]["reactions"] == [{"userId": "bob", "emoji": "🎉"}]
    unreact = client.delete(f"/messages/{mid}/reactions?emoji=🎉", headers=bearer("bob"))
    assert unreact.get_json()["data"]["reactions"] == []
    gone = client.delete(f"/messages/{mid}?scope=everyone", headers=bearer("alice"))
    deleted = gone.get_json()["data"]
    assert {k: deleted[k] for k in ("messageId", "scope", "deleted")} == {
        "messageId": mid,
        "scope": "everyone",
        "deleted": True,
    }
    assert deleted["deleteType"] == "everyone" and deleted["deletedAt"]
    found = client.get("/messages/search?q=bonjour", headers=bearer("bob")).get_json()["data"]
    assert found["count"] == 0


def test_openapi_documents_every_chat_core_route(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    paths = spec["paths"]
    for path, method in [
        ("/messages", "get"),
        ("/messages", "post"),
        ("/messages/search", "get"),
        ("/messages/{message_id}", "put"),
        ("/messages/{message_id}/status", "put"),
        ("/conversations", "post"),
        ("/conversations/{conversation_id}/read", "put"),
        ("/groups", "post"),
        ("/broadcasts", "post"),
        ("/ready", "get"),
    ]:
        assert method in paths[path], (method, path)
        assert paths[path][method].get("summary"), (method, path)


def test_http_sends_and_uploads_share_the_socket_send_rate_per_user(
    settings: Settings, fakes: dict
) -> None:
    paused = PausableClock()
    paused.pause()  # no refill between the requests, however slow the machine
    limiter = SendRateLimiter(rate=1.0, burst=2, clock=paused)
    client = create_app(
        replace(settings, socket_send_rate=1.0), **fakes, send_limiter=limiter
    ).test_client()
    conversation = post(client, "/conversations", {"type": "PRIVATE", "participantId": "bob"})
    body = {"conversationId": conversation.get_json()["data"]["id"], "content": "x"}
    answers = [post(client, "/messages", body).status_code for _ in range(3)]
    assert answers == [201, 201, 429]  # a burst of 2 at 1 message a second
    refused = client.post("/files/upload", headers=bearer("alice"))
    assert (refused.status_code, refused.get_json()["code"]) == (429, "RATE_LIMITED")
    assert refused.headers["Retry-After"] == "1"
    assert post(client, "/messages", body, user="bob").status_code == 201  # bob's own budget
