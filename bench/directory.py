"""Directory figures: a 20 000-agent import under gunicorn, the SQL statements an import sends
per 1 000 rows, and the directory search over 100 000 agents, on PostgreSQL.

- directory_import_20k_seconds: a 20 000-agent CSV uploaded to POST /admin/directory/imports
  (auth_user under gunicorn, a fresh database) until its job has applied (polled as the admin
  console does); the same for SQLite as `directory_import_20k_seconds_sqlite`.
- directory_import_statements_per_1000_rows: SQL statements a merge import sends for each
  1 000 more rows, counted on the engine: (20 000-row import - 1 000-row import) / 19;
  `..._2k`: the same from 2 000 rows (equal: constant); `directory_import_statements_1000_rows`:
  the whole 1 000-row import, its fixed part (job, audit, counts) included.
- directory_search_100k_p50_ms_postgres: p50 of GET /all over 100 000 agents (a unit filter,
  a name prefix, both; 300 requests round robin) under gunicorn; `..._store`: the same
  searches through the use case in process (no HTTP).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
import requests
import sqlalchemy as sa

from bench.directory_data import agents, csv_bytes
from services.auth_user.app import create_app
from services.auth_user.bootstrap import Services, build
from services.auth_user.domain.directory_files import FileFormat, UploadedFile
from services.auth_user.domain.directory_plan import ImportMode
from services.auth_user.domain.import_jobs import ImportRequest, JobStatus
from services.auth_user.domain.org import OrgFilter
from services.auth_user.settings import Settings
from tests.support.databases import postgres_database, sqlite_url
from tests.support.servers import ServiceProcess

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "Ngomna2026!"
FINANCES_SOLDE = OrgFilter("Ministère des Finances", "Direction du Budget", "Service de la Solde")
SEARCHES = [
    ("q", "ngo", None),
    ("q", "hélène mba", None),
    ("unit", None, OrgFilter(ministere="ministere des finances")),
    ("unit", None, OrgFilter("Ministère de la Santé Publique", "Direction du Budget")),
    ("both", "fot", OrgFilter(ministere="ministere de la justice")),
    ("both", "marie", FINANCES_SOLDE),
]


def _settings(database_url: str, prefix: str) -> Settings:
    return Settings(
        app_env="test",
        database_url=database_url,
        redis_url=REDIS_URL,
        redis_key_prefix=prefix,
        user_cache_prefix=f"{prefix}user:profile:",
        seed_demo_users=True,
        password_time_cost=1,
        password_memory_cost=8,
        password_parallelism=1,
    )


@contextmanager
def _statements() -> Iterator[list[str]]:
    """Every statement any engine of this process sends, while the block runs."""
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(args[2])

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", count)


def _import_in_process(services: Services, rows: int, prefix: str) -> int:
    """Statements of one merge import of `rows` new agents, run in this thread."""
    admin = services.users.get_by_matricule("ADMIN001")
    source = UploadedFile("bench.csv", csv_bytes(agents(rows, prefix=prefix)), FileFormat.CSV)
    request = ImportRequest(ImportMode.MERGE, False, False, source.description)
    with _statements() as sent:
        job = services.sync.start(admin, request, source)
    assert services.sync.job(job.id).status is JobStatus.SUCCEEDED
    return len(sent)


def _statement_figures(url: str, prefix: str) -> dict[str, float | int]:
    create_app(_settings(url, prefix))  # schema and demo users
    services = build(_settings(url, prefix), spawn=lambda run: run())
    base = _import_in_process(services, 1_000, "Z")  # one chunk, and the fixed part
    small = _import_in_process(services, 2_000, "S")
    large = _import_in_process(services, 20_000, "L")
    return {
        "directory_import_statements_1000_rows": base,
        "directory_import_statements_per_1000_rows_2k": round(small - base, 2),
        "directory_import_statements_per_1000_rows": round((large - base) / 19, 2),
    }


def _served(url: str, prefix: str) -> ServiceProcess:
    env = {
        "DATABASE_URL": url,
        "APP_ENV": "test",
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "USER_CACHE_PREFIX": f"{prefix}user:profile:",
        "SEED_DEMO_USERS": "true",
        "PASSWORD_TIME_COST": "1",
        "PASSWORD_MEMORY_COST": "8",
        "PASSWORD_PARALLELISM": "1",
        "LOOKUP_RATE_PER_MINUTE": "1000000",
        "ACCESS_LOG": "/dev/null",
        "LOG_LEVEL": "warning",
    }
    return ServiceProcess("auth_user", env).start()


def _admin(service: ServiceProcess) -> requests.Session:
    http = requests.Session()
    body = {"matricule": "ADMIN001", "password": PASSWORD}
    token = http.post(f"{service.url}/login", json=body, timeout=10).json()["accessToken"]
    http.headers["Authorization"] = f"Bearer {token}"
    return http


def _timed_import(service: ServiceProcess, data: bytes) -> float:
    http = _admin(service)
    started = time.perf_counter()
    job = http.post(
        f"{service.url}/admin/directory/imports",
        files={"file": ("agents.csv", data, "text/csv")},
        timeout=60,
    ).json()
    while job["status"] == "running":
        time.sleep(0.05)
        job = http.get(f"{service.url}/admin/directory/imports/{job['id']}", timeout=60).json()
    elapsed = time.perf_counter() - started
    assert job["status"] == "succeeded" and job["result"]["created"] == 20_000, job
    return elapsed


def _search_figures(url: str, prefix: str) -> dict[str, float | int]:
    """100 000 agents written as imports write them, then the searches, served and bare."""
    create_app(_settings(url, prefix))
    services = build(_settings(url, prefix), spawn=lambda run: run())
    for part in range(5):
        _import_in_process(services, 20_000, f"P{part}")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as db:  # what autovacuum does after a bulk load: statistics, and the
        db.execute(sa.text("VACUUM ANALYZE users"))  # visibility map index-only counts rely on
    engine.dispose()
    directory = services.users
    store_ms = []
    for n in range(300):
        _, query, org = SEARCHES[n % len(SEARCHES)]
        started = time.perf_counter()
        directory.search(1, 20, query, org or OrgFilter())
        store_ms.append((time.perf_counter() - started) * 1000)
    service = _served(url, prefix)
    try:
        http = _admin(service)
        served_ms = []
        for n in range(300):
            _, query, org = SEARCHES[n % len(SEARCHES)]
            params = {"limit": "20", **({"q": query} if query else {})}
            if org is not None:
                params.update({k: v for k, v in vars_of(org).items() if v})
            started = time.perf_counter()
            response = http.get(f"{service.url}/all", params=params, timeout=10)
            served_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    finally:
        service.stop()
    return {
        "directory_search_100k_p50_ms_postgres": round(statistics.median(served_ms), 2),
        "directory_search_100k_p50_ms_postgres_store": round(statistics.median(store_ms), 2),
    }


def vars_of(org: OrgFilter) -> dict[str, str]:
    return {"ministere": org.ministere, "direction": org.direction, "service": org.service}


def run() -> dict[str, float | int]:
    prefix = f"bench:dir:{uuid.uuid4().hex[:8]}:"
    data = csv_bytes(agents(20_000, prefix="T"))
    figures: dict[str, float | int] = {}
    try:
        with postgres_database() as url:
            service = _served(url, prefix + "a:")
            try:
                figures["directory_import_20k_seconds"] = round(_timed_import(service, data), 2)
            finally:
                service.stop()
        with tempfile.TemporaryDirectory() as folder:
            service = _served(sqlite_url(Path(folder), "auth"), prefix + "b:")
            try:
                figures["directory_import_20k_seconds_sqlite"] = round(
                    _timed_import(service, data), 2
                )
            finally:
                service.stop()
        with postgres_database() as url:
            figures.update(_statement_figures(url, prefix + "c:"))
        with postgres_database() as url:
            figures.update(_search_figures(url, prefix + "d:"))
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        stale = list(client.scan_iter(match=f"{prefix}*", count=500))
        if stale:
            client.delete(*stale)
    return figures
