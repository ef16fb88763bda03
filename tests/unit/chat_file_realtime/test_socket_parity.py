"""The old clients' socket events through Flask-SocketIO's test client: validation and errors
on their own error events (the e2e suite covers the happy paths against real processes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from .test_socket_events import app, call, clock, connect, events, send

__all__ = ["app", "clock", "connect"]  # fixtures used by the tests below

Client = Any


@pytest.mark.parametrize(
    ("event", "data", "error_event", "code"),
    [
        ("messages:quickload", {}, "messages:error", "VALIDATION_ERROR"),
        ("messages:fullload", {"conversationId": "x"}, "messages:error", "INVALID_ID"),
        ("conversations:quickload", {"limit": 0}, "conversations:error", "INVALID_PAGINATION"),
        ("conversations:fullload", {"limit": 51}, "conversations:error", "INVALID_PAGINATION"),
        ("addParticipant", {"conversationId": "0" * 24}, "participant:error", "VALIDATION_ERROR"),
        (
            "removeParticipant",
            {"conversationId": "0" * 24, "participantId": [{"id": 1}]},
            "participant:error",
            "VALIDATION_ERROR",
        ),
        ("addParticipant", {"conversationId": "0" * 24, "participantId": []}, "participant:error",
         "VALIDATION_ERROR"),
        ("leaveConversationPermanent", {"conversationId": "0" * 24}, "conversation:error",
         "CONVERSATION_NOT_FOUND"),
        ("typing", {"conversationId": "0" * 24, "isTyping": "peut-être"}, "error",
         "VALIDATION_ERROR"),
    ],
)  # fmt: skip
def test_bad_requests_get_the_http_code_on_their_error_event(
    connect: Callable[..., Client], event: str, data: dict, error_event: str, code: str
) -> None:
    alice = connect("alice")
    answer = call(alice, event, data)
    assert (answer["success"], answer["code"]) == (False, code), answer
    emitted = events(alice, error_event)[-1]
    assert emitted["code"] == code
    if error_event != "error":
        assert emitted["error"] == emitted["message"]


def test_typing_is_typing_false_stops_like_stop_typing(connect: Callable[..., Client]) -> None:
    alice, bob = connect("alice"), connect("bob")
    conversation_id = send(alice, receiverId="bob")["result"]["conversationId"]
    call(alice, "typing", {"conversationId": conversation_id, "isTyping": True})
    call(alice, "typing", {"conversationId": conversation_id, "isTyping": False})
    flutter = [e["isTyping"] for e in events(bob, "typing")]
    assert flutter == [True, False]


def test_a_single_participant_id_is_one_id(connect: Callable[..., Client]) -> None:
    alice = connect("alice")
    created = call(alice, "createGroup", {"name": "Équipe", "members": ["bob"]})
    ref = {"conversationId": created["conversation"]["id"]}
    added = call(alice, "addParticipant", {**ref, "participantId": "carol"})
    assert added["participantIds"] == ["carol"] and added["failed"] == []
    removed = call(alice, "removeParticipant", {**ref, "participantId": ["carol", "bob"]})
    assert removed["participantIds"] == ["carol", "bob"] and removed["remainingParticipants"] == 1
