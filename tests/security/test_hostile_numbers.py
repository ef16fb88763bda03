"""#23 row 14: numbers and strings no client sends by accident. `Range: bytes=<5000 digits>-`,
`dndUntil` in year 9999, `limit: Infinity`/NaN, huge integers and very long strings are each a
4xx with a code (or a harmless answer), never a 500 or `INTERNAL_ERROR`; and a property-based
fuzz (hypothesis) sends such values in every field of every registered socket event, on the
SQL stores and on mongomock."""

from __future__ import annotations

import io
import math
import os
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from .conftest import Stack, bearer, over_every_backend, registered_socket_events

EXAMPLES = int(os.environ.get("HOSTILE_FUZZ_EXAMPLES", "60"))
EVENTS = registered_socket_events()
FIELDS = [
    "conversationId", "messageId", "receiverId", "content", "type", "temporaryId", "fileId",
    "replyTo", "cursor", "limit", "page", "direction", "name", "members", "recipients",
    "admins", "participantId", "userIds", "token", "status", "emoji", "scope", "dndUntil",
    "quietHours", "previews", "muted", "mentions", "role",
]  # fmt: skip
HOSTILE = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -0.0,
    2**53 + 1,
    2**63,
    2**64,
    -(2**63) - 1,
    10**30,
    -(10**30),
    "9" * 5000,
    "x" * 20_000,
    "Infinity",
    "NaN",
    "1e308",
    "-1",
    "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00+01:00",
    "\x00",
    "é" * 3000,
]
hostile = st.sampled_from(HOSTILE) | st.integers(min_value=2**53) | st.integers(max_value=-(2**53))
value = hostile | st.lists(hostile, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), hostile)


def payloads(real: dict[str, str]) -> st.SearchStrategy[dict[str, Any]]:
    known = st.sampled_from(sorted(real.values()))
    return st.dictionaries(st.sampled_from(FIELDS), value | known, min_size=1, max_size=6)


@over_every_backend
@pytest.mark.parametrize("event", EVENTS)
def test_hostile_numbers_and_strings_in_every_socket_event(stack: Stack, event: str) -> None:
    me = stack.login("MAT1001")
    other = stack.login("MAT1002")["user"]["id"]
    sent = stack.chat.post(
        "/messages", json={"receiverId": other, "content": "x"}, headers=bearer(me["accessToken"])
    ).get_json()["data"]
    real = {"conversationId": sent["conversationId"], "messageId": sent["messageId"], "o": other}
    client = stack.chat_app.extensions["socketio"].test_client(
        stack.chat_app, auth={"token": me["accessToken"]}
    )
    problems: list[str] = []

    @hypothesis.settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(payloads(real))
    def run(payload: dict[str, Any]) -> None:
        ack = client.emit(event, payload, callback=True)
        client.get_received()
        if not (isinstance(ack, dict) and isinstance(ack.get("success"), bool)):
            problems.append(f"{event} {_short(payload)}: ack {ack!r}")
        elif ack.get("code") in {"INTERNAL_ERROR", None} and not ack["success"]:
            problems.append(f"{event} {_short(payload)}: {ack.get('code')}")

    run()
    for payload in sweep(real):  # each hostile value in every field at once, ids real or not
        ack = client.emit(event, payload, callback=True)
        client.get_received()
        if not (isinstance(ack, dict) and ack.get("code") != "INTERNAL_ERROR"):
            problems.append(f"{event} {_short(payload)}: ack {ack!r}")
    assert client.is_connected()
    client.disconnect()
    assert problems == [], "\n".join(problems[:10])


def sweep(real: dict[str, str]) -> list[dict[str, Any]]:
    """Every hostile value in every field; then again with the real ids in the id fields, so
    that an event gets past its id checks to the numbers and strings behind them."""
    ids = {
        "conversationId": real["conversationId"],
        "messageId": real["messageId"],
        "receiverId": real["o"],
        "participantId": real["o"],
    }
    hostile_everywhere = [dict.fromkeys(FIELDS, v) for v in HOSTILE]
    return [*hostile_everywhere, *({**p, **ids} for p in hostile_everywhere)]


def _short(payload: Any) -> str:
    text = repr(payload)
    return text if len(text) < 300 else text[:300] + "…"


def test_a_range_of_five_thousand_digits_is_a_coded_answer(stack: Stack) -> None:
    me = bearer(stack.login("MAT1001")["accessToken"])
    uploaded = stack.chat.post(
        "/files/upload",
        data={"file": (io.BytesIO(b"0123456789"), "digits.txt")},
        headers=me,
        content_type="multipart/form-data",
    ).get_json()["data"]
    url = uploaded["url"]
    huge = "9" * 5000
    start_past = stack.chat.get(url, headers={**me, "Range": f"bytes={huge}-"})
    assert start_past.status_code == 416
    assert start_past.get_json()["code"] == "RANGE_NOT_SATISFIABLE"
    assert start_past.headers["Content-Range"] == "bytes */10"
    to_end = stack.chat.get(url, headers={**me, "Range": f"bytes=2-{huge}"})
    assert (to_end.status_code, to_end.data) == (206, b"23456789")
    suffix = stack.chat.get(url, headers={**me, "Range": f"bytes=-{huge}"})
    assert (suffix.status_code, suffix.data) == (206, b"0123456789")


@pytest.mark.parametrize(
    "moment",
    ["9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+01:00"],
)
def test_dnd_until_far_off_is_a_coded_400(stack: Stack, moment: str) -> None:
    me = bearer(stack.login("MAT1001")["accessToken"])
    answer = stack.chat.put("/notifications/settings", json={"dndUntil": moment}, headers=me)
    assert answer.status_code == 400
    assert answer.get_json()["code"] == "INVALID_NOTIFICATION_SETTINGS"
    fine = stack.chat.put(
        "/notifications/settings", json={"dndUntil": "2030-01-01T08:00:00+01:00"}, headers=me
    )
    assert fine.status_code == 200


@pytest.mark.parametrize("limit", ["9" * 5000, "Infinity", "NaN", "1e308", "-1", "1.5"])
def test_http_paging_with_hostile_numbers_is_a_coded_400(stack: Stack, limit: str) -> None:
    me = bearer(stack.login("MAT1001")["accessToken"])
    for path in ("/conversations", "/messages/search?q=bonjour"):
        sep = "&" if "?" in path else "?"
        answer = stack.chat.get(f"{path}{sep}limit={limit}", headers=me)
        assert answer.status_code == 400, (path, answer.get_json())
        assert answer.get_json()["code"] in {"INVALID_PAGINATION", "VALIDATION_ERROR"}


@pytest.mark.parametrize("limit", [math.inf, -math.inf, math.nan, 10**30, "9" * 5000, 2**64])
def test_socket_limit_infinity_and_friends_are_coded(stack: Stack, limit: Any) -> None:
    me = stack.login("MAT1001")["accessToken"]
    client = stack.chat_app.extensions["socketio"].test_client(stack.chat_app, auth={"token": me})
    for event in ("getConversations", "conversations:fullload", "conversations:quickload"):
        ack = client.emit(event, {"limit": limit, "page": limit}, callback=True)
        assert not ack["success"] and ack["code"] == "INVALID_PAGINATION", (event, ack)
    client.disconnect()
