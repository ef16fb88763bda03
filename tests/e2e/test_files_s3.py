"""Files over real HTTP under gunicorn with FILE_STORAGE=s3 against moto's S3 server: multipart
upload, streamed download with ranges, thumbnails, delete, and presigned redirect downloads."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from PIL import Image

from services.chat_file.files.adapters.s3 import PART_SIZE
from tests.support.s3 import bucket_keys, new_bucket, open_uploads, s3_client, s3_env
from tests.support.servers import ROOT, ServiceProcess
from tests.unit.chat_file.files import samples

from .test_files import ALICE, BOB, EVE, auth, server_env, upload

pytestmark = pytest.mark.e2e

MAX_UPLOAD = 3 * PART_SIZE


def start(tmp: Path, endpoint: str, bucket: str, **extra: str) -> ServiceProcess:
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    env = {
        **server_env(tmp, "local", prefix),
        **s3_env(endpoint, bucket),
        "MAX_UPLOAD_BYTES": str(MAX_UPLOAD),
        **extra,
    }
    return ServiceProcess("chat_file", env=env).start()


@pytest.fixture(scope="module")
def bucket(s3_endpoint: str) -> str:
    return new_bucket(s3_endpoint)


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("s3files")


@pytest.fixture(scope="module")
def server(s3_endpoint: str, bucket: str, files_dir: Path) -> Iterator[ServiceProcess]:
    process = start(files_dir, s3_endpoint, bucket)
    yield process
    process.stop()


def test_large_upload_then_whole_and_ranged_downloads(
    server: ServiceProcess, s3_endpoint: str, bucket: str, files_dir: Path
) -> None:
    content = b"%PDF-1.4\n" + os.urandom(PART_SIZE + 500_000)  # two parts
    created = upload(server.url, content, "rapport.pdf")
    assert created.status_code == 201, created.text
    file_id = created.json()["data"]["id"]
    assert file_id in bucket_keys(s3_endpoint, bucket)
    assert [p for p in files_dir.rglob("*") if p.is_file()] == []  # FILES_DIR stays unused
    url = f"{server.url}/files/{file_id}/download"
    whole = requests.get(url, headers=auth(ALICE), timeout=30)
    assert whole.status_code == 200 and whole.content == content
    start_at = PART_SIZE - 10
    part = requests.get(
        url, headers={**auth(ALICE), "Range": f"bytes={start_at}-{start_at + 19}"}, timeout=10
    )
    assert part.status_code == 206 and part.content == content[start_at : start_at + 20]
    assert part.headers["Content-Range"] == f"bytes {start_at}-{start_at + 19}/{len(content)}"
    tail = requests.get(url, headers={**auth(ALICE), "Range": "bytes=-7"}, timeout=10)
    assert tail.status_code == 206 and tail.content == content[-7:]


def test_image_thumbnails_and_delete(server: ServiceProcess, s3_endpoint: str, bucket: str) -> None:
    image_id = upload(server.url, samples.png(), "p.png").json()["data"]["id"]
    assert len([k for k in bucket_keys(s3_endpoint, bucket) if k.startswith(image_id)]) == 4
    thumb = requests.get(
        f"{server.url}/files/{image_id}/thumbnail?size=medium", headers=auth(ALICE), timeout=10
    )
    assert thumb.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(thumb.content)).size == (300, 300)
    stranger = requests.get(
        f"{server.url}/files/{image_id}/thumbnail?size=medium", headers=auth(EVE), timeout=10
    )
    assert (stranger.status_code, stranger.json()["code"]) == (404, "FILE_NOT_FOUND")
    gone = requests.delete(f"{server.url}/files/{image_id}", headers=auth(ALICE), timeout=10)
    assert gone.status_code == 200
    assert [k for k in bucket_keys(s3_endpoint, bucket) if k.startswith(image_id)] == []


def test_oversized_upload_leaves_no_object_and_no_open_upload(
    server: ServiceProcess, s3_endpoint: str, bucket: str
) -> None:
    before = bucket_keys(s3_endpoint, bucket)

    def body() -> Iterator[bytes]:
        yield (
            b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"'
            b"\r\n\r\n%PDF-1.4\n"
        )
        for _ in range(MAX_UPLOAD // 65536 + 16):  # past the limit, after two full parts
            yield b"z" * 65536
        yield b"\r\n--b0undary--\r\n"

    response = requests.post(
        f"{server.url}/files/upload",
        data=body(),
        headers={**auth(ALICE), "Content-Type": "multipart/form-data; boundary=b0undary"},
        timeout=60,
    )
    assert (response.status_code, response.json()["code"]) == (413, "FILE_TOO_LARGE")
    assert bucket_keys(s3_endpoint, bucket) == before
    assert open_uploads(s3_endpoint, bucket) == []


def test_presigned_downloads_redirect_after_the_access_check(
    s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    process = start(tmp_path, s3_endpoint, bucket, S3_PRESIGNED_DOWNLOADS="1")
    try:
        content = b"%PDF-1.4\n" + bytes(range(256)) * 100
        file_id = upload(process.url, content, "note.pdf").json()["data"]["id"]
        url = f"{process.url}/files/{file_id}/download"
        moved = requests.get(url, headers=auth(ALICE), allow_redirects=False, timeout=10)
        assert moved.status_code == 302
        assert moved.headers["Location"].startswith(f"{s3_endpoint}/{bucket}/{file_id}?")
        location = moved.headers["Location"]
        direct = requests.get(location, headers={"Range": "bytes=9-18"}, timeout=10)
        assert direct.status_code == 206 and direct.content == content[9:19]
        followed = requests.get(url, headers=auth(ALICE), timeout=10)
        assert followed.content == content
        assert followed.headers["Content-Type"] == "application/pdf"
        outsider = requests.get(url, headers=auth(BOB), allow_redirects=False, timeout=10)
        assert (outsider.status_code, outsider.json()["code"]) == (404, "FILE_NOT_FOUND")
    finally:
        process.stop()


def test_sweep_command_removes_an_orphaned_object_and_keeps_the_rest(
    server: ServiceProcess, s3_endpoint: str, bucket: str
) -> None:
    file_id = upload(server.url, samples.PDF, "garde.pdf").json()["data"]["id"]
    orphan = "0f" * 12  # bytes whose row was never written (a process killed mid-upload)
    s3_client(s3_endpoint).put_object(Bucket=bucket, Key=orphan, Body=b"orphelin")
    time.sleep(1.1)  # object times have a one-second resolution
    env = {**os.environ, **server.env}
    done = subprocess.run(
        [sys.executable, "-m", "services.chat_file.sweep_files", "--grace-minutes", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert orphan not in bucket_keys(s3_endpoint, bucket)
    assert file_id in bucket_keys(s3_endpoint, bucket)
    got = requests.get(f"{server.url}/files/{file_id}/download", headers=auth(ALICE), timeout=10)
    assert got.status_code == 200 and got.content == samples.PDF
