"""The two deployments a capacity run measures, started on free loopback ports.

- `make_run`: what `make run` starts (scripts/run.py): auth_user and one chat_file process
  under gunicorn with their defaults, SQLite files, the push worker, Redis;
- `cluster_2`: the production host of deploy/ (`deploy.cluster.Cluster`): nginx in front of
  auth_user and two chat_file processes sharing the Redis message queue, PostgreSQL (one fresh
  database for both services), the push worker; APP_ENV=production.
Both use a Redis key prefix of their own on the shared Redis, deleted afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from deploy.cluster import Cluster, ProxyConfig
from tests.support.databases import postgres_available, postgres_database
from tests.support.servers import ROOT, ServiceProcess, free_port


@dataclass(frozen=True)
class Databases:
    auth: str
    chat: str


class Topology(Protocol):
    name: str

    def databases(self) -> AbstractContextManager[Databases]: ...

    def start(self, databases: Databases) -> str:
        """Start every process; the URL clients use (HTTP and Socket.IO)."""
        ...

    def chat_pids(self) -> list[int]: ...

    def stop(self) -> None: ...


def service_env(
    redis_url: str, prefix: str, jwt_secret: str, service_secret: str
) -> dict[str, str]:
    return {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "JWT_SECRET": jwt_secret,
        "SERVICE_SECRET": service_secret,
        # auth_user seals second-factor secrets with it; production (the cluster) needs one
        "MFA_ENCRYPTION_KEY": secrets.token_urlsafe(48),
    }


@dataclass
class PushWorker:
    """`python -m services.chat_file.push_worker`, as scripts/run.py and deployment.md run it."""

    env: Mapping[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "services.chat_file.push_worker"],
                cwd=ROOT,
                env={**os.environ, **self.env},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)


@dataclass
class MakeRun:
    env: dict[str, str]
    run_dir: Path
    name: str = "make_run"
    processes: list[ServiceProcess] = field(default_factory=list)
    worker: PushWorker | None = None

    @contextmanager
    def databases(self) -> Iterator[Databases]:
        files = [self.run_dir / "auth_user.db", self.run_dir / "chat_file.db"]
        try:
            yield Databases(*(f"sqlite:///{path}" for path in files))
        finally:
            for path in self.run_dir.glob("*.db*"):
                path.unlink()

    def start(self, databases: Databases) -> str:
        env = {**self.env, "DATABASE_URL": databases.auth}
        auth = ServiceProcess("auth_user", env, log_path=self.run_dir / "auth_user.log")
        self.processes.append(auth.start())
        env = {**self.env, "DATABASE_URL": databases.chat, "AUTH_USER_SERVICE_URL": auth.url}
        chat = ServiceProcess("chat_file", env, log_path=self.run_dir / "chat_file.log")
        self.processes.append(chat.start())
        self.worker = PushWorker(env, self.run_dir / "push_worker.log")
        self.worker.start()
        return chat.url

    def chat_pids(self) -> list[int]:
        return [p.proc.pid for p in self.processes[1:] if p.proc is not None]

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        for process in reversed(self.processes):
            process.stop()


@dataclass
class ClusterTwo:
    env: dict[str, str]
    run_dir: Path
    chat_processes: int = 2
    name: str = "cluster_2"
    cluster: Cluster | None = None
    worker: PushWorker | None = None

    @contextmanager
    def databases(self) -> Iterator[Databases]:
        reason = postgres_available()
        if reason is not None:
            raise RuntimeError(f"the cluster topology needs PostgreSQL: {reason}")
        with postgres_database() as url:
            yield Databases(url, url)

    def start(self, databases: Databases) -> str:
        env = {**os.environ, **self.env, "APP_ENV": "production", "DATABASE_URL": databases.chat}
        proxy = ProxyConfig(
            listen=f"127.0.0.1:{free_port()}",
            chat_ports=[free_port() for _ in range(self.chat_processes)],
            auth_ports=[free_port()],
            run_dir=self.run_dir,
        )
        self.cluster = Cluster(proxy, env).start()
        self.worker = PushWorker(env, self.run_dir / "push_worker.log")
        self.worker.start()
        return self.cluster.url

    def chat_pids(self) -> list[int]:
        if self.cluster is None:
            return []
        children = [self.cluster.chat(n) for n in range(self.chat_processes)]
        return [c.proc.pid for c in children if c.proc is not None]

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        if self.cluster is not None:
            self.cluster.stop()


TOPOLOGIES = {"make_run": MakeRun, "cluster_2": ClusterTwo}
