"""Every view documents exactly what it returns: the fields of each main route's answer are the
properties `/openapi.json` gives its schema (nested messages, conversations, participants and
pages too), and each view's fast dump is marshmallow's own dump."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from services.chat_file.conversations.api import views
from services.chat_file.kernel.identity import Identity

from ..fakes import bearer


def who(user: str) -> Identity:
    return Identity(user, None)


def documented(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def assert_documented(spec: dict[str, Any], schema: dict[str, Any], value: Any, at: str) -> None:
    """`value` has exactly the documented properties, and so has every nested object."""
    schema = documented(spec, schema)
    if isinstance(value, list):
        for n, item in enumerate(value):
            assert_documented(spec, schema.get("items", {}), item, f"{at}[{n}]")
        return
    properties = schema.get("properties")
    if not isinstance(value, dict) or properties is None:
        return  # a plain value, or a free-form object (`file`, `readBy`...)
    assert set(value) == set(properties), (
        f"{at}: returned {sorted(value)}, documented {sorted(properties)}"
    )
    for key, item in value.items():
        if item is not None:
            assert_documented(spec, properties[key], item, f"{at}.{key}")


def response_schema(spec: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    responses = spec["paths"][path][method]["responses"]
    success = next(v for k, v in responses.items() if k.startswith("2"))
    return success["content"]["application/json"]["schema"]["properties"]["data"]


@pytest.fixture
def scenario(client: FlaskClient) -> dict[str, str]:
    """A group with a reply, an edit, a reaction and a read mark; a private conversation."""
    group = client.post(
        "/groups", json={"name": "Equipe", "members": ["bob", "carol"]}, headers=bearer("alice")
    ).get_json()["data"]
    first = client.post(
        "/messages",
        json={"conversationId": group["id"], "content": "salut @tous"},
        headers=bearer("alice"),
    ).get_json()["data"]
    reply = {"conversationId": group["id"], "content": "oui", "replyTo": first["id"]}
    second = client.post("/messages", json=reply, headers=bearer("bob")).get_json()["data"]
    client.put(
        f"/messages/{first['id']}", json={"content": "salut à tous"}, headers=bearer("alice")
    )
    client.post(
        f"/messages/{second['id']}/reactions", json={"emoji": "👍"}, headers=bearer("alice")
    )
    client.put(f"/conversations/{group['id']}/read", json={}, headers=bearer("carol"))
    client.post("/conversations", json={"participantId": "dave"}, headers=bearer("alice"))
    return {"group": group["id"], "first": first["id"], "second": second["id"]}


def test_the_main_views_return_exactly_the_fields_they_document(
    client: FlaskClient, scenario: dict[str, str]
) -> None:
    spec = client.get("/openapi.json").get_json()
    cid, mid = scenario["group"], scenario["first"]
    calls = [
        ("get", "/messages", f"/messages?conversationId={cid}", None, "bob"),
        ("get", "/messages/{message_id}", f"/messages/{mid}", None, "bob"),
        ("get", "/messages/search", "/messages/search?q=salut", None, "carol"),
        ("get", "/conversations", "/conversations", None, "alice"),
        ("get", "/conversations/{conversation_id}", f"/conversations/{cid}", None, "carol"),
        ("post", "/messages", "/messages", {"conversationId": cid, "content": "encore"}, "carol"),
        ("put", "/messages/{message_id}", f"/messages/{mid}", {"content": "re-modifié"}, "alice"),
        (
            "put",
            "/messages/{message_id}/status",
            f"/messages/{mid}/status",
            {"status": "READ"},
            "bob",
        ),
        ("put", "/conversations/{conversation_id}/read", f"/conversations/{cid}/read", {}, "bob"),
        ("delete", "/messages/{message_id}", f"/messages/{scenario['second']}", None, "carol"),
        (
            "post",
            "/conversations/{conversation_id}/leave",
            f"/conversations/{cid}/leave",
            {},
            "carol",
        ),
    ]
    for method, route, url, body, user in calls:
        answer = client.open(url, method=method.upper(), json=body, headers=bearer(user))
        assert answer.status_code < 300, (url, answer.get_json())
        schema = response_schema(spec, method, route)
        assert_documented(spec, schema, answer.get_json()["data"], f"{method} {route}")


def test_every_view_dumps_fast_what_marshmallow_dumps(app: Flask, scenario: dict[str, str]) -> None:
    chat = app.extensions["chat"]
    bundle = chat.conversations_bundle
    cid, mid = scenario["group"], scenario["first"]
    alice, bob = who("alice"), who("bob")
    results = [
        (views.HISTORY, bundle.messages.history(bob, cid)),
        (views.MESSAGE_DETAIL, bundle.messages.get(bob, mid)),
        (views.MESSAGE, bundle.messages.react(bob, mid, "🎉", add=True)),
        (views.SEARCH, bundle.messages.search(alice, "salut")),
        (views.CONVERSATION, bundle.conversations.get(alice, cid)),
        (views.CONVERSATION_PAGE, bundle.conversations.list_for(alice)),
        (views.STATUS, bundle.receipts.set_status(bob, mid, "DELIVERED")),
        (views.READ, bundle.receipts.mark_read(bob, cid)),
        (views.MEMBERSHIP, bundle.membership.add_members(alice, cid, ["dave", "bad id"])),
        (views.DELETION, bundle.messages.delete(bob, mid, "me")),
        (views.LEFT, bundle.membership.leave(bob, cid)),
    ]
    for view, result in results:
        assert view.check_fast(result), type(view).__name__
