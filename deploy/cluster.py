"""Run ngomna chat on one machine behind nginx: N chat_file processes, auth_user, nginx.

    python -m deploy.cluster --chat-processes 3 --auth-workers 4 --listen-port 8080

Every process inherits the caller's environment (APP_ENV, JWT_SECRET, REDIS_URL, DATABASE_URL,
FILE_STORAGE, MAX_UPLOAD_BYTES...) plus its own BIND, and TRUSTED_PROXY_HOPS=1 unless set (the
services believe the client address nginx forwards, and no other). The chat_file processes
share SOCKETIO_MESSAGE_QUEUE (REDIS_URL unless it is set). nginx runs in the foreground as a
child, its configuration rendered from deploy/nginx.conf.template into --run-dir, where its
pid, logs and temporary files also go. Ctrl-C or SIGTERM stops everything; so does any child
dying. With `--pgbouncer` (and a PostgreSQL DATABASE_URL), PgBouncer in transaction mode
starts first and the services reach PostgreSQL through it (deploy/pgbouncer.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deploy.pgbouncer import (
    PgBouncerConfig,
    pgbouncer_command,
    service_env,
    write_pgbouncer_config,
)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
MULTIPART_OVERHEAD = 64 * 1024  # as services/chat_file/files/http/routes.py allows
DEFAULT_MAX_UPLOAD = 25 * 1024 * 1024
STICKY = {"cookie": "hash $chat_route consistent;", "ip_hash": "ip_hash;"}


@dataclass(frozen=True)
class ProxyConfig:
    """What the nginx template needs: where it listens, the backends, limits and paths."""

    listen: str
    chat_ports: Sequence[int]
    auth_ports: Sequence[int]
    run_dir: Path
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD
    sticky: str = "cookie"  # or "ip_hash"
    expose_upstream: bool = False  # X-Upstream response header (tests, debugging)
    backend_host: str = "127.0.0.1"

    def servers(self, ports: Sequence[int]) -> str:
        return "\n".join(
            f"        server {self.backend_host}:{port} max_fails=1 fail_timeout=5s;"
            for port in ports
        )


def render_nginx_config(config: ProxyConfig) -> str:
    if config.sticky not in STICKY:
        raise ValueError(f"sticky must be one of {sorted(STICKY)}")
    values = {
        "RUN_DIR": str(config.run_dir.resolve()),
        "LISTEN": config.listen,
        "STICKY": STICKY[config.sticky],
        "CHAT_SERVERS": config.servers(config.chat_ports),
        "AUTH_SERVERS": config.servers(config.auth_ports),
        "CLIENT_MAX_BODY_SIZE": str(config.max_upload_bytes + MULTIPART_OVERHEAD),
        "UPSTREAM_HEADER": (
            "        add_header X-Upstream $upstream_addr always;" if config.expose_upstream else ""
        ),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise ValueError("unrendered placeholder in the nginx template")
    return text


def write_nginx_config(config: ProxyConfig) -> Path:
    config.run_dir.mkdir(parents=True, exist_ok=True)
    path = config.run_dir / "nginx.conf"
    path.write_text(render_nginx_config(config))
    return path


def nginx_command(conf: Path) -> list[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = str(conf.parent.resolve())
    return [nginx, "-p", prefix, "-e", f"{prefix}/error.log", "-c", str(conf.resolve()),
            "-g", "daemon off;"]  # fmt: skip


def check_nginx_config(conf: Path) -> None:
    """`nginx -t` on the rendered file: raises with nginx's own message when it is invalid."""
    done = subprocess.run(
        [*nginx_command(conf)[:-2], "-t"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)


@dataclass
class Child:
    """One process of the cluster, in its own process group, logging to run_dir/<name>.log."""

    name: str
    argv: list[str]
    env: Mapping[str, str]
    health_url: str
    proc: subprocess.Popen[bytes] | None = None

    def start(self, log_dir: Path) -> Child:
        log = (log_dir / f"{self.name}.log").open("ab")
        self.proc = subprocess.Popen(
            self.argv, cwd=ROOT, env=dict(self.env), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited during start-up")
            try:
                if self.health_url.startswith("tcp://"):  # a server that is not HTTP
                    host, _, port = self.health_url[6:].rpartition(":")
                    socket.create_connection((host, int(port)), timeout=1).close()
                    return
                with urllib.request.urlopen(self.health_url, timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer {self.health_url} in {timeout}s")

    def signal(self, signum: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signum)

    def stop(self, timeout: float = 10.0) -> None:
        self.signal(signal.SIGTERM)
        if self.proc is None:
            return
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.proc.wait(5)


def gunicorn_argv() -> list[str]:
    return [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py")]


@dataclass
class Cluster:
    """auth_user (one gunicorn, `auth_workers` workers), chat_file processes, nginx in front."""

    proxy: ProxyConfig
    env: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    auth_workers: int = 2
    children: dict[str, Child] = field(default_factory=dict)
    pgbouncer: PgBouncerConfig | None = None  # between the services and PostgreSQL

    @property
    def url(self) -> str:
        return f"http://{self.proxy.listen}"

    def chat(self, index: int) -> Child:
        return self.children[f"chat_file-{index}"]

    def start(self) -> Cluster:
        self.proxy.run_dir.mkdir(parents=True, exist_ok=True)
        try:
            for child in self._plan():
                self.children[child.name] = child.start(self.proxy.run_dir)
                if child.name == "pgbouncer":  # the services connect through it at start
                    child.wait_ready()
            for child in self.children.values():
                child.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for child in reversed(list(self.children.values())):
            child.stop()

    def _plan(self) -> list[Child]:
        base = dict(self.env)
        base.setdefault("TRUSTED_PROXY_HOPS", "1")  # nginx: the client address it forwards
        queue = base.get("SOCKETIO_MESSAGE_QUEUE") or base.get("REDIS_URL", "")
        host = self.proxy.backend_host
        plan = self._pgbouncer(base)
        plan += [
            Child(
                "auth_user",
                gunicorn_argv(),
                {**base, "SERVICE": "auth_user", "WEB_CONCURRENCY": str(self.auth_workers),
                 "BIND": f"{host}:{self.proxy.auth_ports[0]}"},
                f"http://{host}:{self.proxy.auth_ports[0]}/health",
            )
        ]  # fmt: skip
        for index, port in enumerate(self.proxy.chat_ports):
            env = {**base, "SERVICE": "chat_file", "BIND": f"{host}:{port}"}
            env["SOCKETIO_MESSAGE_QUEUE"] = queue
            env.setdefault("AUTH_USER_SERVICE_URL", f"http://{host}:{self.proxy.auth_ports[0]}")
            env.setdefault("AUTH_USER_PUBLIC_URL", f"{self.url}/auth")
            plan.append(
                Child(f"chat_file-{index}", gunicorn_argv(), env, f"http://{host}:{port}/health")
            )
        conf = write_nginx_config(self.proxy)
        check_nginx_config(conf)
        plan.append(Child("nginx", nginx_command(conf), base, f"{self.url}/health"))
        return plan

    def _pgbouncer(self, base: dict[str, str]) -> list[Child]:
        """PgBouncer first, when asked; `base` then sends the services through it."""
        if self.pgbouncer is None:
            return []
        conf = write_pgbouncer_config(self.pgbouncer)
        ready = f"tcp://127.0.0.1:{self.pgbouncer.listen_port}"
        child = Child("pgbouncer", pgbouncer_command(conf), dict(base), ready)
        base.update(service_env(self.pgbouncer))
        return [child]


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m deploy.cluster", description=__doc__)
    parser.add_argument("--chat-processes", type=int, default=2)
    parser.add_argument("--chat-port-base", type=int, default=8003)
    parser.add_argument("--auth-port", type=int, default=8001)
    parser.add_argument("--auth-workers", type=int, default=2)
    parser.add_argument("--listen", default="127.0.0.1:8080", help="nginx's address")
    parser.add_argument("--sticky", choices=sorted(STICKY), default="cookie")
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "cluster")
    parser.add_argument(
        "--pgbouncer", action="store_true", help="PgBouncer (transaction mode) before PostgreSQL"
    )
    parser.add_argument("--pgbouncer-port", type=int, default=6432)
    parser.add_argument("--pgbouncer-pool", type=int, default=20, help="server connections")
    return parser.parse_args(argv)


def cluster_from_args(args: argparse.Namespace, env: Mapping[str, str]) -> Cluster:
    ports = range(args.chat_port_base, args.chat_port_base + args.chat_processes)
    max_upload = int(env.get("MAX_UPLOAD_BYTES", "") or DEFAULT_MAX_UPLOAD)
    proxy = ProxyConfig(
        listen=args.listen,
        chat_ports=list(ports),
        auth_ports=[args.auth_port],
        run_dir=args.run_dir,
        max_upload_bytes=max_upload,
        sticky=args.sticky,
    )
    return Cluster(proxy, env, args.auth_workers, pgbouncer=_pgbouncer_config(args, env))


def _pgbouncer_config(args: argparse.Namespace, env: Mapping[str, str]) -> PgBouncerConfig | None:
    if not args.pgbouncer:
        return None
    url = env.get("DATABASE_URL", "")
    if not url.startswith(("postgresql", "postgres:")):
        raise SystemExit("--pgbouncer needs a PostgreSQL DATABASE_URL")
    return PgBouncerConfig(url, args.pgbouncer_port, args.run_dir, args.pgbouncer_pool)


def main(argv: Sequence[str] | None = None) -> int:
    cluster = cluster_from_args(parse_args(sys.argv[1:] if argv is None else argv), os.environ)
    asked: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: asked.append(signum))
    try:
        cluster.start()
        print(f"ngomna chat on {cluster.url}", flush=True)
        while not asked and all(
            c.proc and c.proc.poll() is None for c in cluster.children.values()
        ):
            time.sleep(0.2)
    except KeyboardInterrupt:
        asked.append(signal.SIGINT)
    finally:
        cluster.stop()
    return 0 if asked else 1  # 1: a child died on its own


if __name__ == "__main__":
    raise SystemExit(main())
