"""File figures under real gunicorn (chat_file settings: one gevent worker).

- upload_10mb_peak_rss_mb: the worker's peak RSS growth while it receives a 10 MB upload
  (peak reset through /proc/<pid>/clear_refs, then VmHWM - VmRSS before). Streaming keeps
  this far below the file size.
- download_10mb_vs_sendfile: our ranged/authorised download's throughput divided by a bare
  Flask `send_file` route serving the same bytes from the same disk, same gunicorn settings,
  measured in interleaved rounds.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from flask import Flask, send_file

from tests.support.servers import GUNICORN, ROOT, ServiceProcess
from tests.support.tokens import mint

SECRET = "bench-files-secret-0123456789abcdef-0123"
USER_ID = "b" * 24
SIZE = 10 * 1024 * 1024
ROUNDS = 5
DOWNLOADS_PER_ROUND = 6
BASELINE_APP = "bench.files:sendfile_app()"


def sendfile_app() -> Flask:
    """The baseline: a bare `send_file` of BENCH_SENDFILE_PATH (gunicorn factory syntax)."""
    app = Flask("bench_sendfile")
    path = os.environ["BENCH_SENDFILE_PATH"]

    @app.get("/health")
    def health() -> str:
        return "ok"

    @app.get("/file")
    def serve() -> Any:
        return send_file(path, mimetype="application/pdf", as_attachment=True)

    return app


def token(secret: str = SECRET, user_id: str = USER_ID) -> str:
    return mint(user_id, secret)


def multipart(content: bytes, name: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), boundary


def worker_pid(master: int) -> int:
    for _ in range(50):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise RuntimeError("no gunicorn worker")


def status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def upload(url: str, content: bytes, name: str) -> dict[str, Any]:
    body, boundary = multipart(content, name)
    response = requests.post(
        f"{url}/files/upload",
        data=body,
        headers={
            "Authorization": f"Bearer {token()}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
        timeout=60,
    )
    response.raise_for_status()
    data: dict[str, Any] = response.json()["data"]
    return data


def peak_rss_growth_mb(server: ServiceProcess, content: bytes) -> float:
    assert server.proc is not None
    pid = worker_pid(server.proc.pid)
    upload(server.url, content[: 256 * 1024], "warmup.pdf")  # imports, buffers, first request
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = status_kb(pid, "VmRSS")
    upload(server.url, content, "big.pdf")
    return round((status_kb(pid, "VmHWM") - before) / 1024, 2)


def throughput_mb_s(session: requests.Session, url: str, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    for _ in range(DOWNLOADS_PER_ROUND):
        with session.get(url, headers=headers, stream=True, timeout=60) as response:
            response.raise_for_status()
            got = sum(len(c) for c in response.iter_content(1024 * 1024))
            assert got == SIZE, got
    return DOWNLOADS_PER_ROUND * SIZE / (time.perf_counter() - started) / 1e6


def run() -> dict[str, float | int]:
    content = b"%PDF-1.4\n" + os.urandom(SIZE - 9)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            "APP_ENV": "test",
            "JWT_SECRET": SECRET,
            "FILE_STORAGE": "local",
            "FILES_DIR": tmp,
            "ACCESS_LOG": "/dev/null",
            "LOG_LEVEL": "warning",
        }
        ours = ServiceProcess("chat_file", env=env).start()
        baseline: ServiceProcess | None = None
        try:
            rss = peak_rss_growth_mb(ours, content)
            file_id = upload(ours.url, content, "bench.pdf")["id"]
            stored = Path(tmp) / file_id[:2] / file_id
            baseline = ServiceProcess(
                "chat_file",
                env={**env, "BENCH_SENDFILE_PATH": str(stored)},
                argv=[str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), BASELINE_APP],
            ).start()
            session = requests.Session()
            auth = {"Authorization": f"Bearer {token()}"}
            ratios, ours_speeds = [], []
            for _ in range(ROUNDS):
                mine = throughput_mb_s(session, f"{ours.url}/files/{file_id}/download", auth)
                bare = throughput_mb_s(session, f"{baseline.url}/file", {})
                ratios.append(mine / bare)
                ours_speeds.append(mine)
        finally:
            ours.stop()
            if baseline is not None:
                baseline.stop()
    return {
        "upload_10mb_peak_rss_mb": rss,
        "download_10mb_mb_per_s": round(statistics.median(ours_speeds), 1),
        "download_10mb_vs_sendfile": round(statistics.median(ratios), 3),
    }


if __name__ == "__main__":
    print(run(), file=sys.stdout)
