"""`deleteFile {fileId}` over Socket.IO (issue 24, item 9): the use case of
`DELETE /files/<id>`, answered with `file:deleted` or `file:error` and the ack."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import fakeredis
import pytest
from flask import Flask

from services.chat_file.app import create_app
from services.chat_file.files.application.files import FileService
from tests.fake_stores import fake_chat_stores

from ..fakes import FakeProfileSource, profile
from ..realtime.test_socket_events import settings, token
from . import samples
from .fakes import FakeConversationAccess, FakeFileStorage, FakeFileStore, FakeThumbnailer

ALICE, BOB = "a" * 24, "b" * 24
CONV = "c" * 24


@pytest.fixture
def storage() -> FakeFileStorage:
    return FakeFileStorage()


@pytest.fixture
def app(storage: FakeFileStorage) -> Flask:
    files = FileService(
        store=FakeFileStore(),
        storage=storage,
        thumbnailer=FakeThumbnailer(),
        conversations=FakeConversationAccess({CONV: {ALICE, BOB}}),
        max_upload_bytes=1_000_000,
    )
    users = {u: profile(u, "Test", "User") for u in (ALICE, BOB)}
    return create_app(
        settings(),
        stores=fake_chat_stores(),
        redis=fakeredis.FakeRedis(),
        auth_client=FakeProfileSource(users),
        files=files,
    )


@pytest.fixture
def sockets(app: Flask) -> Iterator[dict[str, Any]]:
    socketio = app.extensions["socketio"]
    clients = {u: socketio.test_client(app, auth={"token": token(u)}) for u in (ALICE, BOB)}
    yield clients
    for client in clients.values():
        client.disconnect()


def uploaded(app: Flask, user: str = ALICE) -> str:
    response = app.test_client().post(
        "/files/upload",
        data={"file": (io.BytesIO(samples.PDF), "cr.pdf"), "conversationId": CONV},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token(user)}"},
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["data"]["id"])


def named(client: Any, event: str) -> list[Any]:
    return [e["args"][0] for e in client.get_received() if e["name"] == event]


def test_the_uploader_deletes_a_file_over_the_socket(
    app: Flask, sockets: dict[str, Any], storage: FakeFileStorage
) -> None:
    file_id = uploaded(app)
    ack = sockets[ALICE].emit("deleteFile", {"fileId": file_id}, callback=True)
    assert ack["success"] is True and (ack["fileId"], ack["deleted"]) == (file_id, True)
    (event,) = named(sockets[ALICE], "file:deleted")
    assert event["fileId"] == file_id and event["id"] == file_id
    assert storage.objects == {}
    gone = app.test_client().get(
        f"/files/{file_id}", headers={"Authorization": f"Bearer {token(ALICE)}"}
    )
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "VALIDATION_ERROR"),
        ({"fileId": "not-an-id"}, "INVALID_FILE_ID"),
        ({"fileId": "f" * 24}, "FILE_NOT_FOUND"),
    ],
)
def test_refusals_go_to_file_error_with_the_http_codes(
    sockets: dict[str, Any], payload: dict[str, Any], code: str
) -> None:
    ack = sockets[ALICE].emit("deleteFile", payload, callback=True)
    assert (ack["success"], ack["code"]) == (False, code)
    (event,) = named(sockets[ALICE], "file:error")
    assert event["code"] == code and event["error"] == event["message"]


def test_a_member_who_did_not_upload_it_may_not_delete_it(
    app: Flask, sockets: dict[str, Any], storage: FakeFileStorage
) -> None:
    file_id = uploaded(app)
    ack = sockets[BOB].emit("deleteFile", {"fileId": file_id}, callback=True)
    assert (ack["success"], ack["code"]) == (False, "FILE_DELETE_FORBIDDEN")
    assert named(sockets[BOB], "file:error")[0]["code"] == "FILE_DELETE_FORBIDDEN"
    assert named(sockets[BOB], "file:deleted") == []
    assert file_id in storage.objects
