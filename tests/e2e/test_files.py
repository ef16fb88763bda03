"""Files over real HTTP under gunicorn (gevent worker): local directory and GridFS storage."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image

from tests.support.servers import ServiceProcess
from tests.support.tokens import bearer
from tests.unit.chat_file.files import samples

pytestmark = pytest.mark.e2e

SECRET = "e2e-files-secret-0123456789abcdef-0123"
ALICE, BOB, EVE = "a1" * 12, "b2" * 12, "e5" * 12
MAX_UPLOAD = 2 * 1024 * 1024


def auth(user_id: str) -> dict[str, str]:
    return bearer(user_id, SECRET, ttl=600)


def server_env(files_dir: Path, storage: str, key_prefix: str) -> dict[str, str]:
    gridfs = {"DATABASE_URL": "mongomock://"} if storage == "gridfs" else {}  # GridFS: Mongo
    return {
        **gridfs,
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "FILE_STORAGE": storage,
        "FILES_DIR": str(files_dir),
        "MAX_UPLOAD_BYTES": str(MAX_UPLOAD),
        "REDIS_KEY_PREFIX": key_prefix,
        "USER_CACHE_PREFIX": f"{key_prefix}user:profile:",
        "AUTH_USER_SERVICE_URL": "http://127.0.0.1:9",  # down: names fall back, files work
    }


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


@pytest.fixture(scope="module")
def server(files_dir: Path) -> Iterator[ServiceProcess]:
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    process = ServiceProcess("chat_file", env=server_env(files_dir, "local", prefix)).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def conversation(server: ServiceProcess) -> str:
    response = requests.post(
        f"{server.url}/conversations",
        json={"type": "PRIVATE", "participantId": BOB},
        headers=auth(ALICE),
        timeout=10,
    )
    assert response.status_code in (200, 201), response.text
    return str(response.json()["data"]["id"])


def upload(url: str, content: bytes, name: str, user: str = ALICE, **form: str) -> Any:
    return requests.post(
        f"{url}/files/upload",
        files={"file": (name, content)},
        data=form,
        headers=auth(user),
        timeout=30,
    )


def stored_files(files_dir: Path) -> list[str]:
    return sorted(p.name for p in files_dir.rglob("*") if p.is_file())


def test_image_shared_in_a_conversation(server: ServiceProcess, conversation: str) -> None:
    created = upload(
        server.url, samples.jpeg((1200, 800)), "Réunion été.jpg", conversationId=conversation
    )
    assert created.status_code == 201, created.text
    meta = created.json()["data"]
    assert (meta["mimeType"], meta["width"], meta["height"]) == ("image/jpeg", 1200, 800)
    got = requests.get(f"{server.url}/files/{meta['id']}/download", headers=auth(BOB), timeout=10)
    assert got.status_code == 200 and got.content == samples.jpeg((1200, 800))
    assert got.headers["Content-Disposition"].endswith(
        "filename*=UTF-8''R%C3%A9union%20%C3%A9t%C3%A9.jpg"
    )
    for size, side in {"small": 150, "medium": 300, "large": 600}.items():
        thumb = requests.get(
            f"{server.url}/files/{meta['id']}/thumbnail?size={size}", headers=auth(BOB), timeout=10
        )
        assert thumb.headers["Content-Type"] == "image/webp"
        assert Image.open(io.BytesIO(thumb.content)).size == (side, side)
    listed = requests.get(
        f"{server.url}/files/conversation/{conversation}", headers=auth(BOB), timeout=10
    )
    assert meta["id"] in [f["id"] for f in listed.json()["data"]["files"]]
    stranger = requests.get(f"{server.url}/files/{meta['id']}", headers=auth(EVE), timeout=10)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "FILE_NOT_FOUND")


def test_message_carries_an_uploaded_file(server: ServiceProcess, conversation: str) -> None:
    file_id = upload(server.url, samples.PDF, "ordre du jour.pdf").json()["data"]["id"]
    sent = requests.post(
        f"{server.url}/messages",
        json={"conversationId": conversation, "type": "FILE", "fileId": file_id},
        headers=auth(ALICE),
        timeout=10,
    )
    assert sent.status_code == 201, sent.text
    assert sent.json()["data"]["file"]["id"] == file_id
    # attached to the conversation: the other participant can now download it
    got = requests.get(f"{server.url}/files/{file_id}/download", headers=auth(BOB), timeout=10)
    assert got.status_code == 200 and got.content == samples.PDF
    foreign = requests.post(
        f"{server.url}/messages",
        json={"conversationId": conversation, "type": "FILE", "fileId": "f" * 24},
        headers=auth(ALICE),
        timeout=10,
    )
    assert (foreign.status_code, foreign.json()["code"]) == (404, "FILE_NOT_FOUND")


def test_ranges_for_media(server: ServiceProcess) -> None:
    video = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 4000
    file_id = upload(server.url, video, "clip.mp4").json()["data"]["id"]
    url = f"{server.url}/files/{file_id}/download"
    part = requests.get(url, headers={**auth(ALICE), "Range": "bytes=1000-1999"}, timeout=10)
    assert part.status_code == 206 and part.content == video[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(video)}"
    assert part.headers["Content-Type"] == "video/mp4"
    tail = requests.get(url, headers={**auth(ALICE), "Range": "bytes=-24"}, timeout=10)
    assert tail.status_code == 206 and tail.content == video[-24:]
    beyond = requests.get(url, headers={**auth(ALICE), "Range": f"bytes={len(video)}-"}, timeout=10)
    assert (beyond.status_code, beyond.json()["code"]) == (416, "RANGE_NOT_SATISFIABLE")
    assert beyond.headers["Content-Range"] == f"bytes */{len(video)}"


@pytest.mark.parametrize(
    ("content", "name", "status", "code"),
    [
        (b"", "vide.pdf", 400, "EMPTY_FILE"),
        (samples.ELF, "photo.jpg", 415, "UNSUPPORTED_FILE_TYPE"),
        (samples.truncated_jpeg(), "photo.jpg", 422, "CORRUPT_IMAGE"),
        (samples.png_bomb(), "bomb.png", 422, "IMAGE_TOO_LARGE"),
        (samples.PDF + b"x" * MAX_UPLOAD, "gros.pdf", 413, "FILE_TOO_LARGE"),
    ],
)
def test_bad_uploads_leave_nothing(
    server: ServiceProcess, files_dir: Path, content: bytes, name: str, status: int, code: str
) -> None:
    before = stored_files(files_dir)
    response = upload(server.url, content, name)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert stored_files(files_dir) == before


def test_oversized_chunked_upload_is_cut_mid_stream(
    server: ServiceProcess, files_dir: Path
) -> None:
    boundary = "b0undary"

    def body() -> Iterator[bytes]:
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.pdf"\r\n\r\n'
        ).encode() + samples.PDF
        for _ in range(64):  # 64 x 64 KB = 4 MB, twice the limit; no Content-Length
            yield b"z" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    before = stored_files(files_dir)
    response = requests.post(
        f"{server.url}/files/upload",
        data=body(),
        headers={**auth(ALICE), "Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=30,
    )
    assert (response.status_code, response.json()["code"]) == (413, "FILE_TOO_LARGE")
    assert stored_files(files_dir) == before


def test_no_file_field_and_path_names(server: ServiceProcess) -> None:
    missing = requests.post(
        f"{server.url}/files/upload",
        files={"other": ("a.pdf", samples.PDF)},
        headers=auth(ALICE),
        timeout=10,
    )
    assert (missing.status_code, missing.json()["code"]) == (400, "FILE_REQUIRED")
    named = upload(server.url, samples.TEXT, "../../etc/passwd")
    assert named.status_code == 201 and named.json()["data"]["originalName"] == "passwd"


def test_delete_removes_bytes_and_thumbnails(server: ServiceProcess, files_dir: Path) -> None:
    file_id = upload(server.url, samples.png(), "p.png").json()["data"]["id"]
    assert len([n for n in stored_files(files_dir) if n.startswith(file_id)]) == 4
    assert (
        requests.delete(f"{server.url}/files/{file_id}", headers=auth(BOB), timeout=10).status_code
        == 404
    )
    assert (
        requests.delete(
            f"{server.url}/files/{file_id}", headers=auth(ALICE), timeout=10
        ).status_code
        == 200
    )
    assert [n for n in stored_files(files_dir) if n.startswith(file_id)] == []
    gone = requests.get(f"{server.url}/files/{file_id}/download", headers=auth(ALICE), timeout=10)
    assert (gone.status_code, gone.json()["code"]) == (404, "FILE_NOT_FOUND")
    invalid = requests.get(
        f"{server.url}/files/..%2F..%2Fetc/download", headers=auth(ALICE), timeout=10
    )
    assert invalid.status_code in (400, 404) and invalid.json()["success"] is False


def test_gridfs_storage_round_trip(tmp_path: Path) -> None:
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    process = ServiceProcess("chat_file", env=server_env(tmp_path, "gridfs", prefix)).start()
    try:
        content = samples.PDF + bytes(range(256)) * 3000  # several GridFS chunks
        file_id = upload(process.url, content, "r.pdf").json()["data"]["id"]
        url = f"{process.url}/files/{file_id}/download"
        whole = requests.get(url, headers=auth(ALICE), timeout=10)
        assert whole.content == content
        part = requests.get(
            url, headers={**auth(ALICE), "Range": "bytes=300000-300099"}, timeout=10
        )
        assert part.status_code == 206 and part.content == content[300000:300100]
        image_id = upload(process.url, samples.png(), "p.png").json()["data"]["id"]
        thumb = requests.get(
            f"{process.url}/files/{image_id}/thumbnail?size=large", headers=auth(ALICE), timeout=10
        )
        assert Image.open(io.BytesIO(thumb.content)).size == (600, 600)
        assert (
            requests.delete(
                f"{process.url}/files/{file_id}", headers=auth(ALICE), timeout=10
            ).status_code
            == 200
        )
        assert stored_files(tmp_path) == []  # nothing on disk in GridFS mode
    finally:
        process.stop()
