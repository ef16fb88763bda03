"""Client side of the soak run: a process holding many python-socketio clients.

Each client sends `sendMessage` into its group at `rate` messages/s until `deadline` (wall
clock), waits for the ack, and records every `newMessage` it receives with the latency from
the sender's emit (the send time travels in the content; one machine, one clock).
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import socketio

from tests.support.tokens import mint


@dataclass
class Results:
    acked: list[tuple[str, str, str]] = field(default_factory=list)  # (message, conv, sender)
    received: list[tuple[str, str]] = field(default_factory=list)  # (userId, messageId)
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def token(user_id: str, secret: str) -> str:
    return mint(user_id, secret, ttl=3600)


class Member:
    def __init__(self, user: str, conversation: str, results: Results, lock: threading.Lock):
        self.user, self.conversation = user, conversation
        self.results, self.lock = results, lock
        self.client = socketio.Client(reconnection=False)
        self.client.on("newMessage", self._on_message)

    def _on_message(self, data: dict[str, Any]) -> None:
        if data.get("senderId") == self.user:
            return  # the sender's own echo
        sent_at = float(str(data.get("content", "0|0")).rsplit("|", 1)[-1])
        with self.lock:
            self.results.received.append((self.user, data["messageId"]))
            self.results.latencies_ms.append((time.time() - sent_at) * 1000)

    def send_until(self, deadline: float, rate: float) -> None:
        n = 0
        time.sleep(random.uniform(0, 1 / rate))  # spread the clients over the first period
        while time.time() < deadline:
            n += 1
            body = {
                "conversationId": self.conversation,
                "type": "TEXT",
                "temporaryId": f"{self.user}-{n}",
                "content": f"{self.user[:6]}|{time.time()}",
            }
            try:
                ack = self.client.call("sendMessage", body, timeout=15)
            except Exception as exc:  # timeouts, disconnections: counted, not fatal
                with self.lock:
                    self.results.errors.append(f"socket {type(exc).__name__}")
                continue
            with self.lock:
                if isinstance(ack, dict) and ack.get("success"):
                    self.results.acked.append((ack["messageId"], self.conversation, self.user))
                else:
                    self.results.errors.append(f"ack {ack}")
            time.sleep(max(0.0, random.expovariate(rate)))


def run_clients(
    url: str,
    members: list[tuple[str, str]],
    secret: str,
    start_at: float,
    deadline: float,
    rate: float,
    drain: float,
    ready: Any,
    out: Any,
) -> None:
    """Process entry: connect every (user, conversation), send until deadline, report."""
    results, lock = Results(), threading.Lock()
    clients = [Member(u, c, results, lock) for u, c in members]
    for member in clients:
        try:
            member.client.connect(
                url,
                auth={"token": token(member.user, secret)},
                transports=["websocket"],
                wait_timeout=20,
            )
        except Exception as exc:
            results.errors.append(f"connect {type(exc).__name__}")
    ready.put(sum(m.client.connected for m in clients))
    time.sleep(max(0.0, start_at - time.time()))
    threads = [
        threading.Thread(target=m.send_until, args=(deadline, rate), daemon=True)
        for m in clients
        if m.client.connected
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=deadline - time.time() + 30)
    time.sleep(drain)
    for member in clients:
        if not member.client.connected:
            continue
        member.client.disconnect()
    out.put(results.__dict__)
