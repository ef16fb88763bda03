"""Porting the Mongo backend (mongomock here; a real MongoDB when `MONGODB_URI` is set) into
PostgreSQL: the documents become the SQL adapters' rows and users see the same thing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mongomock
import pytest
import sqlalchemy as sa

from libs.servicekit.port_sources import MongoSource
from libs.servicekit.sql import create_sql_engine
from libs.servicekit.sql_port import TableReport, port
from scripts.port_db import main
from services.auth_user.infrastructure import port as auth_port
from services.chat_file.storage import port as chat_port
from services.chat_file.storage.port import copy_gridfs_files
from tests.security.conftest import bearer
from tests.support.databases import require_mongodb

from .conftest import MakeStack
from .world import fill, view


@pytest.mark.parametrize("service", [auth_port, chat_port], ids=["auth_user", "chat_file"])
def test_every_sql_table_has_a_mapping_from_the_mongo_documents(service: Any) -> None:
    """A table added to the metadata fails here until port.py says where its rows come from."""
    tables, mapping = service.port_spec().metadata.tables, service.mongo_tables()
    assert set(mapping) == set(tables)
    for name, source in mapping.items():
        table = tables[name]
        serial = table.autoincrement_column
        required = {
            c.name
            for c in table.columns
            if not c.nullable and c.server_default is None and c is not serial
        }
        assert required <= set(source.columns) <= {c.name for c in table.columns}, name


@pytest.fixture(params=["mongomock", "mongodb"])
def mongo(request: pytest.FixtureRequest) -> Iterator[Any]:
    """One database holding both services' collections (their names do not overlap)."""
    if request.param == "mongomock":
        yield mongomock.MongoClient(tz_aware=True)[f"port_{uuid.uuid4().hex[:6]}"]
        return
    import pymongo

    client: Any = pymongo.MongoClient(require_mongodb(), tz_aware=True)
    name = f"port_{uuid.uuid4().hex[:8]}"
    yield client[name]
    client.drop_database(name)


def ported(db: Any, target_url: str) -> list[TableReport]:
    """mongomock lives in this process: the port runs through the library, not the command."""
    if not type(db).__module__.startswith("mongomock"):
        uri = require_mongodb()
        for service in ("auth_user", "chat_file"):
            argv = ["--service", service, "--from", uri, "--to", target_url]
            assert main([*argv, "--mongodb-db", db.name]) == 0
        return []
    engine = create_sql_engine(target_url)
    try:
        reports = []
        for module in (auth_port, chat_port):
            source = MongoSource(db, module.mongo_tables(), f"mongomock {db.name}")
            reports += port(source, engine, module.port_spec(), batch_size=2)
        return reports
    finally:
        engine.dispose()


def test_what_users_saw_on_mongo_they_see_on_postgresql(
    make_stack: MakeStack, mongo: Any, target_url: str
) -> None:
    before = make_stack(db=mongo)
    world = fill(before)
    seen = view(before, world)
    assert len(seen["alice search RÉUNION"]) == 2
    reports = ported(mongo, target_url)
    assert all(r.ok for r in reports), reports
    assert {r.table: r.target_rows for r in reports if r.target_rows}.keys() >= {
        "users",
        "conversations",
        "conversation_members",
        "messages",
        "message_hidden",
        "files",
        "file_conversations",
    }
    after = make_stack(target_url, target_url, seed=False)
    assert view(after, world) == seen


def test_file_bytes_kept_in_gridfs_move_to_the_files_directory(
    make_stack: MakeStack, target_url: str, tmp_path: Path
) -> None:
    db = mongomock.MongoClient(tz_aware=True)["gridfs"]
    before = make_stack(db=db, file_storage="gridfs")
    world = fill(before)
    carol = bearer(before.login(world.matricules["carol"])["accessToken"])
    listed = before.chat.get(f"/files/conversation/{world.conversations[0]}", headers=carol)
    file_id = listed.get_json()["data"]["files"][0]["id"]
    paths = [f"/files/{file_id}/download", f"/files/{file_id}/thumbnail?size=large"]
    original = [before.chat.get(path, headers=carol).data for path in paths]
    assert all(r.ok for r in ported(db, target_url))
    assert copy_gridfs_files(db, str(tmp_path / "files")) == 4  # the picture, 3 thumbnails
    assert copy_gridfs_files(db, str(tmp_path / "files")) == 0  # there already: skipped
    after = make_stack(target_url, target_url, seed=False)  # FILE_STORAGE=local
    carol = bearer(after.login(world.matricules["carol"])["accessToken"])
    assert [after.chat.get(path, headers=carol).data for path in paths] == original


class StoppedSource(MongoSource):
    """The Mongo source, interrupted (as by Ctrl-C) after two batches of messages."""

    def batches(self, table: sa.Table, after: Any, size: int) -> Iterator[Any]:
        for n, batch in enumerate(super().batches(table, after, size)):
            if table.name == "messages" and n == 2:
                raise KeyboardInterrupt
            yield batch


def test_a_mongo_port_interrupted_between_batches_resumes(
    make_stack: MakeStack, target_url: str
) -> None:
    db = mongomock.MongoClient(tz_aware=True)["interrupted"]
    fill(make_stack(db=db))
    tables, spec = chat_port.mongo_tables(), chat_port.port_spec()
    engine = create_sql_engine(target_url)
    try:
        with pytest.raises(KeyboardInterrupt):
            port(StoppedSource(db, tables, "mongomock interrupted"), engine, spec, batch_size=2)
        with engine.connect() as connection:
            count = sa.text("SELECT count(*) FROM messages")
            assert connection.execute(count).scalar() == 4  # two batches of two
        source = MongoSource(db, tables, "mongomock interrupted")
        reports = port(source, engine, spec, batch_size=2)
        by_table = {r.table: r for r in reports}
        assert all(r.ok for r in reports) and by_table["messages"].target_rows == 6
    finally:
        engine.dispose()
