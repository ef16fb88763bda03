"""`GET /files` (issue 24, item 11): the caller's own files, newest first, cursor pages."""

from __future__ import annotations

import io

from flask.testing import FlaskClient

from services.chat_file.files.api.views import FILE_PAGE

from ..conversations.test_views import assert_documented, response_schema
from . import samples
from .test_files_http import BOB, CONV, as_user, client, error_code, storage, upload

__all__ = ["client", "storage"]  # the fixtures, shared with test_files_http


def test_pages_walk_the_callers_own_files_newest_first(client: FlaskClient) -> None:
    mine = [upload(client, samples.TEXT, f"{n}.txt").get_json()["data"]["id"] for n in range(5)]
    shared = upload(client, samples.PDF, "cr.pdf", conversationId=CONV).get_json()["data"]["id"]
    bobs = client.post(
        "/files/upload",
        data={"file": (io.BytesIO(samples.PDF), "b.pdf")},
        content_type="multipart/form-data",
        headers=as_user(BOB),
    )
    assert bobs.status_code == 201
    seen: list[str] = []
    cursor = ""
    pages = 0
    while True:
        answer = client.get(f"/files?limit=2&cursor={cursor}").get_json()["data"]
        pages += 1
        seen += [f["id"] for f in answer["files"]]
        assert answer["count"] == len(answer["files"])
        if not answer["hasMore"]:
            assert answer["nextCursor"] is None
            break
        cursor = answer["nextCursor"]
    assert pages == 3
    assert sorted(seen) == sorted([*mine, shared])  # Bob's file is not among them
    assert seen[0] == shared and seen[-1] == mine[0]  # newest first


def test_bad_cursor_and_limit_are_400(client: FlaskClient) -> None:
    for cursor in ["nope", "!!!", "MjAyNi0xMi0wN3x4eA"]:  # the last: a time and a bad id
        response = client.get(f"/files?cursor={cursor}")
        assert (response.status_code, error_code(response)) == (400, "INVALID_CURSOR"), cursor
    for limit in ["0", "201", "x"]:
        response = client.get(f"/files?limit={limit}")
        assert (response.status_code, error_code(response)) == (400, "VALIDATION_ERROR")


def test_the_page_is_what_the_documentation_says(client: FlaskClient) -> None:
    upload(client, samples.png(), "photo.png")
    upload(client, samples.PDF, "doc.pdf")
    spec = client.get("/openapi.json").get_json()
    page = client.get("/files?limit=1").get_json()["data"]
    assert page["hasMore"] is True
    assert_documented(spec, response_schema(spec, "get", "/files"), page, "own files")
    files = client.application.extensions["chat"].files
    FILE_PAGE.check_fast(files.list_own("a" * 24, 1))
