"""PgBouncer in transaction mode (deploy/pgbouncer.py, `deploy.cluster --pgbouncer`) between two
chat_file processes and PostgreSQL: both migrate through it at start (the transaction-level
advisory lock), messages are written and read through it with prepared statements off, a
storm of sockets connects, and PostgreSQL sees no more server connections than PgBouncer's
pool whatever the processes' own pools hold."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
import sqlalchemy as sa

from deploy.pgbouncer import PgBouncerConfig, pgbouncer_command, write_pgbouncer_config
from tests.support.databases import postgres_database
from tests.support.legs import require_command
from tests.support.servers import ROOT, free_port
from tests.support.waiting import wait_until

from .realtime_support import chat_servers, new_user, post_message, token_for
from .test_connect_storm import storm

pytestmark = pytest.mark.e2e

SERVER_POOL = 3


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def bouncer(tmp_path: Path) -> Iterator[tuple[PgBouncerConfig, str]]:
    """PgBouncer before a fresh database: its config, and the database's direct URL."""
    require_command("pgbouncer", "pgbouncer", "/usr/sbin/pgbouncer")
    with postgres_database() as url:
        config = PgBouncerConfig(url, free_port(), tmp_path, pool_size=SERVER_POOL)
        log = (tmp_path / "pgbouncer.log").open("ab")
        process = subprocess.Popen(
            pgbouncer_command(write_pgbouncer_config(config)), cwd=ROOT, stdout=log, stderr=log
        )
        try:
            wait_until(lambda: listening(config.listen_port) or process.poll() is not None, 10)
            assert process.poll() is None, (tmp_path / "pgbouncer.log").read_text()
            yield config, url
        finally:
            process.terminate()
            process.wait(10)


def server_connections(direct_url: str) -> int:
    """Connections PostgreSQL serves to the test database, but the one asking."""
    engine = sa.create_engine(direct_url.replace("postgresql://", "postgresql+psycopg://", 1))
    name = direct_url.rsplit("/", 1)[1]
    with engine.connect() as db:
        count = db.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_two_processes_work_through_pgbouncer_in_transaction_mode(
    bouncer: tuple[PgBouncerConfig, str], redis_url: str
) -> None:
    config, direct = bouncer
    env = {
        "DATABASE_URL": config.client_url,
        "DB_PREPARED_STATEMENTS": "false",
        "DB_POOL_SIZE": "10",
        "SOCKET_CONNECT_CONCURRENCY": "10",
    }
    with chat_servers(redis_url, "gevent", count=2, **env) as (one, two):  # both migrate
        alice, bob = new_user(), new_user()
        for n in range(10):  # far past psycopg's prepare threshold (5) on each process
            post_message(one if n % 2 else two, alice, bob, f"message {n}")
        history = requests.get(
            f"{two.url}/conversations",
            headers={"Authorization": f"Bearer {token_for(bob)}"},
            timeout=10,
        )
        assert history.status_code == 200, history.text
        users = [new_user() for _ in range(100)]
        started = time.monotonic()
        outcome = asyncio.run(storm(one.url, users))
        assert outcome["connected"] == 100, (outcome, time.monotonic() - started)
        assert server_connections(direct) <= SERVER_POOL
        assert transactions_through(config) > 100  # the processes did go through PgBouncer


def transactions_through(config: PgBouncerConfig) -> int:
    """Transactions PgBouncer passed to the test database (its admin console's SHOW STATS)."""
    _, _, user, password = config.target
    with psycopg.connect(
        host="127.0.0.1",
        port=config.listen_port,
        dbname="pgbouncer",
        user=user,
        password=password or None,
        autocommit=True,
        prepare_threshold=None,
    ) as admin:
        rows = admin.execute("SHOW STATS").fetchall()
        names = [c.name for c in admin.execute("SHOW STATS").description or []]
    name = config.database_url.rsplit("/", 1)[1]
    stats = [dict(zip(names, row, strict=True)) for row in rows]
    return sum(int(s["total_xact_count"]) for s in stats if s["database"] == name)
