"""`python -m scripts.port_db` from the SQLite files of both services into PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from scripts.port_db import main
from services.chat_file.conversations.domain.model import (
    Conversation,
    ConversationType,
    Message,
    MessageType,
)
from services.chat_file.storage.stores import ChatStores, open_sql_stores
from tests.support.databases import sqlite_url
from tests.support.servers import ROOT

from .conftest import MakeStack
from .world import fill, ok, view

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def run_port(service: str, source: str, target: str, *extra: str) -> int:
    return main(["--service", service, "--from", source, "--to", target, *extra])


def chat_source(directory: Path, messages: int) -> tuple[str, str]:
    """A chat_file SQLite database written through its stores: (url, conversation id)."""
    url = sqlite_url(directory, "chat_file")
    stores = open_sql_stores(url)
    conversation = stores.conversations.create(
        Conversation("", ConversationType.GROUP, ["ana", "ben"], ["ana"], "ana", NOW, NOW, "G")
    )
    for n in range(messages):
        post(stores, conversation.id, f"message {n}")
    stores.conversations.mark_read(conversation.id, "ben", messages // 2, "", NOW)
    stores.close()
    return url, conversation.id


def post(stores: ChatStores, cid: str, content: str) -> None:
    message = Message(stores.messages.new_id(), cid, "ana", content, MessageType.TEXT, NOW)
    stores.messages.insert(message)
    summary = {"id": message.id, "senderId": "ana", "content": content, "createdAt": NOW}
    stores.messages.set_seq(message.id, stores.conversations.next_seq(cid, summary, NOW))


def history(url: str, cid: str) -> list[Message]:
    stores = open_sql_stores(url, run_migrations=False)
    try:
        return stores.messages.page(cid, "ben", None, 10_000, False)
    finally:
        stores.close()


def test_what_users_saw_on_sqlite_they_see_on_postgresql(
    make_stack: MakeStack, tmp_path: Path, target_url: str
) -> None:
    auth_db, chat_db = sqlite_url(tmp_path, "auth_user"), sqlite_url(tmp_path, "chat_file")
    before = make_stack(auth_db, chat_db)
    world = fill(before)
    seen = view(before, world)
    assert len(seen["alice search reunion helene"]) == 1
    assert len(seen["alice search RÉUNION"]) == 2  # the group's and the private one
    assert seen["carol search ordre"] and not seen["bob search ordre"]  # bob hid it
    assert run_port("auth_user", auth_db, target_url) == 0
    assert run_port("chat_file", chat_db, target_url, "--batch-size", "2") == 0  # keyset pages
    after = make_stack(target_url, target_url, seed=False)  # the admin too comes from SQLite
    assert view(after, world) == seen
    # the copied serial keys are behind the target's sequences: new rows insert fine
    admin = {"Authorization": f"Bearer {after.login('ADMIN001')['accessToken']}"}
    user = {"matricule": "PORTNEW1", "nom": "N", "prenom": "P", "password": "port-pass-1"}
    ok(after.auth.post("/", json=user, headers=admin))
    assert after.login("PORTNEW1", "port-pass-1")["user"]["matricule"] == "PORTNEW1"
    body = {"conversationId": world.conversations[0], "content": "après le portage"}
    alice = {"Authorization": f"Bearer {after.login(world.matricules['alice'])['accessToken']}"}
    ok(after.chat.post("/messages", json=body, headers=alice))


def test_an_interrupted_port_resumes_where_it_stopped(tmp_path: Path, target_url: str) -> None:
    source, cid = chat_source(tmp_path, 400)
    argv = [sys.executable, "-m", "scripts.port_db", "--service", "chat_file"]
    argv += ["--from", source, "--to", target_url, "--batch-size", "1"]
    port = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    engine = sa.create_engine(target_url)
    progress = sa.text("SELECT rows, done FROM ngomna_port_progress WHERE table_name = 'messages'")
    try:
        while port.poll() is None:
            with engine.connect() as db:
                row = db.execute(progress).first() if _has_progress(db) else None
            if row is not None and row.rows >= 20:
                port.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
        port.wait(timeout=30)
        assert port.returncode == -signal.SIGKILL, "the port ended before it was interrupted"
        with engine.connect() as db:
            copied, done = db.execute(progress).one()
            rows = db.execute(sa.text("SELECT count(*) FROM messages")).scalar_one()
        assert not done and 20 <= copied < 400
        assert rows == copied  # each batch commits with its progress, never one without
        assert run_port("chat_file", source, target_url, "--batch-size", "50") == 0
    finally:
        engine.dispose()
    assert [m.id for m in history(target_url, cid)] == [m.id for m in history(source, cid)]


def _has_progress(db: sa.Connection) -> bool:
    return sa.inspect(db).has_table("ngomna_port_progress")


def test_the_checksum_tells_a_changed_or_missing_row(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source, _ = chat_source(tmp_path, 30)
    assert run_port("chat_file", source, target_url) == 0
    assert "DIFFERS" not in capsys.readouterr().out
    assert run_port("chat_file", source, target_url) == 0  # done: verified again, not copied
    engine = sa.create_engine(target_url)
    with engine.begin() as db:
        db.execute(sa.text("UPDATE messages SET content = 'altéré' WHERE seq = 7"))
        db.execute(sa.text("DELETE FROM conversation_members WHERE user_id = 'ben'"))
    engine.dispose()
    capsys.readouterr()
    assert run_port("chat_file", source, target_url) == 1
    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:]}
    assert "DIFFERS" in lines["messages"] and " 30        30 " in lines["messages"]
    assert "DIFFERS" in lines["conversation_members"]
    assert lines["conversations"].endswith(" ok")


def test_a_target_holding_other_data_or_another_port_is_refused(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stores = open_sql_stores(target_url)
    post_on_target = Conversation("", ConversationType.GROUP, ["x", "y"], ["x"], "x", NOW, NOW)
    kept = stores.conversations.create(post_on_target)
    stores.close()
    (tmp_path / "a").mkdir()
    source, _ = chat_source(tmp_path / "a", 3)
    assert run_port("chat_file", source, target_url) == 2
    assert "already holds chat_file data (conversations, conversation_members)" in (
        capsys.readouterr().err
    )
    engine = sa.create_engine(target_url)
    with engine.begin() as db:
        assert db.execute(sa.text("SELECT id FROM conversations")).scalars().all() == [kept.id]
        assert db.execute(sa.text("SELECT count(*) FROM ngomna_port_progress")).scalar() == 0
        db.execute(sa.text("DELETE FROM conversations"))
    engine.dispose()
    assert run_port("chat_file", source, target_url) == 0
    (tmp_path / "b").mkdir()
    other, _ = chat_source(tmp_path / "b", 3)
    assert run_port("chat_file", other, target_url) == 2
    assert "holds a port of chat_file from" in capsys.readouterr().err


def test_a_source_at_another_schema_revision_is_refused(
    tmp_path: Path, target_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source, _ = chat_source(tmp_path, 1)
    engine = sa.create_engine(source)
    with engine.begin() as db:
        db.execute(sa.text("UPDATE alembic_version_chat_file SET version_num = '0000'"))
    engine.dispose()
    assert run_port("chat_file", source, target_url) == 2
    assert "schema revision '0000'" in capsys.readouterr().err
    assert run_port("chat_file", sqlite_url(tmp_path, "none"), target_url) == 2
