"""Hostile input: NoSQL operators in every JSON field, path traversal in ids and file names,
oversized bodies, and login brute force. Every answer is a 4xx JSON error, never a match."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from services.auth_user.domain.model import LoginLimits

from .conftest import PASSWORD, Stack, bearer, drop_keys, new_stack, over_every_backend

OPERATORS: list[Any] = [
    {"$gt": ""},
    {"$ne": None},
    {"$regex": ".*"},
    {"$where": "1 == 1"},
    {"$in": ["ADMIN001", "MAT1001"]},
    [{"$gt": ""}],
    {"$exists": True},
]
TRAVERSALS = [
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "....//....//etc/passwd",
    "..\\..\\windows\\win.ini",
    "%00",
    "a" * 24 + "%00.txt",
]


def _variants(base: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`base` with each field, in turn, replaced by each operator object."""
    for field, operator in itertools.product(base, OPERATORS):
        yield {**base, field: operator}


@over_every_backend  # on mongomock an operator object reaching a query would match
def test_nosql_operators_in_every_json_field_never_match(stack: Stack) -> None:
    tried = 0
    token = stack.login("MAT1001")
    me, other = bearer(token["accessToken"]), stack.login("MAT1002")["user"]["id"]
    conversation = stack.chat.post(
        "/conversations", json={"type": "PRIVATE", "participantId": other}, headers=me
    ).get_json()["data"]["id"]
    cases: list[tuple[Any, str, str, dict[str, Any], dict[str, str]]] = []
    cases += [
        (stack.auth, "POST", "/login", b, {})
        for b in _variants({"matricule": "ADMIN001", "password": PASSWORD + "-wrong"})
    ]
    cases += [(stack.auth, "POST", "/batch", {"ids": op}, me) for op in OPERATORS]
    cases += [(stack.auth, "POST", "/batch", {"ids": [op]}, me) for op in OPERATORS]
    cases += [
        (stack.chat, "POST", "/messages", b, me)
        for b in _variants(
            {
                "conversationId": conversation,
                "receiverId": other,
                "content": "x",
                "type": "TEXT",
                "fileId": "a" * 24,
                "replyTo": "b" * 24,
                "temporaryId": "t1",
            }
        )
    ]
    cases += [
        (stack.chat, "POST", "/conversations", b, me)
        for b in _variants(
            {"type": "GROUP", "name": "g", "members": [other], "participantId": other}
        )
    ]
    for client, method, path, body, headers in cases:
        response = client.open(path, method=method, json=body, headers=headers)
        tried += 1
        assert 400 <= response.status_code < 500, (path, body, response.get_json())
        assert response.get_json()["success"] is False, (path, body)
    for key in ("conversationId[$ne]", "conversationId"):
        value = "x" if key.endswith("]") else '{"$ne": null}'
        response = stack.chat.get("/messages", query_string={key: value}, headers=me)
        tried += 1
        assert response.status_code == 400
    response = stack.auth.get("/batch", query_string={"ids[$ne]": "x"}, headers=me)
    tried += 1
    assert response.status_code == 400
    history = stack.chat.get(f"/messages?conversationId={conversation}", headers=me)
    assert history.get_json()["data"]["messages"] == []  # no injected write went through
    assert tried >= 100
    print(f"injection inputs tried: {tried}")


@pytest.mark.parametrize("raw", TRAVERSALS)
def test_path_traversal_in_ids_is_a_clean_4xx(stack: Stack, raw: str) -> None:
    me = bearer(stack.login("MAT1001")["accessToken"])
    for path in (
        f"/files/{raw}",
        f"/files/{raw}/download",
        f"/messages/{raw}",
        f"/conversations/{raw}",
        f"/files/conversation/{raw}",
    ):
        response = stack.chat.get(path, headers=me)
        assert response.status_code in {400, 404}, (path, response.status_code)
        assert response.get_json()["success"] is False
        assert "root:" not in response.get_data(as_text=True)
    response = stack.auth.get(f"/{raw}", headers=me)
    assert response.status_code in {400, 404} and response.is_json


def test_path_traversal_in_an_uploaded_file_name_stays_in_the_files_dir(stack: Stack) -> None:
    me = bearer(stack.login("MAT1001")["accessToken"])
    files_dir = Path(stack.chat_app.extensions["chat"].settings.files_dir).resolve()
    before = set(files_dir.parent.iterdir())
    for name in ("../../../evil.txt", "..\\..\\evil.txt", "/etc/passwd", "a/../../evil.txt"):
        response = stack.chat.post(
            "/files/upload",
            data={"file": (io.BytesIO(b"harmless text"), name)},
            headers=me,
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()
        stored = response.get_json()["data"]
        assert "/" not in stored["originalName"] and "\\" not in stored["originalName"]
        assert not stored["originalName"].startswith(".")
        download = stack.chat.get(stored["url"], headers=me)
        assert download.status_code == 200 and download.data == b"harmless text"
        assert "/" not in download.headers["Content-Disposition"].split("filename", 1)[1]
    assert set(files_dir.parent.iterdir()) == before  # nothing written beside the files dir
    assert all(p.resolve().is_relative_to(files_dir) for p in files_dir.rglob("*"))


def test_oversized_bodies_are_413_json(stack: Stack) -> None:
    me = bearer(stack.login("MAT1001")["accessToken"])
    huge = {"content": "x" * (2 * 1024 * 1024), "receiverId": "a" * 24}
    for client, path, headers in (
        (stack.chat, "/messages", me),
        (stack.auth, "/login", {}),
        (stack.auth, "/batch", me),
    ):
        response = client.post(path, json=huge, headers=headers)
        assert response.status_code == 413, path
        assert response.get_json()["code"] == "PAYLOAD_TOO_LARGE"
    limit = stack.chat_app.extensions["chat"].settings.max_upload_bytes
    upload = stack.chat.post(
        "/files/upload",
        data={"file": (io.BytesIO(b"y" * (limit + 1024)), "big.txt")},
        headers=me,
        content_type="multipart/form-data",
    )
    assert (upload.status_code, upload.get_json()["code"]) == (413, "FILE_TOO_LARGE")
    long_text = stack.chat.post(
        "/messages",
        json={"receiverId": stack.login("MAT1002")["user"]["id"], "content": "x" * 10_001},
        headers=me,
    )
    assert (long_text.status_code, long_text.get_json()["code"]) == (400, "CONTENT_TOO_LONG")


@pytest.fixture
def limited(tmp_path: Path, redis_client: redis.Redis) -> Iterator[Stack]:
    limits = LoginLimits(free_failures=4, backoff_base=60, per_ip=12, window_seconds=60)
    built = new_stack(tmp_path, login_limits=limits)
    yield built
    drop_keys(redis_client, built.prefix)


def test_login_brute_force_hits_the_rate_limit(limited: Stack) -> None:
    auth = limited.auth
    codes = [
        auth.post("/login", json={"matricule": "MAT1001", "password": f"guess-{i}"}).status_code
        for i in range(5)
    ]
    assert codes == [401] * 5
    blocked = auth.post("/login", json={"matricule": "MAT1001", "password": PASSWORD})
    assert (blocked.status_code, blocked.get_json()["code"]) == (429, "RATE_LIMITED")
    assert 0 < int(blocked.headers["Retry-After"]) <= 60
    # spraying many matricules from one address trips the per-IP limit
    sprayed = [
        auth.post("/login", json={"matricule": f"MAT20{i:02d}", "password": "x"}).status_code
        for i in range(8)
    ]
    assert sprayed[-1] == 429 and 401 in sprayed


def test_a_nul_character_in_a_body_is_a_validation_error_on_both_services(stack: Stack) -> None:
    admin = bearer(stack.login("ADMIN001")["accessToken"])
    new_user = {"matricule": "NUL\x00001", "nom": "A", "prenom": "B", "password": "Ngomna2026!x"}
    created = stack.auth.post("/", json=new_user, headers=admin)
    assert (created.status_code, created.get_json()["code"]) == (400, "VALIDATION_ERROR")
    me = stack.login("MAT1001")
    peer = stack.login("MAT1002")["user"]["id"]
    sent = stack.chat.post(
        "/messages",
        json={"receiverId": peer, "content": "bon\x00jour"},
        headers=bearer(me["accessToken"]),
    )
    assert (sent.status_code, sent.get_json()["code"]) == (400, "VALIDATION_ERROR")
