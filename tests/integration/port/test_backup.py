"""The backup and restore commands of docs/storage.md, run as written there."""

from __future__ import annotations

import subprocess
from pathlib import Path

from scripts.port_db import main
from services.chat_file.infrastructure.stores import open_sql_stores
from tests.support.databases import postgres_database, sqlite_url
from tests.support.legs import require_command

from .test_port_sqlite import chat_source, history, post


def tool(name: str) -> str:
    return require_command(name, "sqlite3" if name == "sqlite3" else "postgresql-client")


def test_sqlite_online_backup_holds_what_is_still_in_the_wal(tmp_path: Path) -> None:
    source, cid = chat_source(tmp_path, 20)
    path = source.split(":///", 1)[1]
    live = open_sql_stores(source)  # a running service: its latest commits sit in the -wal file
    try:
        for n in range(5):
            post(live, cid, f"récent {n}")
        assert Path(f"{path}-wal").stat().st_size > 0
        sent = history(source, cid)
        backup = tmp_path / "backup" / "chat_file.db"
        backup.parent.mkdir()
        subprocess.run([tool("sqlite3"), path, f".backup '{backup}'"], check=True)
    finally:
        live.close()
    restored = sqlite_url(backup.parent, "chat_file")
    assert [m.id for m in history(restored, cid)] == [m.id for m in sent]
    assert len(sent) == 25


def test_pg_dump_and_pg_restore_keep_the_data_and_the_search(tmp_path: Path) -> None:
    source, cid = chat_source(tmp_path, 5)
    dump = tmp_path / "ngomna.dump"
    with postgres_database() as original, postgres_database() as restored:
        assert main(["--service", "chat_file", "--from", source, "--to", original]) == 0
        plain = [u.replace("postgresql+psycopg://", "postgresql://") for u in (original, restored)]
        subprocess.run([tool("pg_dump"), "-Fc", "-d", plain[0], "-f", str(dump)], check=True)
        load = [tool("pg_restore"), "--no-owner", "-d", plain[1], str(dump)]
        subprocess.run(load, check=True)
        back = open_sql_stores(restored)  # migrations find the schema at head: nothing to do
        try:
            found, _ = back.messages.search("ben", "MESSAGE", 10)
            assert len(found) == 5
            assert [m.id for m in history(restored, cid)] == [m.id for m in history(source, cid)]
        finally:
            back.close()
