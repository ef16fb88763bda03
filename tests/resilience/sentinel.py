"""A private Redis Sentinel group on free loopback ports: a primary, one replica and three
sentinels (`redis-server <conf> --sentinel`). Never the shared Redis on 6379."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.support.legs import require_command
from tests.support.servers import free_port

from .support import OwnRedis

SERVICE = "ngomna-test"
DOWN_AFTER_MS = 1000


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except redis.RedisError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{what} not reached in {timeout}s")


@dataclass
class Replica(OwnRedis):
    """An OwnRedis started as a replica of `primary_port`."""

    primary_port: int = 0

    def start(self) -> Replica:
        super().start()
        self.client().replicaof("127.0.0.1", self.primary_port)
        wait_until(
            lambda: self.client().info("replication")["master_link_status"] == "up",
            15,
            "replication link",
        )
        return self


@dataclass
class SentinelGroup:
    primary: OwnRedis = field(default_factory=OwnRedis)
    replica: Replica = field(default_factory=Replica)
    ports: list[int] = field(default_factory=lambda: [free_port() for _ in range(3)])
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="sentinel-")))

    @property
    def env_value(self) -> str:
        """What REDIS_SENTINELS holds."""
        return ",".join(f"127.0.0.1:{port}" for port in self.ports)

    def start(self) -> SentinelGroup:
        binary = require_command("redis-server", "redis-server")
        self.primary.start()
        self.replica.primary_port = self.primary.port
        # a replica writes the primary's snapshot to its directory: not the repository's
        self.replica.extra_args = ["--dir", str(self.workdir)]
        self.replica.start()
        for port in self.ports:
            conf = self.workdir / f"sentinel-{port}.conf"
            conf.write_text(self._config(port))
            self.procs.append(
                subprocess.Popen(
                    [binary, str(conf), "--sentinel"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        for port in self.ports:
            wait_until(lambda p=port: self._sees_everyone(p), 20, f"sentinel {port} ready")
        return self

    def _config(self, port: int) -> str:
        return "\n".join(
            [
                f"port {port}",
                "bind 127.0.0.1",
                f"dir {self.workdir}",
                f"logfile {self.workdir}/sentinel-{port}.log",
                f"sentinel monitor {SERVICE} 127.0.0.1 {self.primary.port} 2",
                f"sentinel down-after-milliseconds {SERVICE} {DOWN_AFTER_MS}",
                f"sentinel failover-timeout {SERVICE} 5000",
                f"sentinel parallel-syncs {SERVICE} 1",
                "",
            ]
        )

    def sentinel(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_connect_timeout=1, socket_timeout=2)

    def _sees_everyone(self, port: int) -> bool:
        state = self.sentinel(port).sentinel_master(SERVICE)
        return bool(state["num-slaves"] >= 1 and state["num-other-sentinels"] >= 2)

    def primary_port(self) -> int:
        _host, port = self.sentinel(self.ports[0]).sentinel_get_master_addr_by_name(SERVICE)
        return int(port)

    def wait_for_failover(self, timeout: float = 30.0) -> None:
        wait_until(
            lambda: (
                self.primary_port() == self.replica.port
                and self.replica.client().info("replication")["role"] == "master"
            ),
            timeout,
            "failover to the replica",
        )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)
        self.replica.kill()
        self.primary.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)
