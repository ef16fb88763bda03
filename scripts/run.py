"""`make run`: both services under gunicorn on embedded defaults, demo users seeded.

The push worker (`services.chat_file.push_worker`) runs beside chat_file.
Redis: `REDIS_URL` if set; else the server on 127.0.0.1:6379; else a `redis-server` started here;
else an embedded in-process Redis (fakeredis over TCP) with a warning. Database: `DATABASE_URL`
if set (PostgreSQL, MongoDB...), else durable SQLite files `var/auth_user.db` and
`var/chat_file.db` (under `VAR_DIR` if set): accounts and messages survive a restart. Ctrl-C
stops everything. `APP_ENV` is `development` unless set: the services refuse the public
development secrets and the demo users otherwise.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
LOCAL_REDIS = os.environ.get("RUN_LOCAL_REDIS_URL", "redis://127.0.0.1:6379/0")
EMBEDDED_REDIS_PORT = int(os.environ.get("RUN_EMBEDDED_REDIS_PORT", "6390"))
DEMO_PASSWORD = "Ngomna2026!"


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def ensure_redis(children: list[subprocess.Popen[bytes]]) -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if _answers(LOCAL_REDIS):
        return LOCAL_REDIS
    if shutil.which("redis-server") and LOCAL_REDIS.startswith("redis://127.0.0.1:6379"):
        print("Starting redis-server on 127.0.0.1:6379 (nothing persisted)")
        children.append(
            subprocess.Popen(
                ["redis-server", "--bind", "127.0.0.1", "--port", "6379", "--save", ""],
                stdout=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        for _ in range(50):
            if _answers(LOCAL_REDIS):
                return LOCAL_REDIS
            time.sleep(0.1)
    from fakeredis import TcpFakeServer

    server = TcpFakeServer(("127.0.0.1", EMBEDDED_REDIS_PORT), server_type="redis")
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(
        f"WARNING: no Redis server found; using an embedded in-process Redis (fakeredis) on port "
        f"{EMBEDDED_REDIS_PORT}. Install redis-server (apt-get install redis-server) for real use."
    )
    return f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"


def start(service: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT,
        env={**os.environ, **env, "SERVICE": service},
        start_new_session=True,
    )


def start_push_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """chat_file's push worker (offline notifications), on the same settings as chat_file."""
    return subprocess.Popen(
        [sys.executable, "-m", "services.chat_file.push_worker"],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"service behind {url} exited with {proc.returncode}")
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not become healthy in {timeout}s")


def stop_all(children: list[subprocess.Popen[bytes]]) -> None:
    for proc in reversed(children):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
    for proc in children:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def banner(auth_url: str, chat_url: str) -> None:
    var = os.environ.get("VAR_DIR", "var")
    data = (
        os.environ.get("DATABASE_URL") and "DATABASE_URL"
    ) or f"{var}/auth_user.db, {var}/chat_file.db"
    print(
        f"""
ngomna chat is running.
  auth_user  {auth_url}   admin console: {auth_url}/admin/console/ (ADMIN001)
  chat_file  {chat_url}   web console: {chat_url}/   API docs: /docs on both
  push       worker running (Web Push needs VAPID_PRIVATE_KEY: see docs/push.md)
  data       {data} (kept across restarts)

Demo users (password {DEMO_PASSWORD}): ADMIN001 (admin), MAT1001, MAT1002, MAT1003, MAT1004

  curl -s -X POST {auth_url}/login -H 'Content-Type: application/json' \\
       -d '{{"matricule":"MAT1001","password":"{DEMO_PASSWORD}"}}'
  curl -s {auth_url}/<id from the login answer> -H 'Authorization: Bearer <accessToken>'

Ctrl-C stops everything.""",
        flush=True,
    )


def _given(*names: str) -> dict[str, str]:
    return {n: os.environ[n] for n in names if os.environ.get(n)}


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main() -> int:
    children: list[subprocess.Popen[bytes]] = []
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        redis_url = ensure_redis(children)
        auth_port = os.environ.get("AUTH_USER_SERVICE_PORT", "8001")
        chat_port = os.environ.get("CHAT_FILE_SERVICE_PORT", "8003")
        auth_url = f"http://127.0.0.1:{auth_port}"
        # development secrets and demo users: allowed only with APP_ENV given explicitly
        app_env = os.environ.get("APP_ENV") or "development"
        common = {"APP_ENV": app_env, "REDIS_URL": redis_url, "AUTH_USER_SERVICE_URL": auth_url}
        origins = f"http://127.0.0.1:{chat_port},http://localhost:{chat_port}"
        auth_env = {"SEED_DEMO_USERS": "true", "CORS_ALLOWED_ORIGINS": origins}
        auth = start("auth_user", {**common, **auth_env, **_given("CORS_ALLOWED_ORIGINS")})
        children.append(auth)
        wait_healthy(auth_url, auth)
        chat_url = f"http://127.0.0.1:{chat_port}"
        chat = start("chat_file", common)
        children.append(chat)
        wait_healthy(chat_url, chat)
        children.append(start_push_worker(common))
        banner(auth_url, chat_url)
        while all(proc.poll() is None for proc in children):
            time.sleep(0.5)
        print("a service stopped; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
        return 0
    finally:
        stop_all(children)


if __name__ == "__main__":
    sys.exit(main())
