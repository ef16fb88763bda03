"""Per-user limits (#23 row 2) through the real app: one budget per user and action, shared by
HTTP and every socket of the user, refusals `RATE_LIMITED` with `retryAfter`, every action of
the table applied by a route or an event, counted in /metrics. The limiter is the real
`libs.ratelimit.RateLimiter` (its Lua script on fakeredis) on a paused clock."""

from __future__ import annotations

import uuid
from typing import Any

import fakeredis
import pytest
from flask import Flask

from libs.ratelimit import RateLimiter
from services.chat_file.app import create_app
from services.chat_file.http.user_limits import HTTP_ACTIONS
from services.chat_file.kernel.limits import USER_ACTION_DEFAULTS, user_rates
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.clock import PausableClock

from .fakes import FakeProfileSource, profile
from .realtime.test_socket_events import settings as socket_settings
from .realtime.test_socket_events import token

USERS = {u: profile(u, u.capitalize(), "Test") for u in ("alice", "bob")}
ANY_ID = "0" * 24


def app_with(clock: PausableClock, settings: Settings | None = None, **rates: str) -> Flask:
    settings = settings or socket_settings(SOCKET_SEND_RATE="0")
    env = {f"RATE_LIMIT_{k.upper()}": v for k, v in rates.items()}
    limiter = RateLimiter(
        fakeredis.FakeRedis(), user_rates(env), prefix=f"t{uuid.uuid4().hex}:", clock=clock
    )
    return create_app(
        settings,
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(USERS),
        user_limiter=limiter,
    )


def bearer(user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(user)}"}


def sockets(app: Flask, user: str, n: int) -> list[Any]:
    socketio = app.extensions["socketio"]
    return [socketio.test_client(app, auth={"token": token(user)}) for _ in range(n)]


def send_http(app: Flask, user: str = "alice") -> Any:
    body = {"receiverId": "bob", "content": "Bonjour"}
    return app.test_client().post("/messages", json=body, headers=bearer(user))


def test_one_budget_per_user_across_http_and_every_socket() -> None:
    clock = PausableClock()
    clock.pause()
    app = app_with(clock, send="4/1s")
    first, second = sockets(app, "alice", 2)
    assert send_http(app).status_code == 201
    acks = [
        c.emit("sendMessage", {"receiverId": "bob", "content": f"m{i}"}, callback=True)
        for i, c in enumerate([first, second, first])
    ]
    assert [a["success"] for a in acks] == [True, True, True]
    refused = second.emit("sendMessage", {"receiverId": "bob", "content": "x"}, callback=True)
    assert (refused["code"], refused["retryAfter"]) == ("RATE_LIMITED", 1)
    third = sockets(app, "alice", 1)[0]  # a new socket does not refill the budget
    assert third.emit("sendMessage", {"receiverId": "bob", "content": "y"}, callback=True)[
        "code"
    ] == ("RATE_LIMITED")
    answer = send_http(app)
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"
    assert answer.get_json()["code"] == "RATE_LIMITED" and answer.get_json()["retryAfter"] == 1
    assert send_http(app, "bob").status_code != 429  # (bob to himself: 400) his own budget
    clock.advance(0.25)  # one send every 1/4 s
    assert send_http(app).status_code == 201
    assert send_http(app).status_code == 429


SOCKET_EVENTS: dict[str, dict[str, Any]] = {
    "sendMessage": {"receiverId": "bob", "content": "x"},
    "markMessageDelivered": {"messageId": ANY_ID},
    "messageDelivered": {"messageId": ANY_ID},
    "markMessageRead": {"messageId": ANY_ID},
    "messageRead": {"messageId": ANY_ID},
    "getMessages": {"conversationId": ANY_ID},
    "getMessage": {"messageId": ANY_ID},
    "editMessage": {"messageId": ANY_ID, "content": "x"},
    "deleteMessage": {"messageId": ANY_ID},
    "getConversations": {},
    "createGroup": {"name": "G", "members": ["bob"]},
    "createBroadcast": {"name": "B", "recipients": ["bob"]},
    "messages:quickload": {"conversationId": ANY_ID},
    "messages:fullload": {"conversationId": ANY_ID},
    "conversations:quickload": {},
    "conversations:fullload": {},
    "addParticipant": {"conversationId": ANY_ID, "participantId": "bob"},
    "removeParticipant": {"conversationId": ANY_ID, "participantId": "bob"},
    "leaveConversationPermanent": {"conversationId": ANY_ID},
    "typing": {"conversationId": ANY_ID},
    "stopTyping": {"conversationId": ANY_ID},
    "getOnlineUsers": {},
}

HTTP_CALLS: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "messages.send": ("POST", "/messages", {"receiverId": "bob", "content": "x"}),
    "messages.history": ("GET", f"/messages?conversationId={ANY_ID}", None),
    "messages.search": ("GET", "/messages/search?q=bonjour", None),
    "messages.edit": ("PUT", f"/messages/{ANY_ID}", {"content": "x"}),
    "messages.delete": ("DELETE", f"/messages/{ANY_ID}", None),
    "messages.set_status": ("PUT", f"/messages/{ANY_ID}/status", {"status": "read"}),
    "messages.add_reaction": ("POST", f"/messages/{ANY_ID}/reactions", {"emoji": "👍"}),
    "messages.remove_reaction": ("DELETE", f"/messages/{ANY_ID}/reactions?emoji=x", None),
    "conversations.list_conversations": ("GET", "/conversations", None),
    "conversations.create_conversation": ("POST", "/conversations", {"participantId": "bob"}),
    "conversations.create_group": ("POST", "/groups", {"name": "G", "members": ["bob"]}),
    "conversations.create_broadcast": ("POST", "/broadcasts", {"name": "B", "members": ["bob"]}),
    "conversations.mark_read": ("PUT", f"/conversations/{ANY_ID}/read", {}),
    "conversations.add_participants": (
        "POST",
        f"/conversations/{ANY_ID}/participants",
        {"userIds": ["bob"]},
    ),
    "conversations.remove_participant": (
        "DELETE",
        f"/conversations/{ANY_ID}/participants/bob",
        None,
    ),
    "conversations.leave": ("POST", f"/conversations/{ANY_ID}/leave", None),
    "files.upload": ("POST", "/files/upload", None),
    "moderation_reports.report_message": (
        "POST",
        f"/messages/{ANY_ID}/report",
        {"reason": "spam"},
    ),
    "moderation_blocks.block": ("POST", "/users/bob/block", None),
    "moderation_blocks.unblock": ("DELETE", "/users/bob/block", None),
}


def routes(app: Flask) -> dict[str, Any]:
    """The namespace's event table (event → (Event, handler))."""
    table: dict[str, Any] = app.extensions["socketio"].server.namespace_handlers["/"]._routes
    return table


def every_action_spent(clock: PausableClock) -> Flask:
    """An app whose every action allows one request per hour, already spent by alice."""
    app = app_with(clock, **{a.replace("-", "_"): "1/1h" for a in USER_ACTION_DEFAULTS})
    limits = app.extensions["chat"].edge.limits
    for action in USER_ACTION_DEFAULTS:
        limits.check(action, "alice")
    return app


def test_every_limited_socket_event_answers_rate_limited_before_its_handler() -> None:
    clock = PausableClock()
    clock.pause()
    app = every_action_spent(clock)
    [client] = sockets(app, "alice", 1)
    limited = {name for name, (spec, _) in routes(app).items() if spec.action}
    assert limited == set(SOCKET_EVENTS)
    for event, body in SOCKET_EVENTS.items():
        ack = client.emit(event, body, callback=True)
        assert (ack["success"], ack["code"]) == (False, "RATE_LIMITED"), event
        assert ack["retryAfter"] in (3600, 3601)  # an hour, rounded up
    assert client.emit("ping", callback=True)["success"]  # not limited


def test_every_limited_route_answers_429_and_documents_it() -> None:
    clock = PausableClock()
    clock.pause()
    app = every_action_spent(clock)
    assert set(HTTP_CALLS) == set(HTTP_ACTIONS)
    http = app.test_client()
    for endpoint, (method, path, body) in HTTP_CALLS.items():
        answer = http.open(path, method=method, json=body, headers=bearer("alice"))
        assert (endpoint, answer.status_code) == (endpoint, 429)
        assert answer.get_json()["code"] == "RATE_LIMITED" and answer.headers["Retry-After"]
    spec = http.get("/openapi.json").get_json()
    assert "429" in spec["paths"]["/messages"]["post"]["responses"]
    assert "429" in spec["paths"]["/conversations"]["get"]["responses"]


def test_every_action_of_the_table_is_applied_somewhere() -> None:
    clock = PausableClock()
    app = app_with(clock)
    socket_actions = {spec.action for spec, _ in routes(app).values() if spec.action}
    assert set(HTTP_ACTIONS.values()) | socket_actions == set(USER_ACTION_DEFAULTS)


def test_refusals_are_counted_in_metrics() -> None:
    clock = PausableClock()
    clock.pause()
    app = app_with(clock, send="1/1h")
    assert send_http(app).status_code == 201
    assert send_http(app).status_code == 429
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'rate_limit_decisions_total{action="send",result="limited",scope="shared"} 1.0' in text
    assert 'rate_limit_decisions_total{action="send",result="allowed",scope="shared"} 1.0' in text


@pytest.mark.parametrize("value", ["10/x", "abc", "-1/1s"])
def test_a_bad_rate_stops_the_service_naming_its_variable(value: str) -> None:
    from libs.servicekit.settings import SettingsError

    with pytest.raises(SettingsError, match="RATE_LIMIT_CREATE_CONVERSATION"):
        Settings.from_env({"APP_ENV": "test", "RATE_LIMIT_CREATE_CONVERSATION": value})
