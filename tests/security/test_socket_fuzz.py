"""Property-based fuzzing of every Socket.IO event (hypothesis, in-process test client).

The events are the namespace's own table (`EVENTS` of interfaces/socket/namespace.py), so an
event added there is fuzzed without editing this file; on the SQL stores and on mongomock.

Payloads: anything JSON can carry (null, numbers, strings, lists, nested objects), objects with
the contract's field names holding arbitrary values (including NoSQL operator objects), and
real ids of the caller's conversation and message. Every event must answer an ack
`{success: bool, ...}`; a failure carries a `code` that is never INTERNAL_ERROR, and the socket
stays connected. The count goes to var/test-figures.json as `socket_fuzz_cases`.
"""

from __future__ import annotations

import os
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from services.chat_file.interfaces.socket.namespace import EVENTS as SOCKET_EVENTS
from tests.support.figures import record_figures

from .conftest import Stack, bearer, over_every_backend

EXAMPLES = int(os.environ.get("SOCKET_FUZZ_EXAMPLES", "100"))
EVENTS = sorted(SOCKET_EVENTS)  # every event the namespace registers
FIELDS = [
    "conversationId",
    "messageId",
    "receiverId",
    "content",
    "newContent",
    "type",
    "temporaryId",
    "fileId",
    "replyTo",
    "cursor",
    "limit",
    "direction",
    "page",
    "name",
    "members",
    "recipients",
    "admins",
    "deleteType",
    "token",
    "participantId",
    "userIds",
    "refreshToken",
]
leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from([{"$gt": ""}, {"$ne": None}, "a" * 24, "../../etc/passwd", "", " "]),
)
json_value = st.recursive(
    leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def payloads(real: dict[str, str]) -> st.SearchStrategy[Any]:
    known = st.sampled_from(sorted(real.values()))
    fields = st.dictionaries(st.sampled_from(FIELDS), json_value | known, max_size=6)
    return st.one_of(json_value, fields)


@pytest.fixture(scope="module")
def counted() -> Any:
    tally = {"cases": 0, "internal": 0}
    yield tally
    record_figures(socket_fuzz_cases=tally["cases"], socket_fuzz_internal_errors=tally["internal"])


@over_every_backend
@pytest.mark.parametrize("event", EVENTS)
def test_socket_event_survives_fuzzing(stack: Stack, counted: dict[str, int], event: str) -> None:
    me = stack.login("MAT1001")
    other = stack.login("MAT1002")["user"]["id"]
    sent = stack.chat.post(
        "/messages",
        json={"receiverId": other, "content": "fuzz"},
        headers=bearer(me["accessToken"]),
    ).get_json()["data"]
    real = {
        "conversationId": sent["conversationId"],
        "messageId": sent["messageId"],
        "other": other,
    }
    client = stack.chat_app.extensions["socketio"].test_client(
        stack.chat_app, auth={"token": me["accessToken"]}
    )
    assert client.is_connected()
    problems: list[str] = []

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(payloads(real))
    def run(payload: Any) -> None:
        counted["cases"] += 1
        ack = client.emit(event, payload, callback=True)
        client.get_received()
        if not (isinstance(ack, dict) and isinstance(ack.get("success"), bool)):
            problems.append(f"{event} {payload!r}: ack {ack!r}")
        elif ack.get("code") == "INTERNAL_ERROR":
            counted["internal"] += 1
            problems.append(f"{event} {payload!r}: INTERNAL_ERROR")
        elif not ack["success"] and not ack.get("code"):
            problems.append(f"{event} {payload!r}: failure without a code")

    run()
    assert client.is_connected()
    client.disconnect()
    assert problems == [], "\n".join(problems[:10])
