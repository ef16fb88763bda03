"""Socket fan-out: one sender, a group of 50 members each with a connected socket client.

Two servers measured in the same run with the same clients and payloads:
- chat_file under gunicorn gevent: `sendMessage` is validated, membership-checked, persisted,
  then `newMessage` goes to the 50 members' `user_<id>` rooms;
- a bare python-socketio server (gunicorn gevent, `raw_app()` below) that emits the same
  payload to the same rooms and does nothing else.
Receivers live in a few separate processes (spawned) so the client side is not one GIL.

ROUNDS paired rounds, interleaved: pair i runs raw then chat_file, or chat_file then raw (ABBA),
so drift in the machine's load falls on both sides. Each chat_file round is a new process on a
fresh PostgreSQL database of its own (explicit DATABASE_URL: never a file left by an earlier
run), the group created anew. Figures, each the median over the rounds:
- socket_fanout_50_deliveries_per_s / socket_fanout_50_raw_deliveries_per_s: deliveries (one
  message reaching one member) per second, deliveries / (last delivery - first send);
- socket_fanout_50_p50_ms / socket_fanout_50_p99_ms: from the sender's emit to each delivery;
- socket_fanout_50_vs_raw: the median of the per-pair ratios chat_file / raw.
The sender keeps WINDOW sends in flight, so the latencies are measured at saturation (they
include queueing in the server and in the receiver processes), not on an idle system.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import redis
import socketio

from libs.usercache import UserCache
from services.chat_file.kernel.limits import user_limits_off_env
from tests.support.databases import postgres_database
from tests.support.servers import GUNICORN, ServiceProcess
from tests.support.tokens import mint

MEMBERS = 50
CLIENT_PROCESSES = 5
MESSAGES = int(os.environ.get("BENCH_FANOUT_MESSAGES", "200"))
ROUNDS = int(os.environ.get("BENCH_FANOUT_ROUNDS", "3"))
WINDOW = 16  # sends in flight at once
SECRET = "bench-realtime-secret-0123456789abcdef-0123456789"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
ROOT = Path(__file__).resolve().parents[1]


def raw_app() -> Any:
    """The baseline server (`gunicorn -k gevent 'bench.realtime:raw_app()'`)."""
    sio = socketio.Server(async_mode="gevent")

    @sio.event
    def connect(sid: str, environ: dict[str, Any], auth: dict[str, Any]) -> None:
        sio.enter_room(sid, f"user_{auth['userId']}")

    @sio.on("sendMessage")
    def send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        rooms = [f"user_{m}" for m in data["members"]]
        sio.emit("newMessage", data["payload"], to=rooms)
        return {"success": True}

    def health(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    return socketio.WSGIApp(sio, health)


def _token(user_id: str) -> str:
    return mint(user_id, SECRET, ttl=3600)


def _receivers(url: str, users: list[str], raw: bool, expected: int, ready: Any, out: Any) -> None:
    """Child process: one client per user; sends back the latency (s) of every delivery."""
    latencies: list[float] = []
    last = [0.0]
    lock = threading.Lock()
    done = threading.Event()
    clients = []
    for user in users:
        client = socketio.Client(reconnection=False)

        @client.on("newMessage")
        def on_message(data: dict[str, Any]) -> None:
            now = time.time()
            sent = float(data["content"].rsplit(" ", 1)[1])
            with lock:
                latencies.append(now - sent)
                last[0] = now
                if len(latencies) >= expected:
                    done.set()

        auth = {"userId": user} if raw else {"token": _token(user)}
        client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
        clients.append(client)
    ready.put(len(clients))
    done.wait(timeout=120)
    out.put((latencies, last[0]))
    for client in clients:
        client.disconnect()


def _fan_out(url: str, sender: str, members: list[str], raw: bool) -> dict[str, float]:
    ctx = multiprocessing.get_context("spawn")
    ready, out = ctx.Queue(), ctx.Queue()
    chunks = [members[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
    procs = [
        ctx.Process(target=_receivers, args=(url, chunk, raw, MESSAGES * len(chunk), ready, out))
        for chunk in chunks
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=60)
    client = socketio.Client(reconnection=False)
    auth = {"userId": sender} if raw else {"token": _token(sender)}
    client.connect(url, auth=auth, transports=["websocket"], wait_timeout=10)
    target = _target(client, sender, members, raw)
    started = _send_all(client, target, raw, members)
    results = [out.get(timeout=150) for _ in procs]
    client.disconnect()
    for proc in procs:
        proc.join(timeout=10)
    latencies = [lat for lats, _ in results for lat in lats]
    finished = max(end for _, end in results)
    ordered = sorted(latencies)
    return {
        "msgs_per_s": len(latencies) / (finished - started),
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "delivered": len(latencies),
    }


def _target(client: socketio.Client, sender: str, members: list[str], raw: bool) -> str:
    if raw:
        return "raw"
    ack = client.call("createGroup", {"name": "bench fan-out", "members": members}, timeout=10)
    if not ack or not ack.get("success"):
        raise RuntimeError(f"createGroup failed: {ack}")
    return str(ack["conversation"]["id"])


def _view_like(sender: str, seq: int, content: str) -> dict[str, Any]:
    """What the raw server sends: a payload of the shape and size of chat_file's `newMessage`
    (the message view of docs/api-contract.md), so both servers write the same bytes."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    message_id = f"{seq:024x}"
    return {
        "id": message_id,
        "messageId": message_id,
        "conversationId": "0" * 24,
        "senderId": sender,
        "senderName": f"{sender[:6]} Membre",
        "senderAvatar": None,
        "content": content,
        "type": "TEXT",
        "status": "SENT",
        "fileId": None,
        "file": None,
        "replyTo": None,
        "temporaryId": f"b{seq}",
        "timestamp": stamp,
        "createdAt": stamp,
        "edited": False,
        "editedAt": None,
        "deleted": False,
        "reactions": [],
        "mentions": [],
        "deliveredTo": {},
        "readBy": {},
    }


def _send_all(
    client: socketio.Client, conversation_id: str, raw: bool, members: list[str]
) -> float:
    window = threading.BoundedSemaphore(WINDOW)
    errors: list[Any] = []

    def acked(ack: Any = None) -> None:
        if not ack or not ack.get("success"):
            errors.append(ack)
        window.release()

    started = time.time()
    for seq in range(MESSAGES):
        window.acquire()
        content = f"bench {seq} {time.time():.6f}"
        if raw:
            payload = _view_like(members[0], seq, content)
            data: dict[str, Any] = {"members": members, "payload": payload}
        else:
            data = {"conversationId": conversation_id, "content": content, "type": "TEXT"}
            data["temporaryId"] = f"b{seq}"
        client.emit("sendMessage", data, callback=acked)
    for _ in range(WINDOW):
        window.acquire()
    if errors:
        raise RuntimeError(f"{len(errors)} sends refused, first: {errors[0]}")
    return started


def _chat_server(prefix: str, database_url: str) -> ServiceProcess:
    return ServiceProcess(
        "chat_file",
        {
            "APP_ENV": "test",
            "JWT_SECRET": SECRET,
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_URL,
            "REDIS_KEY_PREFIX": prefix,
            "USER_CACHE_PREFIX": f"{prefix}user:profile:",
            "AUTH_USER_SERVICE_URL": "http://127.0.0.1:9",
            "CHAT_ASYNC_MODE": "gevent",
            "SOCKET_SEND_RATE": "0",
            **user_limits_off_env(),  # the per-user limits too (#23)
            "ACCESS_LOG": "/dev/null",
            "LOG_LEVEL": "warning",
        },
    )


def start_raw_server() -> ServiceProcess:
    """`raw_app()` under gunicorn's gevent worker, one process, on a free port, room for
    10 000 sockets (gunicorn's default is 1 000 connections a worker)."""
    raw = ServiceProcess("bench_raw", {"ACCESS_LOG": ""})
    raw.argv = [
        str(GUNICORN), "-c", "python:bench", "-k", "gevent", "-w", "1", "--no-control-socket",
        "--worker-connections", "10000", "-b", f"127.0.0.1:{raw.port}", "bench.realtime:raw_app()",
    ]  # fmt: skip
    return raw.start()


def _chat_round(prefix: str, sender: str, members: list[str]) -> dict[str, float]:
    """chat_file started on a fresh PostgreSQL database, measured, stopped."""
    with postgres_database() as database_url:
        chat = _chat_server(prefix, database_url).start()
        try:
            return _fan_out(chat.url, sender, members, raw=False)
        finally:
            chat.stop()


def _raw_round(sender: str, members: list[str]) -> dict[str, float]:
    raw = start_raw_server()
    try:
        return _fan_out(raw.url, sender, members, raw=True)
    finally:
        raw.stop()


def run() -> dict[str, float | int]:
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    sender = uuid.uuid4().hex[:24]
    members = [uuid.uuid4().hex[:24] for _ in range(MEMBERS)]
    client = redis.Redis.from_url(REDIS_URL)
    cache = UserCache(client, prefix=f"{prefix}user:profile:")
    cache.set_many(
        [
            {"id": u, "nom": "Membre", "prenom": u[:6], "matricule": u[:8]}
            for u in [sender, *members]
        ]
    )
    chats: list[dict[str, float]] = []
    raws: list[dict[str, float]] = []
    ratios: list[float] = []
    try:
        for index in range(ROUNDS):
            if index % 2 == 0:
                raws.append(_raw_round(sender, members))
                chats.append(_chat_round(prefix, sender, members))
            else:
                chats.append(_chat_round(prefix, sender, members))
                raws.append(_raw_round(sender, members))
            ratios.append(chats[-1]["msgs_per_s"] / raws[-1]["msgs_per_s"])
            print(
                f"   round {index}: chat_file {chats[-1]['msgs_per_s']:.0f}, raw "
                f"{raws[-1]['msgs_per_s']:.0f} deliveries/s, ratio {ratios[-1]:.3f}",
                flush=True,
            )
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)

    def median(rounds: list[dict[str, float]], key: str, digits: int) -> float:
        return round(statistics.median(r[key] for r in rounds), digits)

    return {
        "socket_fanout_50_deliveries_per_s": median(chats, "msgs_per_s", 1),
        "socket_fanout_50_p50_ms": median(chats, "p50_ms", 2),
        "socket_fanout_50_p99_ms": median(chats, "p99_ms", 2),
        "socket_fanout_50_raw_deliveries_per_s": median(raws, "msgs_per_s", 1),
        "socket_fanout_50_vs_raw": round(statistics.median(ratios), 3),
    }


if __name__ == "__main__":
    print(run(), file=sys.stdout)
