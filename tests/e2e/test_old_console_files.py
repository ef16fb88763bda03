"""Issue 24, items 8, 9 and 11 with a client written the way the old web console is (fetch,
FormData and the official socket.io client, under node) against chat_file under gunicorn:
`conversationId` after the file part, `GET /files`, and `deleteFile` over the socket."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.node import require_node
from tests.support.servers import ServiceProcess

from .realtime_support import chat_servers, new_user, token_for

pytestmark = pytest.mark.e2e

JS = Path(__file__).with_name("js")


@pytest.fixture(scope="module")
def node() -> str:
    return require_node("socket.io-client")


@pytest.fixture(scope="module")
def server(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    files_dir = str(tmp_path_factory.mktemp("console-files"))
    with chat_servers(redis_url, "gevent", FILES_DIR=files_dir) as (process,):
        yield process


def test_the_old_consoles_file_flows(node: str, server: ServiceProcess) -> None:
    alice, bob = new_user(), new_user()
    env = {
        **os.environ,
        "CHAT_URL": server.url,
        "ALICE_TOKEN": token_for(alice),
        "BOB_TOKEN": token_for(bob),
        "BOB_ID": bob,
    }
    done = subprocess.run(
        [node, "old_console_files.js"], cwd=JS, env=env, capture_output=True, text=True, timeout=90
    )
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["upload"] == {"status": 201, "conversationId": seen["conversationId"]}
    assert seen["bobReads"] == 200  # linked: the other participant reads it
    assert seen["refused"] == {"status": 404, "code": "CONVERSATION_NOT_FOUND"}
    assert seen["myFiles"] == [seen["fileId"]]
    assert seen["bobFiles"] == 0  # Bob's refused upload left nothing
    assert seen["bobDelete"] == {"ack": "FILE_DELETE_FORBIDDEN", "event": "FILE_DELETE_FORBIDDEN"}
    assert seen["aliceDelete"] == {"ack": True, "event": True}
    assert seen["afterDelete"] == 404
