"""The `message:edited` event a participant receives after a 10 000-character message was edited
100 times (issue 23 row 4): chat_file in process on SQLite and fakeredis, both users on Socket.IO
test clients.

- edit_event_bytes_after_100_edits: bytes (compact JSON of the event's arguments, as the
  client receives them) of the 100th `message:edited`. The event carries the new text (twice:
  `content` and the old clients' `newContent`), never the history; the target is ≤ 25 000.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

import fakeredis

from services.chat_file.app import create_app
from services.chat_file.storage.stores import open_sql_stores
from tests.support.chat_app import chat_settings
from tests.support.tokens import mint
from tests.unit.chat_file.fakes import FakeProfileCache, FakeProfileSource, profile

LENGTH = 10_000
EDITS = 100


def run() -> dict[str, float | int]:
    author, reader = uuid.uuid4().hex[:24], uuid.uuid4().hex[:24]
    users = {author: profile(author, "Alice"), reader: profile(reader, "Bob")}
    with tempfile.TemporaryDirectory() as tmp:
        settings = chat_settings(Path(tmp))
        stores = open_sql_stores(f"sqlite:///{Path(tmp) / 'chat.db'}")
        try:
            app = create_app(
                settings,
                stores=stores,
                redis=fakeredis.FakeRedis(),
                cache=FakeProfileCache(),
                auth_client=FakeProfileSource(users),
            )
            return {"edit_event_bytes_after_100_edits": _last_edit_event(app, author, reader)}
        finally:
            stores.close()


def _last_edit_event(app: Any, author: str, reader: str) -> int:
    socketio = app.extensions["socketio"]
    secret = app.extensions["chat"].settings.jwt_secret
    writer = socketio.test_client(app, auth={"token": mint(author, secret)})
    other = socketio.test_client(app, auth={"token": mint(reader, secret)})
    text = "x" * LENGTH
    sent = writer.emit("sendMessage", {"receiverId": reader, "content": text}, callback=True)
    message_id = sent["messageId"]
    sizes: list[int] = []
    for n in range(EDITS):
        edited = f"{n:05d}{text[5:]}"
        ack = writer.emit(
            "editMessage", {"messageId": message_id, "newContent": edited}, callback=True
        )
        assert ack.get("success"), ack
        for event in other.get_received():
            if event["name"] == "message:edited":
                sizes.append(len(json.dumps(event["args"], separators=(",", ":"))))
    writer.disconnect()
    other.disconnect()
    assert len(sizes) == EDITS, f"{len(sizes)} message:edited received"
    return sizes[-1]
