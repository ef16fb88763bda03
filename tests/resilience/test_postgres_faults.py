"""PostgreSQL fails under traffic: its connections are killed (`pg_terminate_backend`), and the
server itself is stopped and started again (a crash: no shutdown checkpoint).

Real gunicorn processes of both services, real HTTP and Socket.IO clients sending all the way
through. Meanwhile every request answers, successfully or with 503 `STORE_UNAVAILABLE` (never
a 500, never a driver error); the processes recover by themselves; every acknowledged message
is in the history afterwards. Connections are killed on the shared server only in this
module's own database; the restart uses a private cluster (own_postgres.py).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
import sqlalchemy as sa

from tests.support.databases import POSTGRES_ADMIN_URL
from tests.support.servers import ServiceProcess

from .own_postgres import OwnPostgres
from .probes import Loop, SocketSender, http_reads, logins
from .support import (
    JWT_SECRET,
    Traffic,
    chat_env,
    history_ids,
    new_user,
    token_for,
    wait_for,
)

pytestmark = pytest.mark.e2e
PASSWORD = "Ngomna2026!"


@dataclass
class Stack:
    auth: ServiceProcess
    chat: ServiceProcess
    database_url: str


def start_stack(database_url: str, redis_url: str, prefix: str) -> Stack:
    auth = ServiceProcess(
        "auth_user",
        {
            "APP_ENV": "test",
            "JWT_SECRET": JWT_SECRET,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "USER_CACHE_PREFIX": f"{prefix}user:profile:",
            "SEED_DEMO_USERS": "true",
            "PASSWORD_TIME_COST": "1",
            "PASSWORD_MEMORY_COST": "8",
            "PASSWORD_PARALLELISM": "1",
            "LOGIN_BACKOFF_FREE_FAILURES": "1000000",
            "LOGIN_MAX_FAILURES_PER_IP": "1000000",
            "LOG_LEVEL": "warning",
        },
    ).start()
    chat = ServiceProcess("chat_file", chat_env(redis_url, prefix, DATABASE_URL=database_url))
    try:
        chat.start()
    except RuntimeError:
        auth.stop()
        raise
    return Stack(auth, chat, database_url)


@dataclass
class Load:
    """Everything that runs while the fault happens: HTTP senders, socket senders, readers,
    logins."""

    traffic: Traffic
    sockets: list[SocketSender]
    loops: dict[str, Loop]

    @classmethod
    def start(cls, stack: Stack) -> Load:
        pairs = [(new_user(), new_user()) for _ in range(3)]
        sockets = [SocketSender(stack.chat.url, new_user(), new_user()) for _ in range(2)]
        loops = {
            "reads": http_reads(stack.chat.url, pairs[0][0]),
            "logins": logins(stack.auth.url, "MAT1001", PASSWORD),
        }
        for loop in loops.values():
            loop.start()
        for sender in sockets:
            sender.start()
        return cls(Traffic(stack.chat.url, pairs).start(), sockets, loops)

    def stop(self) -> None:
        self.traffic.stop()
        for sender in self.sockets:
            sender.stop()
        for loop in self.loops.values():
            loop.stop()

    def outcomes(self) -> dict[str, Counter[str]]:
        """Per kind of client, how many answers of each kind it got."""
        sends = Counter({str(s): n for s, n in self.traffic.statuses.items() if s in (200, 201)})
        for failure in self.traffic.failures:  # "503 {json}", or an exception's name
            status, _, text = failure.partition(" ")
            code = "STORE_UNAVAILABLE" if '"STORE_UNAVAILABLE"' in text else text[:80]
            sends[f"{status} {code}"] += 1
        socket: Counter[str] = Counter()
        for sender in self.sockets:
            socket.update(sender.loop.outcomes)
        return {"sends": sends, "socket": socket, **{k: v.outcomes for k, v in self.loops.items()}}

    def lost(self, url: str) -> tuple[list[str], list[str]]:
        """(acknowledged messages missing from the history, messages stored twice)."""
        acked = dict(self.traffic.acked)
        owners = {
            cid: s for s, cids in self.traffic.conversations_by_sender.items() for cid in cids
        }
        for sender in self.sockets:
            acked.update(sender.acked)
            owners.update({cid: sender.sender for cid in sender.acked.values()})
        stored: Counter[str] = Counter()
        for cid in set(acked.values()):
            stored.update(history_ids(url, owners[cid], cid))
        return sorted(set(acked) - set(stored)), [m for m, n in stored.items() if n > 1]


ALLOWED = {
    "sends": {"200", "201", "503 STORE_UNAVAILABLE"},
    "reads": {"200", "503 STORE_UNAVAILABLE"},
    "logins": {"200", "503 STORE_UNAVAILABLE"},
    "socket": {"ack", "refused STORE_UNAVAILABLE"},
}


def check(load: Load, stack: Stack) -> dict[str, Counter[str]]:
    outcomes = load.outcomes()
    print(f"\n{stack.database_url.rsplit('/', 1)[-1]}: {dict(outcomes)}")
    for kind, seen in outcomes.items():
        assert set(seen) <= ALLOWED[kind], (kind, seen)
        served = sum(n for label, n in seen.items() if label in {"200", "201", "ack"})
        assert served > 0, (kind, seen)
    missing, twice = load.lost(stack.chat.url)
    acked = len(load.traffic.acked) + sum(len(s.acked) for s in load.sockets)
    assert (missing, twice) == ([], []), f"{len(missing)} of {acked} acknowledged messages lost"
    for process in (stack.auth, stack.chat):
        assert process.proc is not None and process.proc.poll() is None  # never restarted
    return outcomes


@pytest.fixture
def prefix(key_prefix: str) -> str:
    return key_prefix


def wait_until_served(stack: Stack, timeout: float = 60.0) -> None:
    """The services answer writes again, by themselves."""
    headers = {"Authorization": f"Bearer {token_for(new_user())}"}
    body = {"receiverId": new_user(), "content": "revenu ?"}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = requests.post(f"{stack.chat.url}/messages", json=body, headers=headers, timeout=10)
        login = {"matricule": "MAT1002", "password": PASSWORD}
        if (
            sent.status_code == 201
            and requests.post(f"{stack.auth.url}/login", json=login, timeout=10).ok
        ):
            return
        time.sleep(0.2)
    raise AssertionError("the services did not recover by themselves")


@pytest.fixture
def shared_stack(module_database: str, redis_url: str, prefix: str) -> Iterator[Stack]:
    """Both services on this module's database of the shared server (never restarted)."""
    if not module_database.startswith("postgresql"):
        pytest.skip(f"SKIPPING — no PostgreSQL: this module runs on {module_database}")
    stack = start_stack(module_database, redis_url, prefix)
    yield stack
    stack.chat.stop()
    stack.auth.stop()


def terminate_connections(database_url: str) -> int:
    """pg_terminate_backend of every connection to that database (ours only), from outside."""
    name = sa.engine.make_url(database_url).database
    admin = sa.create_engine(POSTGRES_ADMIN_URL)
    query = sa.text(
        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = :name AND pid <> pg_backend_pid()"
    )
    try:
        with admin.connect() as connection:
            return int(connection.execute(query, {"name": name}).scalar_one())
    finally:
        admin.dispose()


def sends_stored(load: Load) -> int:
    return load.outcomes()["sends"]["201"]


def test_killed_connections_answer_503_meanwhile_and_lose_no_message(shared_stack: Stack) -> None:
    load = Load.start(shared_stack)
    killed = 0
    try:
        wait_for(lambda: sends_stored(load) > 0)  # traffic flows before the fault
        for _ in range(10):  # the fault: connections killed every 0.3 s for 3 s
            killed += terminate_connections(shared_stack.database_url)
            time.sleep(0.3)
        wait_until_served(shared_stack)
        after = sends_stored(load)
        wait_for(lambda: sends_stored(load) > after)  # the load itself is served again
    finally:
        load.stop()
    print(f"\n{killed} connections killed")
    assert killed >= 5, "the services held no connection to kill"
    check(load, shared_stack)


@pytest.fixture
def private_stack(own_postgres: OwnPostgres, redis_url: str, prefix: str) -> Iterator[Stack]:
    url = own_postgres.create_database(f"ngomna_{uuid.uuid4().hex[:8]}")
    stack = start_stack(url, redis_url, prefix)
    yield stack
    stack.chat.stop()
    stack.auth.stop()


def test_a_postgresql_restart_under_traffic_is_503_then_recovers_with_no_message_lost(
    own_postgres: OwnPostgres, private_stack: Stack
) -> None:
    load = Load.start(private_stack)
    try:
        wait_for(lambda: sends_stored(load) > 0)  # traffic flows before the crash
        own_postgres.stop("immediate")  # a crash: the next start replays the WAL
        wait_for(  # every kind of request has met the outage
            lambda: all(
                load.outcomes()[kind]["503 STORE_UNAVAILABLE"] > 0
                for kind in ("sends", "reads", "logins")
            ),
            timeout=30,
        )
        during = {kind: Counter(seen) for kind, seen in load.outcomes().items()}
        own_postgres.start()
        wait_until_served(private_stack)
        wait_for(lambda: sends_stored(load) > during["sends"]["201"])  # served again
    finally:
        load.stop()
    outcomes = check(load, private_stack)
    for kind in ("sends", "reads", "logins"):
        assert during[kind]["503 STORE_UNAVAILABLE"] > 0, f"{kind}: the outage was not seen"
    assert outcomes["sends"]["201"] > during["sends"]["201"], "no message sent after the restart"
