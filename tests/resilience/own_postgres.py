"""A private PostgreSQL cluster for tests that stop and restart the server.

The shared server on 127.0.0.1:5432 is never restarted: this one is made by `initdb` in a
temporary directory and listens on a free port. As root, the PostgreSQL binaries refuse to
run, so they run as the `postgres` user (through `runuser`), in a directory it owns.
Without the binaries the test skips, loudly, except under CI where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from tests.support.legs import cannot_run, require_command
from tests.support.servers import free_port


def _binaries() -> Path:
    """`TEST_POSTGRES_BIN`, else the newest Debian install (15 on these machines)."""
    if os.environ.get("TEST_POSTGRES_BIN"):
        return Path(os.environ["TEST_POSTGRES_BIN"])
    versions = [p for p in Path("/usr/lib/postgresql").glob("*/bin") if p.parent.name.isdigit()]
    found = sorted(versions, key=lambda p: int(p.parent.name))
    return found[-1] if found else Path("/usr/lib/postgresql/15/bin")


BIN = _binaries()


def _unavailable(reason: str) -> None:
    cannot_run(f"PRIVATE POSTGRESQL — {reason}")


@dataclass
class OwnPostgres:
    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ngomna-pg-")))

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create(self) -> OwnPostgres:
        if not (BIN / "initdb").exists():
            _unavailable(f"no PostgreSQL binaries in {BIN}")
        if os.geteuid() == 0:
            require_command("runuser", "util-linux")
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        return self.start()

    def start(self) -> OwnPostgres:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")
        self._wait()
        return self

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: no shutdown checkpoint, the next start recovers from the WAL (a crash)."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        admin = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url(name)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, binary: str, *args: str) -> None:
        argv = [str(BIN / binary), *args]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{binary} failed: {done.stdout}\n{done.stderr}")

    def _wait(self, timeout: float = 30.0) -> None:
        engine = sa.create_engine(self.url(), connect_args={"connect_timeout": 2})
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    with engine.connect() as connection:
                        connection.execute(sa.text("SELECT 1"))
                    return
                except sa.exc.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            engine.dispose()
