"""Harness for the real-time e2e tests: chat_file processes in both async modes, tokens, clients."""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import redis
import requests
import socketio

from tests.support.servers import ServiceProcess
from tests.support.tokens import mint

JWT_SECRET = "e2e-realtime-secret-0123456789abcdef-0123456789"
ASYNC_MODES = ["gevent", "eventlet"]


def chat_env(prefix: str, redis_url: str, mode: str, **extra: str) -> dict[str, str]:
    return {
        "APP_ENV": "test",
        "JWT_SECRET": JWT_SECRET,
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "AUTH_USER_SERVICE_URL": "http://127.0.0.1:9",  # nobody there: names fall back
        "CHAT_ASYNC_MODE": mode,
        "TYPING_TIMEOUT": "1",
        "SOCKET_SEND_RATE": "20",  # bursts of 40
        "RATE_LIMIT_SEND": "off",  # the per-socket rate is what these tests look at
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
        **extra,
    }


def chat_process(env: Mapping[str, str]) -> ServiceProcess:
    """chat_file under gunicorn gevent, or under eventlet's server via the `serve` entry point."""
    if env.get("CHAT_ASYNC_MODE") == "eventlet":
        return ServiceProcess(
            "chat_file", env, argv=[sys.executable, "-m", "services.chat_file.serve"]
        )
    return ServiceProcess("chat_file", env)


class _Everyone(BaseHTTPRequestHandler):
    """auth_user's `POST /batch` for a harness of arbitrary ids: every id asked exists (group
    members are checked against auth_user since issue 23); no matricule does."""

    def do_POST(self) -> None:
        asked = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        users = [
            {"id": i, "nom": "E2E", "prenom": i[:6], "matricule": f"E2E{i[:6]}"}
            for i in asked.get("ids") or []
        ]
        body = json.dumps({"users": users, "count": len(users), "missing": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # /health
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        return


@contextmanager
def everyone_exists() -> Iterator[str]:
    """A stand-in auth_user for which every user id exists: its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Everyone)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def chat_servers(
    redis_url: str, mode: str, count: int = 1, **extra: str
) -> Iterator[list[ServiceProcess]]:
    """`count` chat_file processes sharing one Redis key prefix (deleted afterwards); unless
    told otherwise, their auth_user knows every id (`everyone_exists`)."""
    prefix = f"test:{uuid.uuid4().hex[:10]}:"
    started: list[ServiceProcess] = []
    with ExitStack() as stack:
        if "AUTH_USER_SERVICE_URL" not in extra:
            extra = {**extra, "AUTH_USER_SERVICE_URL": stack.enter_context(everyone_exists())}
        try:
            for _ in range(count):
                started.append(chat_process(chat_env(prefix, redis_url, mode, **extra)).start())
            yield started
        finally:
            for process in started:
                process.stop()
            client = redis.Redis.from_url(redis_url)
            keys = list(client.scan_iter(match=f"{prefix}*", count=500))
            if keys:
                client.delete(*keys)


def new_user() -> str:
    return uuid.uuid4().hex[:24]


def token_for(user_id: str, *, kind: str = "access", ttl: int = 900, **claims: Any) -> str:
    return mint(user_id, JWT_SECRET, kind=kind, ttl=ttl, **claims)


def post_message(server: ServiceProcess, sender: str, receiver: str, content: str) -> dict:
    """`POST /messages` to a private conversation (created on first use)."""
    response = requests.post(
        f"{server.url}/messages",
        json={"receiverId": receiver, "content": content, "type": "TEXT"},
        headers={"Authorization": f"Bearer {token_for(sender)}"},
        timeout=5,
    )
    assert response.status_code == 201, response.text
    return dict(response.json()["data"])


class Probe:
    """A python-socketio client that records every server event for `wait`."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.Client(reconnection=False)
        self.events: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.seen: list[tuple[str, Any]] = []
        self.connect_error: Any = None
        self.client.on("*", self._record)
        self.client.on("connect_error", self._on_connect_error)

    def _record(self, event: str, data: Any = None) -> None:
        self.events.put((event, data))

    def _on_connect_error(self, data: Any) -> None:
        self.connect_error = data.get("data") if isinstance(data, dict) else data

    def connect(self, token: str | None = None, **kwargs: Any) -> Probe:
        auth = {"token": token} if token is not None else None
        self.client.connect(self.url, auth=auth, transports=["websocket"], wait_timeout=5, **kwargs)
        return self

    def call(self, event: str, data: Any = None, timeout: float = 10) -> Any:
        return self.client.call(event, data, timeout=timeout)

    def wait(
        self, event: str, match: Callable[[Any], bool] = lambda _: True, timeout: float = 10
    ) -> Any:
        for seen_event, data in self.seen:
            if seen_event == event and match(data):
                self.seen.remove((seen_event, data))
                return data
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                seen_event, data = self.events.get(timeout=left)
            except queue.Empty:
                break
            if seen_event == event and match(data):
                return data
            self.seen.append((seen_event, data))
        raise AssertionError(f"no {event!r} within {timeout}s; got {[e for e, _ in self.seen]}")

    def quiet(self, event: str, match: Callable[[Any], bool] = lambda _: True, for_s: float = 0.5):
        """Assert that no matching `event` arrives within `for_s` seconds."""
        try:
            data = self.wait(event, match, timeout=for_s)
        except AssertionError:
            return
        raise AssertionError(f"unexpected {event!r}: {data}")

    def quiet_until(
        self,
        event: str,
        match: Callable[[Any], bool],
        marker: str,
        marker_match: Callable[[Any], bool],
        timeout: float = 10,
    ) -> Any:
        """Assert that no matching `event` arrived before the `marker` event, one the server
        sends after anything the checked action could have caused (e.g. a later message to
        this socket). The window closes on the marker, not on a timer: a slow machine cannot
        pass it by luck, and the marker proves the socket was listening. Returns the marker."""
        for seen_event, data in self.seen:
            assert not (seen_event == event and match(data)), f"unexpected {event!r}: {data}"
        start = len(self.seen)
        found = self.wait(marker, marker_match, timeout=timeout)
        for seen_event, data in self.seen[start:]:
            assert not (seen_event == event and match(data)), f"unexpected {event!r}: {data}"
        return found

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()


@contextmanager
def probes(url: str) -> Iterator[Callable[..., Probe]]:
    """`with probes(url) as connect: a = connect(token)` — every probe closed at the end."""
    opened: list[Probe] = []

    def connect(token: str | None = None) -> Probe:
        probe = Probe(url)
        opened.append(probe)
        return probe.connect(token)

    try:
        yield connect
    finally:
        for probe in opened:
            probe.close()


def send(probe: Probe, **message: object) -> dict:
    """`sendMessage` (TEXT, a fresh temporaryId) that must succeed; its ack."""
    body = {"content": "Bonjour", "type": "TEXT", "temporaryId": uuid.uuid4().hex, **message}
    ack = probe.call("sendMessage", body)
    assert ack["success"], ack
    return ack


def private_chat(a: Probe, other: str, count: int = 1) -> tuple[str, list[dict]]:
    """`count` messages m0, m1… to `other`: the private conversation id and the acks."""
    acks = [send(a, receiverId=other, content=f"m{n}") for n in range(count)]
    return str(acks[0]["result"]["conversationId"]), acks


def new_group(a: Probe, members: list[str]) -> dict:
    """`createGroup` "Équipe" that must succeed: the conversation."""
    created = a.call("createGroup", {"name": "Équipe", "members": members})
    assert created["success"], created
    return dict(created["conversation"])
