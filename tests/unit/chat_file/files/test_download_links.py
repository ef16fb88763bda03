"""Redirect downloads (S3 presigned URLs) over Flask's test client, FileService on fakes:
the access check runs first, the redirect carries the file's type and name."""

from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient

from services.chat_file.app import create_app
from services.chat_file.files.application.files import FileService
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.tokens import bearer

from . import samples
from .fakes import (
    FakeConversationAccess,
    FakeDownloadLinks,
    FakeFileStorage,
    FakeFileStore,
    FakeThumbnailer,
)

SECRET = "download-links-test-secret-0123456789abc"
ALICE, BOB, EVE = "a" * 24, "b" * 24, "e" * 24
CONV = "c" * 24


@pytest.fixture
def client() -> Iterator[FlaskClient]:
    files = FileService(
        store=FakeFileStore(),
        storage=FakeFileStorage(),
        thumbnailer=FakeThumbnailer(),
        conversations=FakeConversationAccess({CONV: {ALICE, BOB}}),
        max_upload_bytes=1_000_000,
        links=FakeDownloadLinks(),
    )
    app = create_app(
        Settings(app_env="test", jwt_secret=SECRET), stores=fake_chat_stores(), files=files
    )
    yield app.test_client()


def uploaded(client: FlaskClient) -> str:
    response = client.post(
        "/files/upload",
        data={"file": (io.BytesIO(samples.PDF), "rapport.pdf"), "conversationId": CONV},
        content_type="multipart/form-data",
        headers=bearer(ALICE, SECRET),
    )
    assert response.status_code == 201
    return str(response.get_json()["data"]["id"])


def test_participant_is_redirected_to_a_signed_url_of_the_original(client: FlaskClient) -> None:
    file_id = uploaded(client)
    response = client.get(f"/files/{file_id}/download", headers=bearer(BOB, SECRET))
    assert response.status_code == 302
    location = unquote(response.headers["Location"])
    assert location.startswith(f"https://objects.example/{file_id}?type=application/pdf")
    assert 'attachment; filename="rapport.pdf"' in location
    assert response.headers["Cache-Control"] == "private, no-store"


def test_outsider_gets_not_found_and_no_url(client: FlaskClient) -> None:
    file_id = uploaded(client)
    response = client.get(f"/files/{file_id}/download", headers=bearer(EVE, SECRET))
    assert response.status_code == 404
    assert response.get_json()["code"] == "FILE_NOT_FOUND"
    assert "Location" not in response.headers


def test_thumbnails_are_still_served_by_the_service(client: FlaskClient) -> None:
    response = client.post(
        "/files/upload",
        data={"file": (io.BytesIO(samples.png()), "p.png")},
        content_type="multipart/form-data",
        headers=bearer(ALICE, SECRET),
    )
    file_id = response.get_json()["data"]["id"]
    thumb = client.get(f"/files/{file_id}/thumbnail?size=small", headers=bearer(ALICE, SECRET))
    assert thumb.status_code == 200 and thumb.data == b"webp-small"
