"""PgBouncer in transaction mode between the cluster's processes and PostgreSQL (`python -m
deploy.cluster --pgbouncer`).

Each chat_file and auth_user process keeps its own SQLAlchemy pool (`DB_POOL_SIZE` +
`DB_POOL_OVERFLOW`); PgBouncer multiplexes all of them onto `--pgbouncer-pool` server
connections, handed out per transaction. The services then get `DATABASE_URL` pointing at
PgBouncer and `DB_PREPARED_STATEMENTS=false` (PgBouncer before 1.21, Debian 12's 1.18 among
them, cannot follow prepared statements from one server connection to another). Migrations
hold a transaction-level advisory lock, which transaction pooling keeps intact.

The configuration is rendered into the run directory; PgBouncer runs in the foreground as a
child of the cluster, logging to stderr (the cluster's pgbouncer.log).
"""

from __future__ import annotations

import os
import pwd
import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit


@dataclass(frozen=True)
class PgBouncerConfig:
    database_url: str  # where PostgreSQL really is (the caller's DATABASE_URL)
    listen_port: int
    run_dir: Path
    pool_size: int = 20  # server connections per (database, user)
    max_clients: int = 2000

    @property
    def target(self) -> tuple[str, int, str, str]:
        """(host, port, user, password) of PostgreSQL, from `database_url`."""
        parts = urlsplit(self.database_url)
        return (
            parts.hostname or "127.0.0.1",
            parts.port or 5432,
            unquote(parts.username or "postgres"),
            unquote(parts.password or ""),
        )

    @property
    def client_url(self) -> str:
        """`database_url` with PgBouncer's address instead of PostgreSQL's."""
        parts = urlsplit(self.database_url)
        credentials = parts.netloc.rpartition("@")[0]
        where = f"127.0.0.1:{self.listen_port}"
        netloc = f"{credentials}@{where}" if credentials else where
        return urlunsplit(parts._replace(netloc=netloc))


def render_pgbouncer(config: PgBouncerConfig) -> tuple[str, str]:
    """(pgbouncer.ini, userlist.txt): every database name forwarded to PostgreSQL (`*`), the
    URL's user known to PgBouncer with the password it logs in to PostgreSQL with."""
    host, port, user, password = config.target
    ini = f"""[databases]
* = host={host} port={port}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {config.listen_port}
unix_socket_dir =
auth_type = trust
auth_file = {(config.run_dir / "userlist.txt").resolve()}
admin_users = {user}
pool_mode = transaction
default_pool_size = {config.pool_size}
max_client_conn = {config.max_clients}
server_reset_query =
ignore_startup_parameters = extra_float_digits,options
logfile =
pidfile =
"""
    users = f'"{_quoted(user)}" "{_quoted(password)}"\n'
    return ini, users


def _quoted(value: str) -> str:
    return value.replace('"', '""')


def write_pgbouncer_config(config: PgBouncerConfig) -> Path:
    config.run_dir.mkdir(parents=True, exist_ok=True)
    ini, users = render_pgbouncer(config)
    path = config.run_dir / "pgbouncer.ini"
    path.write_text(ini)
    userlist = config.run_dir / "userlist.txt"
    userlist.write_text(users)
    userlist.chmod(0o600)
    account = run_as()
    if account is not None:  # PgBouncer drops root for this account, which must read it
        entry = pwd.getpwnam(account)
        os.chown(userlist, entry.pw_uid, entry.pw_gid)
    return path


def run_as() -> str | None:
    """PgBouncer refuses to run as root: started by root, it switches to `postgres` (or
    `nobody`) with `-u`."""
    if os.geteuid() != 0:
        return None
    for account in ("postgres", "nobody"):
        try:
            pwd.getpwnam(account)
        except KeyError:
            continue
        return account
    raise RuntimeError("PgBouncer cannot run as root and no postgres or nobody account exists")


def pgbouncer_command(conf: Path) -> list[str]:
    pgbouncer = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    account = run_as()
    return [pgbouncer, *(["-u", account] if account else []), str(conf.resolve())]


def service_env(config: PgBouncerConfig) -> dict[str, str]:
    """What the services are given to go through PgBouncer."""
    return {"DATABASE_URL": config.client_url, "DB_PREPARED_STATEMENTS": "false"}
