"""Processes the resilience tier breaks on purpose: its own redis-server (never the shared one),
and helpers to drive chat_file over HTTP while it happens."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import requests
import socketio

from services.chat_file.kernel.limits import user_limits_off_env
from tests.support.legs import require_command
from tests.support.servers import ROOT, free_port
from tests.support.tokens import mint

JWT_SECRET = "resilience-secret-0123456789abcdef-0123456789"


@dataclass
class OwnRedis:
    """A throwaway redis-server on a free port, killed with SIGKILL at will. No persistence,
    unless `data_dir` is given: then every write is fsynced to an append-only file there and
    a restart comes back with the data (a crash, not a wipe)."""

    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    data_dir: Path | None = None
    extra_args: list[str] = field(default_factory=list)  # more redis-server options

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        binary = require_command("redis-server", "redis-server")
        log = ROOT / "var" / "test-logs" / f"redis-{self.port}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                *self._persistence(),
                "--logfile",
                str(log),
                *self.extra_args,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return self
            except redis.RedisError:
                time.sleep(0.05)
        raise RuntimeError("own redis-server did not start")

    def _persistence(self) -> list[str]:
        if self.data_dir is None:
            return ["--appendonly", "no"]
        return ["--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.data_dir)]

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=5)

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=2)


def token_for(user_id: str, ttl: int = 900) -> str:
    return mint(user_id, JWT_SECRET, ttl=ttl)


def new_user() -> str:
    return uuid.uuid4().hex[:24]


def chat_env(redis_url: str, prefix: str, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "JWT_SECRET": JWT_SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "AUTH_USER_SERVICE_URL": "http://127.0.0.1:9",
        "AUTH_USER_TIMEOUT": "1",
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
        "SOCKET_SEND_RATE": "0",
        **user_limits_off_env(),  # the per-user limits too (#23)
        **extra,
    }


@dataclass
class Traffic:
    """Background senders: each posts messages (with a temporaryId) and records the outcome."""

    url: str
    pairs: list[tuple[str, str]]
    acked: dict[str, str] = field(default_factory=dict)  # messageId -> conversationId
    conversations_by_sender: dict[str, set[str]] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Traffic:
        for sender, receiver in self.pairs:
            thread = threading.Thread(target=self._run, args=(sender, receiver), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def sent(self) -> int:
        return sum(self.statuses.values())

    def _run(self, sender: str, receiver: str) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {token_for(sender)}"}
        n = 0
        while not self._stop.is_set():
            n += 1
            body = {
                "receiverId": receiver,
                "content": f"{sender[:6]}-{n}",
                "type": "TEXT",
                "temporaryId": f"{sender}-{n}",
            }
            try:
                response = session.post(
                    f"{self.url}/messages", json=body, headers=headers, timeout=10
                )
            except requests.RequestException as exc:
                with self._lock:
                    self.statuses[0] += 1
                    self.failures.append(type(exc).__name__)
                time.sleep(0.05)
                continue
            self._record(response)
            time.sleep(0.01)

    def _record(self, response: requests.Response) -> None:
        with self._lock:
            self.statuses[response.status_code] += 1
            if response.status_code in (200, 201):
                data = response.json()["data"]
                self.acked[data["messageId"]] = data["conversationId"]
                sender = data["senderId"]
                self.conversations_by_sender.setdefault(sender, set()).add(data["conversationId"])
            else:
                self.failures.append(f"{response.status_code} {response.text[:120]}")


def history_ids(url: str, user: str, conversation_id: str) -> list[str]:
    """Every message id of a conversation, paging back to the start."""
    headers = {"Authorization": f"Bearer {token_for(user)}"}
    ids: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"conversationId": conversation_id, "limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = requests.get(f"{url}/messages", params=params, headers=headers, timeout=10)
        assert page.status_code == 200, page.text
        data = page.json()["data"]
        ids += [m["messageId"] for m in data["messages"]]
        if not data["hasMore"]:
            return ids
        cursor = data["nextCursor"]


def kill_process_group(proc: subprocess.Popen[bytes] | None, sig: int = signal.SIGKILL) -> None:
    if proc is not None and proc.poll() is None:
        os.killpg(proc.pid, sig)


class Device:
    """A reconnecting python-socketio client that records events."""

    def __init__(self, user: str, reconnection: bool = True, http_session: Any = None) -> None:
        self.user = user
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.connects = 0
        self.client = socketio.Client(
            reconnection=reconnection,
            reconnection_delay=0.2,
            reconnection_delay_max=0.5,
            http_session=http_session,
        )
        self.client.on("*", lambda event, data=None: self.events.put((event, data)))
        self.client.on("connect", self._connected)

    def _connected(self) -> None:
        self.connects += 1

    def connect(self, url: str) -> Device:
        self.client.connect(url, auth={"token": token_for(self.user)}, transports=["websocket"])
        return self

    def wait(self, event: str, match: Any = lambda _d: True, timeout: float = 8.0) -> Any:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                name, data = self.events.get(timeout=left)
            except queue.Empty:
                break
            if name == event and match(data):
                return data
        raise AssertionError(f"{self.user[:6]}: no {event} in {timeout}s")

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


def wait_for(predicate: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met in time")
