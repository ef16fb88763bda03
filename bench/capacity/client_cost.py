"""Which client holds the capacity run's sockets: the cost of one socket, measured here.

    python -m bench.capacity.client_cost [--sockets 2000] [--messages 20]

The same bare python-socketio server (`bench.realtime.raw_app`, gunicorn gevent) serves two
probes in turn, each a single process (so a single core):
- `node`: the official socket.io client (npm `socket.io-client`, `bench/capacity/probe.js`);
- `python`: python-socketio's asyncio client (`socketio.AsyncClient`, aiohttp underneath, one
  shared aiohttp session, as a load generator would use it).
Each opens `--sockets` WebSocket connections, reports the CPU time and resident memory they
added to the process (its start-up and imports are not counted), then receives `--messages`
broadcasts of a `newMessage`-sized payload on every socket. Printed per probe: CPU ms and kB of
memory per connected socket, CPU µs per delivery, and how long the deliveries took to drain
after the last broadcast (a client that lags adds its own queueing to every latency it
measures). Why the harness uses the Node client: docs/capacity.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import socketio

from bench.realtime import _view_like, start_raw_server

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1000


async def _python_probe(url: str, count: int, messages: int) -> None:
    """The asyncio client's probe (run in its own process): same protocol as probe.js."""
    import aiohttp

    expected = count * messages
    received = 0
    done = asyncio.Event()
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))  # no pool cap
    clients: list[socketio.AsyncClient] = []

    def report(phase: str) -> None:
        connected = sum(c.connected for c in clients)
        line = {
            "phase": phase,
            "sockets": connected,
            "received": received,
            "cpuMs": _cpu_ms(),
            "rssMb": _rss_mb(),
        }
        print(json.dumps(line), flush=True)

    async def on_message(_data: Any) -> None:
        nonlocal received
        received += 1
        if received == expected:
            done.set()

    async def open_one(n: int) -> None:
        client = socketio.AsyncClient(reconnection=False, http_session=session)
        client.on("newMessage", on_message)
        clients.append(client)
        await client.connect(url, auth={"userId": f"u{n}"}, transports=["websocket"])

    report("started")
    for start in range(0, count, 50):
        await asyncio.gather(*(open_one(n) for n in range(start, min(count, start + 50))))
    report("connected")
    await done.wait()
    report("received")
    await asyncio.gather(*(c.disconnect() for c in clients))
    await session.close()


def _probe_command(kind: str) -> list[str]:
    if kind == "node":
        node = shutil.which("node")
        if node is None:
            raise SystemExit("node is not installed")
        return [node, str(HERE / "probe.js")]
    return [sys.executable, "-m", "bench.capacity.client_cost", "--probe"]


def measure(kind: str, url: str, sockets: int, messages: int) -> dict[str, float]:
    env = {
        **os.environ,
        "PROBE_URL": url,
        "PROBE_SOCKETS": str(sockets),
        "PROBE_MESSAGES": str(messages),
    }
    started = time.perf_counter()
    proc = subprocess.Popen(
        _probe_command(kind), cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    before = json.loads(proc.stdout.readline() or "{}")
    connected = json.loads(proc.stdout.readline() or "{}")
    if connected.get("sockets") != sockets:
        proc.kill()
        raise RuntimeError(f"{kind} probe connected {connected.get('sockets')} of {sockets}")
    connect_s = time.perf_counter() - started
    _broadcast(url, sockets, messages)
    broadcast_done = time.perf_counter()
    received = json.loads(proc.stdout.readline() or "{}")
    drained_s = time.perf_counter() - broadcast_done
    proc.wait(timeout=60)
    deliveries = sockets * messages
    return {
        "connect_s": round(connect_s, 2),
        "cpu_ms_per_socket": round((connected["cpuMs"] - before["cpuMs"]) / sockets, 3),
        "kb_per_socket": round((connected["rssMb"] - before["rssMb"]) * 1024 / sockets, 1),
        "cpu_us_per_delivery": round(
            (received["cpuMs"] - connected["cpuMs"]) * 1000 / deliveries, 1
        ),
        "drain_after_last_broadcast_s": round(drained_s, 2),
    }


def _broadcast(url: str, sockets: int, messages: int) -> None:
    """`messages` emits of one chat-sized payload to every probe socket's room, each acked."""
    sender = socketio.Client(reconnection=False)
    sender.connect(url, auth={"userId": "sender"}, transports=["websocket"])
    members = [f"u{n}" for n in range(sockets)]
    try:
        for seq in range(messages):
            payload = _view_like("sender", seq, f"probe {seq}")
            sender.call("sendMessage", {"members": members, "payload": payload}, timeout=60)
    finally:
        sender.disconnect()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity.client_cost")
    parser.add_argument("--sockets", type=int, default=2000)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--probe", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        env = os.environ
        asyncio.run(
            _python_probe(env["PROBE_URL"], int(env["PROBE_SOCKETS"]), int(env["PROBE_MESSAGES"]))
        )
        return 0
    server = start_raw_server()
    try:
        for kind in ("node", "python"):
            figures = measure(kind, server.url, args.sockets, args.messages)
            print(kind, json.dumps(figures), flush=True)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
