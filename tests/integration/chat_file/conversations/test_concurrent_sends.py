"""Concurrent sends on PostgreSQL, through chat_file's HTTP route in process (threads, each with
its own test client, the real SQL stores and connection pool):

- many members sending into one conversation at once: every send acknowledged is stored once,
  and the conversation's numbering has no gap and no repeat;
- one sender retrying the same temporaryId from many threads at once: one message is stored,
  and every answer names it.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask

from libs.servicekit.settings import DEV_JWT_SECRET
from services.chat_file.app import create_app
from services.chat_file.storage.stores import ChatStores
from tests.support.chat_app import chat_settings
from tests.support.tokens import bearer
from tests.unit.chat_file.fakes import FakeProfileSource

SENDERS = 8
EACH = 15
RETRIES = 12


@pytest.fixture(scope="module")
def stores(postgresql_chat_stores: ChatStores) -> ChatStores:
    """The session's PostgreSQL stores (tests/integration/chat_file/conftest.py)."""
    return postgresql_chat_stores


@pytest.fixture(scope="module")
def app(stores: ChatStores, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    settings = chat_settings(tmp_path_factory.mktemp("concurrent"), redis_url=redis_url)
    return create_app(settings, stores=stores, auth_client=FakeProfileSource(everyone=True))


def new_group(app: Flask, members: list[str]) -> str:
    created = app.test_client().post(
        "/groups",
        json={"name": "Concurrence", "members": members[1:]},
        headers=bearer(members[0], DEV_JWT_SECRET),
    )
    assert created.status_code == 201, created.get_json()
    return str(created.get_json()["data"]["id"])


def post(app: Flask, user: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = app.test_client().post(
        "/messages", json={"type": "TEXT", **body}, headers=bearer(user, DEV_JWT_SECRET)
    )
    return response.status_code, response.get_json()


def history(app: Flask, cid: str, reader: str) -> list[str]:
    ids: list[str] = []
    cursor = None
    client, headers = app.test_client(), bearer(reader, DEV_JWT_SECRET)
    while True:
        query = {"conversationId": cid, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = client.get("/messages", query_string=query, headers=headers).get_json()["data"]
        ids += [m["messageId"] for m in page["messages"]]
        if not page["hasMore"]:
            return ids
        cursor = page["nextCursor"]


def test_concurrent_senders_in_one_conversation_lose_and_repeat_nothing(
    app: Flask, stores: ChatStores
) -> None:
    members = [uuid.uuid4().hex[:24] for _ in range(SENDERS)]
    cid = new_group(app, members)
    start = threading.Barrier(SENDERS)

    def send_all(sender: str) -> list[tuple[int, dict[str, Any]]]:
        start.wait()
        return [post(app, sender, {"conversationId": cid, "content": f"{n}"}) for n in range(EACH)]

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        answers = [a for batch in pool.map(send_all, members) for a in batch]
    assert [status for status, _ in answers] == [201] * SENDERS * EACH, answers[:3]
    acked = [body["data"]["messageId"] for _, body in answers]
    stored = Counter(history(app, cid, members[0]))
    assert set(stored) == set(acked) and set(stored.values()) == {1}
    numbers = sorted(m.seq for m in (stores.messages.get(i) for i in acked) if m is not None)
    assert numbers == list(range(1, SENDERS * EACH + 1))  # no gap, no repeat
    conversation = stores.conversations.get(cid)
    assert conversation is not None and conversation.seq == SENDERS * EACH


def test_a_temporary_id_sent_from_many_threads_at_once_is_stored_once(
    app: Flask, stores: ChatStores
) -> None:
    sender, other = uuid.uuid4().hex[:24], uuid.uuid4().hex[:24]
    cid = new_group(app, [sender, other])
    start = threading.Barrier(RETRIES)
    body = {"conversationId": cid, "content": "une seule fois", "temporaryId": "retry-1"}

    def send_once(_: int) -> tuple[int, dict[str, Any]]:
        start.wait()
        return post(app, sender, body)

    with ThreadPoolExecutor(max_workers=RETRIES) as pool:
        answers = list(pool.map(send_once, range(RETRIES)))
    assert all(status in {200, 201} for status, _ in answers), answers
    named = {body["data"]["messageId"] for _, body in answers}
    assert len(named) == 1, named
    assert history(app, cid, other) == list(named)
    conversation = stores.conversations.get(cid)
    assert conversation is not None and conversation.seq == 1  # the losers took no number
