"""The file routes over Flask's test client: the real app factory, FileService on fakes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from services.chat_file.app import create_app
from services.chat_file.files.api.views import FILE, FILE_LIST
from services.chat_file.files.application.files import FileService
from services.chat_file.settings import Settings
from tests.fake_stores import fake_chat_stores
from tests.support.tokens import bearer

from ..conversations.test_views import assert_documented, response_schema
from . import samples
from .fakes import FakeConversationAccess, FakeFileStorage, FakeFileStore, FakeThumbnailer

SECRET = "files-http-test-secret-0123456789abcdef"
ALICE, BOB, EVE = "a" * 24, "b" * 24, "e" * 24
CONV = "c" * 24
LIMIT = 3_000_000  # above the app's 1 MB JSON body limit


def as_user(user_id: str) -> dict[str, str]:
    return bearer(user_id, SECRET, ttl=600)


@pytest.fixture
def storage() -> FakeFileStorage:
    return FakeFileStorage()


@pytest.fixture
def client(storage: FakeFileStorage) -> Iterator[FlaskClient]:
    files = FileService(
        store=FakeFileStore(),
        storage=storage,
        thumbnailer=FakeThumbnailer(),
        conversations=FakeConversationAccess({CONV: {ALICE, BOB}}),
        max_upload_bytes=LIMIT,
    )
    app = create_app(
        Settings(app_env="test", jwt_secret=SECRET), stores=fake_chat_stores(), files=files
    )
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = as_user(ALICE)["Authorization"]
    yield client


def upload(client: FlaskClient, content: bytes, name: str = "f.pdf", **form: Any) -> Any:
    data = {**form, "file": (io.BytesIO(content), name)}
    return client.post("/files/upload", data=data, content_type="multipart/form-data")


def error_code(response: Any) -> str:
    body = response.get_json()
    assert body["success"] is False
    return str(body["code"])


def test_upload_returns_201_with_metadata(client: FlaskClient) -> None:
    response = upload(client, samples.PDF, "Compte rendu été.pdf", conversationId=CONV)
    assert response.status_code == 201
    data = response.get_json()["data"]
    assert data["originalName"] == "Compte rendu été.pdf"
    assert (data["mimeType"], data["size"], data["conversationId"]) == (
        "application/pdf",
        len(samples.PDF),
        CONV,
    )


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"content": b""}, 400, "EMPTY_FILE"),
        ({"content": samples.ELF, "name": "photo.jpg"}, 415, "UNSUPPORTED_FILE_TYPE"),
        ({"content": samples.png()[:50] + b"corrupt", "name": "p.png"}, 422, "CORRUPT_IMAGE"),
        ({"content": samples.png() + b"bomb", "name": "p.png"}, 422, "IMAGE_TOO_LARGE"),
        ({"content": samples.PDF + b"x" * LIMIT}, 413, "FILE_TOO_LARGE"),
        ({"content": samples.PDF, "conversationId": "f" * 24}, 404, "CONVERSATION_NOT_FOUND"),
    ],
)
def test_bad_uploads_get_a_specific_4xx_and_store_nothing(
    client: FlaskClient, storage: FakeFileStorage, kwargs: dict[str, Any], status: int, code: str
) -> None:
    response = upload(client, **kwargs)
    assert (response.status_code, error_code(response)) == (status, code)
    assert storage.objects == {}


def test_missing_file_field_and_non_multipart_bodies(client: FlaskClient) -> None:
    no_file = client.post(
        "/files/upload", data={"conversationId": CONV}, content_type="multipart/form-data"
    )
    assert (no_file.status_code, error_code(no_file)) == (400, "FILE_REQUIRED")
    as_json = client.post("/files/upload", json={"file": "abc"})
    assert (as_json.status_code, error_code(as_json)) == (400, "MALFORMED_UPLOAD")
    truncated = client.post(
        "/files/upload",
        data=b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF',
        content_type="multipart/form-data; boundary=xx",
    )
    assert (truncated.status_code, error_code(truncated)) == (400, "MALFORMED_UPLOAD")


def late_form(conversation_id: str, second_file: bool = False) -> bytes:
    """The old console's form: the file first, `conversationId` after it."""
    file_part = (
        b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'
        + samples.PDF
        + b"\r\n"
    )
    return (
        file_part
        + (file_part if second_file else b"")
        + b'--xx\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\n'
        + conversation_id.encode()
        + b"\r\n--xx--\r\n"
    )


def test_two_files_are_refused(client: FlaskClient, storage: FakeFileStorage) -> None:
    response = client.post(
        "/files/upload",
        data=late_form(CONV, second_file=True),
        content_type="multipart/form-data; boundary=xx",
    )
    assert (response.status_code, error_code(response)) == (400, "MALFORMED_UPLOAD")
    assert storage.objects == {}


def test_a_conversation_id_after_the_file_links_it(
    client: FlaskClient, storage: FakeFileStorage
) -> None:
    response = client.post(
        "/files/upload", data=late_form(CONV), content_type="multipart/form-data; boundary=xx"
    )
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert data["conversationId"] == CONV
    other = client.get(f"/files/{data['id']}", headers=as_user(BOB))  # BOB takes part
    assert other.status_code == 200


def test_a_late_conversation_id_of_someone_elses_conversation_removes_the_bytes(
    client: FlaskClient, storage: FakeFileStorage
) -> None:
    response = client.post(
        "/files/upload",
        data=late_form("d" * 24),
        content_type="multipart/form-data; boundary=xx",
    )
    assert (response.status_code, error_code(response)) == (404, "CONVERSATION_NOT_FOUND")
    assert storage.objects == {}


def test_declared_length_over_the_limit_is_refused_before_reading(client: FlaskClient) -> None:
    response = client.post(
        "/files/upload",
        input_stream=io.BytesIO(b""),
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(LIMIT * 2)},
    )
    assert (response.status_code, error_code(response)) == (413, "FILE_TOO_LARGE")


def test_uploads_may_exceed_the_json_body_limit(client: FlaskClient) -> None:
    content = samples.PDF + b"x" * 1_500_000
    response = upload(client, content, "big.pdf")
    assert response.status_code == 201
    assert response.get_json()["data"]["size"] == len(content)


def test_download_has_safe_headers_and_rfc5987_name(client: FlaskClient) -> None:
    file_id = upload(client, samples.PDF, "../../Budget 2026 \u2013 été.pdf").get_json()["data"][
        "id"
    ]
    response = client.get(f"/files/{file_id}/download")
    assert response.status_code == 200
    assert response.data == samples.PDF
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Length"] == str(len(samples.PDF))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="Budget 2026  ete.pdf"; '
        "filename*=UTF-8''Budget%202026%20%E2%80%93%20%C3%A9t%C3%A9.pdf"
    )


def test_images_are_inline_text_gets_a_charset(client: FlaskClient) -> None:
    image_id = upload(client, samples.png(), "p.png").get_json()["data"]["id"]
    assert (
        client.get(f"/files/{image_id}/download")
        .headers["Content-Disposition"]
        .startswith("inline;")
    )
    text_id = upload(client, samples.TEXT, "n.txt").get_json()["data"]["id"]
    assert client.get(f"/files/{text_id}/download").headers["Content-Type"] == (
        "text/plain; charset=utf-8"
    )


def test_range_requests_get_206_and_416_beyond_the_end(client: FlaskClient) -> None:
    content = samples.PDF + bytes(range(256)) * 40
    file_id = upload(client, content).get_json()["data"]["id"]
    part = client.get(f"/files/{file_id}/download", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.data == content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(content)}"
    assert part.headers["Content-Length"] == "100"
    beyond = client.get(f"/files/{file_id}/download", headers={"Range": "bytes=999999-"})
    assert (beyond.status_code, error_code(beyond)) == (416, "RANGE_NOT_SATISFIABLE")
    assert beyond.headers["Content-Range"] == f"bytes */{len(content)}"


def test_thumbnail_route(client: FlaskClient) -> None:
    image_id = upload(client, samples.png(), "p.png").get_json()["data"]["id"]
    small = client.get(f"/files/{image_id}/thumbnail?size=small")
    assert (small.status_code, small.mimetype, small.data) == (200, "image/webp", b"webp-small")
    assert client.get(f"/files/{image_id}/thumbnail").data == b"webp-medium"
    bad = client.get(f"/files/{image_id}/thumbnail?size=huge")
    assert (bad.status_code, error_code(bad)) == (400, "INVALID_THUMBNAIL_SIZE")


def test_other_users_deleted_and_invalid_ids(client: FlaskClient) -> None:
    file_id = upload(client, samples.PDF, conversationId=CONV).get_json()["data"]["id"]
    assert client.get(f"/files/{file_id}", headers=as_user(BOB)).status_code == 200
    other = client.get(f"/files/{file_id}/download", headers=as_user(EVE))
    assert (other.status_code, error_code(other)) == (404, "FILE_NOT_FOUND")
    not_owner = client.delete(f"/files/{file_id}", headers=as_user(BOB))
    assert (not_owner.status_code, error_code(not_owner)) == (403, "FILE_DELETE_FORBIDDEN")
    assert client.delete(f"/files/{file_id}").status_code == 200
    gone = client.get(f"/files/{file_id}")
    assert (gone.status_code, error_code(gone)) == (404, "FILE_NOT_FOUND")
    invalid = client.get("/files/not-an-id/download")
    assert (invalid.status_code, error_code(invalid)) == (400, "INVALID_FILE_ID")


def test_list_for_conversation(client: FlaskClient) -> None:
    upload(client, samples.PDF, conversationId=CONV)
    listed = client.get(f"/files/conversation/{CONV}", headers=as_user(BOB))
    assert listed.get_json()["data"]["count"] == 1
    denied = client.get(f"/files/conversation/{CONV}", headers=as_user(EVE))
    assert (denied.status_code, error_code(denied)) == (404, "CONVERSATION_NOT_FOUND")
    bad_limit = client.get(f"/files/conversation/{CONV}?limit=0")
    assert (bad_limit.status_code, error_code(bad_limit)) == (400, "VALIDATION_ERROR")


def test_no_token_is_401(client: FlaskClient) -> None:
    response = client.get(f"/files/{'f' * 24}", environ_overrides={"HTTP_AUTHORIZATION": ""})
    assert (response.status_code, error_code(response)) == (401, "MISSING_TOKEN")


def test_file_routes_return_exactly_the_fields_they_document(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    answer = upload(client, samples.png(), "photo.png", conversationId=CONV).get_json()
    uploaded = answer["data"]
    assert_documented(spec, response_schema(spec, "post", "/files/upload"), uploaded, "upload")
    found = client.get(f"/files/{uploaded['id']}").get_json()["data"]
    assert_documented(spec, response_schema(spec, "get", "/files/{file_id}"), found, "metadata")
    listed = client.get(f"/files/conversation/{CONV}").get_json()["data"]
    route = "/files/conversation/{conversation_id}"
    assert_documented(spec, response_schema(spec, "get", route), listed, "list")


def test_the_file_views_dump_fast_what_marshmallow_dumps(client: FlaskClient) -> None:
    upload(client, samples.png(), "photo.png", conversationId=CONV)
    upload(client, samples.PDF, "doc.pdf", conversationId=CONV)
    files = client.application.extensions["chat"].files
    records = files.list_for_conversation("a" * 24, CONV)
    assert len(records) == 2
    FILE_LIST.check_fast(records)
    for record in records:
        FILE.check_fast(record)
