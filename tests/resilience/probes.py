"""Background clients that keep using the services while a fault happens, recording every
answer: socket senders (acknowledged messages by id) and request loops (status and code)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
import socketio

from .support import token_for


@dataclass
class Loop:
    """Calls `attempt` until stopped; `attempt` returns a label ("200", "503 STORE_UNAVAILABLE")."""

    attempt: Callable[[], str]
    outcomes: Counter[str] = field(default_factory=Counter)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> Loop:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=20)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                label = self.attempt()
            except (requests.RequestException, socketio.exceptions.SocketIOError) as exc:
                label = type(exc).__name__
            self.outcomes[label] += 1
            time.sleep(0.02)


def answer(response: requests.Response) -> str:
    """ "200", or "503 STORE_UNAVAILABLE": the status and the JSON error code, if any."""
    if response.status_code < 400:
        return str(response.status_code)
    try:
        code = response.json().get("code", "?")
    except ValueError:
        code = "not JSON"
    return f"{response.status_code} {code}"


def http_reads(url: str, user: str) -> Loop:
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    return Loop(lambda: answer(requests.get(f"{url}/conversations", headers=headers, timeout=10)))


def logins(url: str, matricule: str, password: str) -> Loop:
    body = {"matricule": matricule, "password": password}
    return Loop(lambda: answer(requests.post(f"{url}/login", json=body, timeout=10)))


class SocketSender:
    """One python-socketio client sending `sendMessage` with an ack, in a loop."""

    def __init__(self, url: str, sender: str, receiver: str) -> None:
        self.acked: dict[str, str] = {}  # messageId -> conversationId
        self.sender, self.receiver = sender, receiver
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2)
        self.client.connect(url, auth={"token": token_for(sender)}, transports=["websocket"])
        self.loop = Loop(self._send)
        self._n = 0

    def start(self) -> SocketSender:
        self.loop.start()
        return self

    def stop(self) -> None:
        self.loop.stop()
        self.client.disconnect()

    def _send(self) -> str:
        self._n += 1
        body = {
            "receiverId": self.receiver,
            "content": f"socket-{self._n}",
            "type": "TEXT",
            "temporaryId": f"{self.sender}-socket-{self._n}",
        }
        ack = self.client.call("sendMessage", body, timeout=15)
        if ack.get("success"):
            self.acked[ack["messageId"]] = ack["result"]["conversationId"]
            return "ack"
        return f"refused {ack.get('code')}"
