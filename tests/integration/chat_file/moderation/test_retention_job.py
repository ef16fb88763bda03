"""`python -m services.chat_file.retention` as cron runs it (a real process) on SQLite with
local file storage: expired messages go with the image only they carried (its bytes and its
thumbnails), the conversation forgets its last message, a second run deletes nothing."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from libs.servicekit.settings import DEV_JWT_SECRET
from libs.servicekit.sql import create_sql_engine
from services.chat_file.app import create_app
from services.chat_file.conversations.sql.tables import messages
from tests.support.chat_app import chat_settings
from tests.support.databases import sqlite_url
from tests.support.tokens import bearer
from tests.unit.chat_file.fakes import FakeProfileSource, profile
from tests.unit.chat_file.files import samples

ROOT = Path(__file__).resolve().parents[4]
USERS = {u: profile(u, u.capitalize(), "Test") for u in ("alice", "bob")}


def run_job(url: str, files_dir: Path) -> dict[str, int]:
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": url,
        "FILES_DIR": str(files_dir),
        "RETENTION_DAYS": "7",
        "RETENTION_BATCH": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "services.chat_file.retention"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_the_job_purges_expired_messages_and_their_files(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    settings = chat_settings(tmp_path, database_url=url)
    client = create_app(settings, auth_client=FakeProfileSource(USERS)).test_client()
    alice = bearer("alice", DEV_JWT_SECRET)
    made = client.post("/conversations", json={"participantId": "bob"}, headers=alice)
    cid = made.get_json()["data"]["id"]
    data = {"file": (io.BytesIO(samples.png()), "photo.png"), "conversationId": cid}
    uploaded = client.post(
        "/files/upload", data=data, content_type="multipart/form-data", headers=alice
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    file_id = uploaded.get_json()["data"]["id"]
    body = {"conversationId": cid, "content": "photo", "type": "IMAGE", "fileId": file_id}
    assert client.post("/messages", json=body, headers=alice).status_code == 201
    for text in ("un", "deux"):
        sent = client.post(
            "/messages", json={"conversationId": cid, "content": text}, headers=alice
        )
        assert sent.status_code == 201
    files_dir = Path(settings.files_dir)
    stored = [p.name for p in files_dir.rglob("*") if p.is_file() and p.name.startswith(file_id)]
    assert stored, list(files_dir.rglob("*"))

    assert run_job(url, files_dir)["messages"] == 0  # nothing is a week old yet
    engine = create_sql_engine(url)
    with engine.begin() as tx:  # the messages were sent ten days ago
        ten_days_ago = datetime.now(UTC) - timedelta(days=10)
        tx.execute(sa.update(messages).values(created_at=ten_days_ago))
    engine.dispose()

    report = run_job(url, files_dir)
    assert (report["messages"], report["batches"], report["files"]) == (3, 3, 1)
    assert not [p for p in files_dir.rglob("*") if p.is_file() and p.name.startswith(file_id)]
    assert client.get(f"/files/{file_id}", headers=alice).status_code == 404
    history = client.get(f"/messages?conversationId={cid}", headers=alice).get_json()["data"]
    assert history["messages"] == []
    listed = client.get("/conversations", headers=bearer("bob", DEV_JWT_SECRET)).get_json()
    (only,) = listed["data"]["conversations"]
    assert only["lastMessage"] is None and only["unreadCount"] == 0
    assert run_job(url, files_dir)["messages"] == 0  # a rerun changes nothing
