"""Property-based fuzzing of both services from their OpenAPI specs (schemathesis, in-process).

Every operation, positive and negative generation, MAX_EXAMPLES examples each, deterministic
(derandomize), with a valid token and without; chat_file also with the path ids bound to a
real conversation and message of the caller; on the SQL stores and on mongomock. Every
response: no 5xx, errors in the JSON envelope; documented operations also: status code,
content type and body schema as documented.
The totals go to var/test-figures.json (`fuzz_cases`, `fuzz_5xx`).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask

from libs.servicekit.openapi import build_spec
from services.chat_file.interfaces.http.errors import STATUS_BY_CODE as CHAT_STATUS
from tests.support.figures import record_figures

from .conftest import Stack, bearer, over_every_backend
from .fuzzing import SUMMARY, UNDOCUMENTED, Tally, fuzz_operations

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
# First path segments of auth_user's fixed routes: GET /{ident} with these is another route.
AUTH_RESERVED = {"all", "batch", "health", "ready", "metrics", "openapi.json", "docs", "login"}
AUTH_RESERVED |= {"refresh", "logout", "validate", "matricule", ""}


@pytest.fixture(scope="module")
def tally() -> Iterator[Tally]:
    total = Tally()
    yield total
    record_figures(fuzz_cases=total.cases, fuzz_5xx=total.server_errors)
    SUMMARY.update(fuzz_cases=total.cases, fuzz_5xx=total.server_errors)
    print(f"fuzz: {total.cases} cases over {total.operations} operation runs")


def chat_spec(app: Flask) -> dict[str, Any]:
    """chat_file's served /openapi.json, else the same generator over its URL map.

    Operations nobody documented yet get a free-form JSON object body on writes, so the
    fuzzer still throws arbitrary JSON at them (they are held to "no 5xx, JSON envelope").
    """
    served = app.test_client().get("/openapi.json")
    if served.status_code == 200:
        spec: dict[str, Any] = served.get_json()
    else:
        spec = build_spec(
            app, title="ngomna chat_file", version="1", status_by_code=CHAT_STATUS, enveloped=True
        )
    spec = copy.deepcopy(spec)
    for ops in spec["paths"].values():
        for method, op in ops.items():
            if op.get("summary") == UNDOCUMENTED and method in {"post", "put"}:
                op.setdefault(
                    "requestBody",
                    {"content": {"application/json": {"schema": {"type": "object"}}}},
                )
    return spec


def auth_skip(case: Any) -> bool:
    return str((case.path_parameters or {}).get("ident", "x")) in AUTH_RESERVED


@over_every_backend
@pytest.mark.parametrize("with_token", [True, False], ids=["token", "anonymous"])
def test_auth_user_api_survives_fuzzing(fresh_stack: Stack, tally: Tally, with_token: bool) -> None:
    stack = fresh_stack  # the fuzzer reuses ids it saw: as admin it edits and deletes users
    schema = schemathesis.openapi.from_wsgi("/openapi.json", stack.auth_app)
    headers = bearer(stack.login("ADMIN001")["accessToken"]) if with_token else {}
    result = fuzz_operations(
        schema, lambda case: case.call(headers=headers), max_examples=MAX_EXAMPLES, skip=auth_skip
    )
    tally.add(result)
    assert result.cases > 0
    assert result.server_errors == 0
    assert result.failures == [], "\n".join(sorted(set(result.failures))[:20])


@over_every_backend
@pytest.mark.parametrize("with_token", [True, False], ids=["token", "anonymous"])
def test_chat_file_api_survives_fuzzing(fresh_stack: Stack, tally: Tally, with_token: bool) -> None:
    stack = fresh_stack
    schema = schemathesis.openapi.from_dict(chat_spec(stack.chat_app))
    headers = bearer(stack.login("MAT1001")["accessToken"]) if with_token else {}
    result = fuzz_operations(
        schema,
        lambda case: case.call(headers=headers, app=stack.chat_app),
        max_examples=MAX_EXAMPLES,
    )
    tally.add(result)
    assert result.cases > 0
    assert result.server_errors == 0
    assert result.failures == [], "\n".join(sorted(set(result.failures))[:20])


@over_every_backend
def test_chat_file_api_survives_fuzzing_on_real_ids(fresh_stack: Stack, tally: Tally) -> None:
    """Path ids bound to a conversation and a message the caller takes part in."""
    stack = fresh_stack
    me, other = stack.login("MAT1001"), stack.login("MAT1002")
    sent = stack.chat.post(
        "/messages",
        json={"receiverId": other["user"]["id"], "content": "fuzz me", "type": "TEXT"},
        headers=bearer(me["accessToken"]),
    )
    assert sent.status_code == 201, sent.get_json()
    ids = {
        "conversation_id": sent.get_json()["data"]["conversationId"],
        "message_id": sent.get_json()["data"]["messageId"],
    }
    schema = schemathesis.openapi.from_dict(chat_spec(stack.chat_app))
    headers = bearer(me["accessToken"])
    result = fuzz_operations(
        schema,
        lambda case: case.call(headers=headers, app=stack.chat_app),
        max_examples=MAX_EXAMPLES,
        path_parameters=ids,
    )
    tally.add(result)
    assert result.cases > 0
    assert result.server_errors == 0
    assert result.failures == [], "\n".join(sorted(set(result.failures))[:20])
