"""A message refused for any reason leaves no trace: its attachment does not become readable in
the conversation (bad content, unknown reply target, rate limit, no right to post)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from services.chat_file.application.realtime import SendRateLimiter
from tests.support.clock import PausableClock

from .conftest import Stack, bearer, drop_keys, new_stack


@pytest.fixture
def limited_stack(redis_client: redis.Redis, tmp_path: Path) -> Iterator[Stack]:
    paused = PausableClock()
    paused.pause()  # a burst of 1 and no refill, however slow the machine
    limiter = SendRateLimiter(rate=0.5, burst=1, clock=paused)
    built = new_stack(tmp_path, socket_send_rate=0.5, send_limiter=limiter)
    yield built
    drop_keys(redis_client, built.prefix)


def upload(stack: Stack, token: str) -> str:
    response = stack.chat.post(
        "/files/upload",
        data={"file": (io.BytesIO(b"confidentiel " * 8), "note.txt")},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["data"]["id"])


def readable_by(stack: Stack, token: str, file_id: str) -> bool:
    return stack.chat.get(f"/files/{file_id}", headers=bearer(token)).status_code == 200


def attempt(stack: Stack, token: str, **body: Any) -> tuple[int, str]:
    message = {"type": "TEXT", "content": "voici", **body}
    response = stack.chat.post("/messages", json=message, headers=bearer(token))
    return response.status_code, response.get_json().get("code", "")


def conversation_of(stack: Stack) -> tuple[str, str, str]:
    """`(alice's token, bob's token, their private conversation)`."""
    alice = stack.login("MAT1001")["accessToken"]
    bob = stack.login("MAT1002")
    conversation = stack.chat.post(
        "/conversations",
        json={"type": "PRIVATE", "participantId": bob["user"]["id"]},
        headers=bearer(alice),
    ).get_json()["data"]["id"]
    return alice, bob["accessToken"], conversation


def test_a_rate_limited_message_does_not_link_its_attachment(limited_stack: Stack) -> None:
    alice, bob, conversation = conversation_of(limited_stack)
    file_id = upload(limited_stack, alice)  # spends the burst
    refused = attempt(limited_stack, alice, conversationId=conversation, fileId=file_id)
    assert refused == (429, "RATE_LIMITED")
    assert not readable_by(limited_stack, bob, file_id)


def test_refused_messages_do_not_link_their_attachment(stack: Stack) -> None:
    alice = stack.login("MAT1001")["accessToken"]
    bob_session = stack.login("MAT1002")
    bob, bob_id = bob_session["accessToken"], bob_session["user"]["id"]
    conversation = stack.chat.post(
        "/conversations", json={"type": "PRIVATE", "participantId": bob_id}, headers=bearer(alice)
    ).get_json()["data"]["id"]
    file_id = upload(stack, alice)
    refusals = {
        "too long": attempt(stack, alice, conversationId=conversation, fileId=file_id,
                            content="x" * 20_000),
        "unknown reply": attempt(stack, alice, conversationId=conversation, fileId=file_id,
                                 replyTo=uuid.uuid4().hex[:24]),
    }  # fmt: skip
    assert refusals == {
        "too long": (400, "CONTENT_TOO_LONG"),
        "unknown reply": (404, "MESSAGE_NOT_FOUND"),
    }
    assert not readable_by(stack, bob, file_id)
    listed = stack.chat.get(f"/files/conversation/{conversation}", headers=bearer(bob))
    assert file_id not in str(listed.get_json())


def test_a_broadcast_recipient_cannot_post_so_nothing_is_linked(stack: Stack) -> None:
    alice = stack.login("MAT1001")["accessToken"]
    bob_session = stack.login("MAT1002")
    bob, bob_id = bob_session["accessToken"], bob_session["user"]["id"]
    carol = stack.login("MAT1003")
    broadcast = stack.chat.post(
        "/conversations",
        json={"type": "BROADCAST", "name": "Annonces", "recipients": [bob_id, carol["user"]["id"]]},
        headers=bearer(alice),
    ).get_json()["data"]["id"]
    file_id = upload(stack, bob)
    assert attempt(stack, bob, conversationId=broadcast, fileId=file_id) == (
        403,
        "BROADCAST_READ_ONLY",
    )
    assert not readable_by(stack, carol["accessToken"], file_id)


def test_an_accepted_message_does_link_it(stack: Stack) -> None:
    alice = stack.login("MAT1001")["accessToken"]
    bob_session = stack.login("MAT1002")
    conversation = stack.chat.post(
        "/conversations",
        json={"type": "PRIVATE", "participantId": bob_session["user"]["id"]},
        headers=bearer(alice),
    ).get_json()["data"]["id"]
    file_id = upload(stack, alice)
    assert not readable_by(stack, bob_session["accessToken"], file_id)
    assert attempt(stack, alice, conversationId=conversation, fileId=file_id)[0] == 201
    assert readable_by(stack, bob_session["accessToken"], file_id)
