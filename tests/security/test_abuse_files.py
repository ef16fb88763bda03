"""Issue 23, rows 7 and 8 against a real chat_file under gunicorn (one gevent worker, SQLite
under a temporary VAR_DIR, local file storage, the shared Redis under a unique prefix).

- Row 7: the 170 kB PNG of 6300x6300 that took a worker from 256 to 727 MB (2.1 GB four at
  once) is refused with 422 IMAGE_TOO_LARGE, four at once, and the worker's peak RSS grows by
  less than 100 MB; a 24 MP JPEG still gets its thumbnails (decoded at a reduced scale).
- Row 8: one user's files stop at the quota and at the daily volume with 413 QUOTA_EXCEEDED
  and nothing kept; `sweep_files` deletes the uploads attached to nothing after the TTL and
  keeps the rest.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import sqlalchemy as sa
from PIL import Image

from bench.files import status_kb, worker_pid
from bench.thumbnail_bomb import write_png_bomb
from services.chat_file.files.sql.tables import files
from tests.support.servers import ROOT, ServiceProcess
from tests.support.tokens import bearer

from .conftest import drop_keys

pytestmark = pytest.mark.e2e

SECRET = "abuse-files-secret-0123456789abcdef-0123"
MB = 1024 * 1024
QUOTA, DAILY = 3 * MB, 5 * MB


def user() -> str:
    return uuid.uuid4().hex[:24]


def auth(user_id: str) -> dict[str, str]:
    return bearer(user_id, SECRET, ttl=600)


@pytest.fixture(scope="module")
def stack(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    var_dir = tmp_path_factory.mktemp("abuse-files")
    prefix = f"test:files:{uuid.uuid4().hex[:8]}:"
    env = {
        "APP_ENV": "test",
        "JWT_SECRET": SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "VAR_DIR": str(var_dir),
        "DATABASE_URL": "",
        "MONGODB_URI": "",
        "FILE_STORAGE": "local",
        "FILES_DIR": str(var_dir / "files"),
        "MAX_UPLOAD_BYTES": str(2 * MB),
        "UPLOAD_QUOTA_BYTES": str(QUOTA),
        "UPLOAD_DAILY_BYTES": str(DAILY),
        "UNATTACHED_UPLOAD_TTL": "3600",
        "SOCKET_SEND_RATE": "0",
        "WEB_CONCURRENCY": "1",
        "ACCESS_LOG": "/dev/null",
        "AUTH_USER_SERVICE_URL": "http://127.0.0.1:9",  # down: names fall back, files work
    }
    process = ServiceProcess("chat_file", env).start(timeout=60)
    yield {"server": process, "env": env, "var_dir": var_dir}
    process.stop()
    drop_keys(redis.Redis.from_url(redis_url), prefix)


def upload(url: str, content: bytes, name: str, user_id: str, **form: str) -> Any:
    return requests.post(
        f"{url}/files/upload",
        files={"file": (name, content)},
        data=form,
        headers=auth(user_id),
        timeout=120,
    )


def stored(var_dir: Path) -> set[str]:
    return {p.name for p in (var_dir / "files").rglob("*") if p.is_file()}


def test_png_bombs_are_refused_four_at_once_within_100_mb(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    server: ServiceProcess = stack["server"]
    bomb = tmp_path / "bomb.png"
    write_png_bomb(bomb)
    content = bomb.read_bytes()
    assert server.proc is not None
    pid = worker_pid(server.proc.pid)
    warm = upload(server.url, _jpeg((64, 64)), "warm.jpg", user())  # imports Pillow, WebP
    assert warm.status_code == 201, warm.text
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = status_kb(pid, "VmRSS")
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: upload(server.url, content, "b.png", user()), range(4)))
    growth_mb = (status_kb(pid, "VmHWM") - before) / 1024
    assert [(a.status_code, a.json()["code"]) for a in answers] == [(422, "IMAGE_TOO_LARGE")] * 4
    assert growth_mb < 100, growth_mb


def test_a_24_megapixel_photo_still_gets_thumbnails(stack: dict[str, Any]) -> None:
    server: ServiceProcess = stack["server"]
    created = upload(server.url, _jpeg((6000, 4000)), "photo.jpg", user())
    assert created.status_code == 201, created.text
    meta = created.json()["data"]
    assert (meta["width"], meta["height"]) == (6000, 4000)
    assert set(meta["thumbnails"]) == {"small", "medium", "large"}


def test_the_quota_refuses_past_it_keeps_nothing_and_frees_up_on_delete(
    stack: dict[str, Any],
) -> None:
    server: ServiceProcess = stack["server"]
    alice = user()
    first = upload(server.url, b"a" * (2 * MB - 100), "a.txt", alice)
    assert first.status_code == 201, first.text
    files_before = stored(stack["var_dir"])
    refused = upload(server.url, b"b" * (MB + 200), "b.txt", alice)  # passes 3 MB midway
    assert (refused.status_code, refused.json()["code"]) == (413, "QUOTA_EXCEEDED")
    assert stored(stack["var_dir"]) == files_before
    other = upload(server.url, b"c" * (MB + 200), "c.txt", user())  # the quota is per user
    assert other.status_code == 201, other.text
    deleted = requests.delete(
        f"{server.url}/files/{first.json()['data']['id']}", headers=auth(alice), timeout=10
    )
    assert deleted.status_code == 200
    again = upload(server.url, b"b" * (MB + 200), "b.txt", alice)
    assert again.status_code == 201, again.text


def test_the_daily_volume_counts_deleted_uploads(stack: dict[str, Any]) -> None:
    server: ServiceProcess = stack["server"]
    bob = user()
    for n in range(3):  # 3 x 1.6 MB uploaded and deleted: under the quota, near the day's 5 MB
        created = upload(server.url, b"d" * (MB + 600_000), f"{n}.txt", bob)
        assert created.status_code == 201, created.text
        file_id = created.json()["data"]["id"]
        requests.delete(f"{server.url}/files/{file_id}", headers=auth(bob), timeout=10)
    refused = upload(server.url, b"e" * 600_000, "e.txt", bob)
    assert (refused.status_code, refused.json()["code"]) == (413, "QUOTA_EXCEEDED")


def test_the_sweeper_removes_old_uploads_attached_to_nothing(stack: dict[str, Any]) -> None:
    server: ServiceProcess = stack["server"]
    carol, dave = user(), user()
    chat = requests.post(
        f"{server.url}/conversations",
        json={"type": "PRIVATE", "participantId": dave},
        headers=auth(carol),
        timeout=10,
    )
    assert chat.status_code in (200, 201), chat.text
    conversation = chat.json()["data"]["id"]
    ids = {
        name: upload(server.url, f"{name}\n".encode(), f"{name}.txt", carol, **form).json()["data"][
            "id"
        ]
        for name, form in [
            ("loose", {}),
            ("shared", {"conversationId": conversation}),
            ("young", {}),
        ]
    }
    day_ago = datetime.now(UTC) - timedelta(hours=25)
    engine = sa.create_engine(f"sqlite:///{stack['var_dir'] / 'chat_file.db'}")
    with engine.begin() as db:  # two uploads made a day ago (the TTL is one hour here)
        db.execute(
            files.update()
            .where(files.c.id.in_([ids["loose"], ids["shared"]]))
            .values(created_at=day_ago)
        )
    engine.dispose()
    done = subprocess.run(
        [sys.executable, "-m", "services.chat_file.sweep_files"],
        cwd=ROOT, env={**_os_env(), **stack["env"]}, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 unattached upload(s)" in done.stdout, done.stdout
    status = {
        name: requests.get(f"{server.url}/files/{fid}", headers=auth(carol), timeout=10).status_code
        for name, fid in ids.items()
    }
    assert status == {"loose": 404, "shared": 200, "young": 200}
    assert ids["loose"] not in stored(stack["var_dir"])


def _jpeg(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _os_env() -> dict[str, str]:
    return dict(os.environ)
