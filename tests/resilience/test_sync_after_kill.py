"""Offline-first sync across killed chat_file processes (issue 27).

Bob's client keeps a model of his group conversation (each message's content, deletion, edit
and reactions; his unread count), built from a fresh load and then only from what the server
tells it: live socket events (each with his `seq`) and `GET /sync` from his last `seq`. The
process his socket is on is SIGKILLed; while he is away Alice sends, edits, reacts and deletes
through another process, which is itself SIGKILLed between two writes and restarted. After one
sync his model equals a fresh load, the numbers he received have no gap and no repeat.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.e2e.realtime_support import everyone_exists
from tests.support.servers import ServiceProcess

from .support import Device, chat_env, kill_process_group, new_user, token_for

pytestmark = pytest.mark.e2e


def call(method: str, url: str, user: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    response = requests.request(method, url, headers=headers, timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()["data"]


class ClientModel:
    """What Bob's client knows of one conversation, changed only by what it is told."""

    def __init__(self, user: str, conversation_id: str) -> None:
        self.user, self.conversation_id = user, conversation_id
        self.messages: dict[str, tuple[str, bool, bool, tuple[tuple[str, str], ...]]] = {}
        self.unread = 0
        self.seqs: list[int] = []

    @staticmethod
    def shape(message: dict[str, Any]) -> tuple[str, bool, bool, tuple[tuple[str, str], ...]]:
        reactions = tuple(sorted((r["userId"], r["emoji"]) for r in message["reactions"]))
        return (message["content"], bool(message["deleted"]), bool(message["edited"]), reactions)

    def load(self, base: str) -> ClientModel:
        """A fresh load: the history and the conversation list."""
        path = f"{base}/messages?conversationId={self.conversation_id}&limit=100"
        page = call("GET", path, self.user)
        self.messages = {m["id"]: self.shape(m) for m in page["messages"]}
        listed = call("GET", f"{base}/conversations", self.user)["conversations"]
        (mine,) = [c for c in listed if c["id"] == self.conversation_id]
        self.unread = int(mine["unreadCount"])
        return self

    def apply(self, event: str, data: dict[str, Any], seq: int) -> None:
        self.seqs.append(seq)
        if data.get("conversationId") != self.conversation_id:
            return
        if event == "newMessage" and data["senderId"] != self.user:
            self.unread += 1
        if event in {"newMessage", "message:deleted"} and "reactions" in data:
            self.messages[data["id"]] = self.shape(data)
        elif event == "message:edited":  # the new text only, not the whole message (#23 row 4)
            content, deleted, _, reactions = self.messages[data["messageId"]]
            self.messages[data["messageId"]] = (data["newContent"], deleted, True, reactions)
        elif event == "message:reaction":  # the change only (#23 row 5)
            content, deleted, edited, reactions = self.messages[data["messageId"]]
            mine = {(data["userId"], data["emoji"])}
            kept = set(reactions) | mine if data["action"] == "add" else set(reactions) - mine
            self.messages[data["messageId"]] = (content, deleted, edited, tuple(sorted(kept)))
        if event == "conversation:read" and data["userId"] == self.user:
            self.unread = int(data["unreadCount"])

    def same_as(self, other: ClientModel) -> bool:
        return (self.messages, self.unread) == (other.messages, other.unread)


@pytest.fixture
def auth_url() -> Iterator[str]:
    """auth_user as a stand-in that knows every id (a group's members must exist)."""
    with everyone_exists() as url:
        yield url


def test_after_a_sync_the_client_equals_a_fresh_load_across_killed_processes(
    redis_url: str, key_prefix: str, auth_url: str
) -> None:
    env = chat_env(
        redis_url, key_prefix, SOCKETIO_MESSAGE_QUEUE=redis_url, AUTH_USER_SERVICE_URL=auth_url
    )
    first, second = ServiceProcess("chat_file", env), ServiceProcess("chat_file", env)
    first.start()
    second.start()
    alice, bob = new_user(), new_user()
    device = Device(bob, reconnection=False)
    try:
        group = {"type": "GROUP", "name": "Équipe", "members": [bob]}
        cid = call("POST", f"{second.url}/conversations", alice, json=group)["id"]

        def send(base: str, text: str) -> str:
            body = {"conversationId": cid, "content": text}
            return str(call("POST", f"{base}/messages", alice, json=body)["id"])

        model = ClientModel(bob, cid).load(first.url)
        token = call("GET", f"{first.url}/sync", bob)["next"]
        device.connect(first.url)
        live = [send(second.url, f"m{i}") for i in range(3)]
        for message_id in live:
            data = device.wait("newMessage", lambda d, m=message_id: d["id"] == m)
            model.apply("newMessage", data, data["seq"])
        assert model.seqs == list(range(int(token) + 1, int(token) + 4))  # his numbers, in order

        kill_process_group(first.proc, signal.SIGKILL)  # Bob's process: he is offline
        first.proc.wait(timeout=5)  # type: ignore[union-attr]
        away = [send(second.url, f"a{i}") for i in range(2)]
        call("PUT", f"{second.url}/messages/{live[0]}", alice, json={"content": "m0 corrigé"})
        call("POST", f"{second.url}/messages/{live[1]}/reactions", alice, json={"emoji": "👍"})
        kill_process_group(second.proc, signal.SIGKILL)  # between two writes
        second.proc.wait(timeout=5)  # type: ignore[union-attr]
        second.start()
        call("DELETE", f"{second.url}/messages/{live[2]}?scope=everyone", alice)
        call("PUT", f"{second.url}/messages/{away[0]}", alice, json={"content": "a0 corrigé"})
        send(second.url, "après")

        since = str(model.seqs[-1])
        while True:  # small pages: the client follows `next` while `hasMore`
            page = call("GET", f"{second.url}/sync?since={since}&limit=2", bob)
            for change in page["changes"]:
                model.apply(change["event"], change["data"], change["seq"])
            since = page["next"]
            if not page["hasMore"]:
                break
        assert model.seqs == list(range(model.seqs[0], model.seqs[0] + len(model.seqs)))
        fresh = ClientModel(bob, cid).load(second.url)
        assert model.same_as(fresh), (model.messages, model.unread, fresh.messages, fresh.unread)
        assert fresh.messages[live[2]][1] and fresh.messages[away[0]][0] == "a0 corrigé"
        assert call("GET", f"{second.url}/sync?since={since}", bob)["changes"] == []
    finally:
        device.close()
        first.stop()
        second.stop()
