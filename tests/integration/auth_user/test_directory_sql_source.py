"""The HR database as the directory source: a real `personnel` table (the old system's) in a
PostgreSQL database and in a SQLite file, read by the route (source=sql) and by the command
`python -m services.auth_user.directory_sync`; an unreachable source fails the job."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from services.auth_user import directory_sync
from services.auth_user.app import create_app
from services.auth_user.bootstrap import build
from tests.support.databases import postgres_database, sqlite_url
from tests.support.servers import ROOT

from .conftest import make_settings
from .directory_support import admin_headers, finished, personnel_table

PERSONNEL = [
    ("700001A", "Ngono", "Marie", "F", "Ministère des Finances"),
    ("700002B", "Fotso", "Paul", "M", "Ministère des Finances"),
    ("700003C", "Éyébé", "Luc", "M", "Ministère de la Santé"),
]


@pytest.fixture(params=["postgresql", "sqlite"])
def source_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = sqlite_url(tmp_path, "hr")
        personnel_table(url, PERSONNEL)
        yield url
        return
    with postgres_database() as url:
        personnel_table(url, PERSONNEL)
        yield url


def start_sql(client: FlaskClient, headers: dict[str, str], **options: Any) -> dict[str, Any]:
    started = client.post(
        "/admin/directory/imports", json={"source": "sql", **options}, headers=headers
    )
    assert started.status_code == 202, started.get_json()
    return finished(client, headers, started.get_json()["id"])


def test_the_route_imports_the_personnel_table(
    source_url: str, redis_url: str, key_prefix: str
) -> None:
    settings = make_settings(redis_url, key_prefix, directory_source_url=source_url)
    client = create_app(settings).test_client()
    admin = admin_headers(client)
    job = start_sql(client, admin, dryRun=True)
    assert (job["status"], job["result"]["created"]) == ("succeeded", 3)
    assert "password" not in job["source"] and job["source"].startswith("sql ")
    assert start_sql(client, admin)["result"]["created"] == 3
    agent = client.get("/700003C", headers=admin).get_json()
    assert (agent["nom"], agent["ministere"], agent["sexe"]) == (
        "Éyébé",
        "Ministère de la Santé",
        "M",
    )
    assert start_sql(client, admin)["result"]["unchanged"] == 3


@pytest.mark.parametrize(
    "url,query",
    [
        ("postgresql+psycopg://hr:s3cret@127.0.0.1:1/hr", None),
        ("sqlite:////nonexistent/hr.db", None),
        (None, "SELECT matricule, nom FROM nowhere"),
    ],
)
def test_an_unreachable_or_broken_source_fails_the_job_with_the_reason(
    url: str | None, query: str | None, redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    if url is None:
        url = sqlite_url(tmp_path, "hr")
        personnel_table(url, PERSONNEL)
    extra = {"directory_source_query": query} if query else {}
    settings = make_settings(redis_url, key_prefix, directory_source_url=url, **extra)
    client = create_app(settings).test_client()
    admin = admin_headers(client)
    job = start_sql(client, admin, mode="full")
    assert (job["status"], job["result"]) == ("failed", None)
    assert job["error"]["code"] == "SOURCE_UNAVAILABLE"
    assert "s3cret" not in json.dumps(job) and "injoignable" in job["error"]["message"]
    assert not Path("/nonexistent/hr.db").exists()  # opened read-only: nothing created
    assert client.get("/all?limit=100", headers=admin).get_json()["pagination"]["total"] == 5


def test_the_command_runs_the_same_job_in_process(
    source_url: str, redis_url: str, key_prefix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(redis_url, key_prefix, directory_source_url=source_url)
    create_app(settings)  # the demo users, as a running service would have made them

    def services(spawn: Any) -> Any:
        return build(settings, spawn=spawn)

    assert directory_sync.main(["--dry-run"], services) == 0
    dry = json.loads(capsys.readouterr().out)
    assert (dry["dryRun"], dry["actorId"], dry["result"]["created"]) == (True, None, 3)
    assert directory_sync.main(["--mode", "full"], services) == 0
    assert json.loads(capsys.readouterr().out)["result"]["created"] == 3
    engine = sa.create_engine(source_url)
    with engine.begin() as tx:  # one agent left the ministry
        tx.execute(sa.text("DELETE FROM personnel WHERE matricule = '700003C'"))
    engine.dispose()
    assert directory_sync.main(["--mode", "full"], services) == 2  # 1 of 8 accounts: > 5 %
    refused = json.loads(capsys.readouterr().out)
    assert refused["error"]["code"] == "TOO_MANY_DEACTIVATIONS"
    assert directory_sync.main(["--mode", "full", "--force"], services) == 0
    assert json.loads(capsys.readouterr().out)["result"]["deactivated"] == 1


def command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "services.auth_user.directory_sync", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_runs_as_a_process_for_cron(
    source_url: str, redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "APP_ENV": "test",
        "DATABASE_URL": sqlite_url(tmp_path, "auth_user"),
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": key_prefix,
        "USER_CACHE_PREFIX": f"{key_prefix}user:profile:",
        "DIRECTORY_SOURCE_URL": source_url,
    }
    done = command(env, "--mode", "full")
    assert done.returncode == 0, done.stderr
    job = json.loads(done.stdout)
    assert (job["status"], job["result"]["created"], job["mode"]) == ("succeeded", 3, "full")
    missing = command(env, "--file", "/nonexistent.csv")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert json.loads(missing.stderr)["error"]["code"] == "FILE_UNREADABLE"
