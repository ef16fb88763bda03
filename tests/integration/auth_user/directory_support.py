"""Helpers of the directory import tests: an app per database, uploads, waiting for a job."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from services.auth_user.app import create_app
from tests.support.databases import postgres_database, sqlite_url
from tests.support.waiting import wait_until

from .conftest import DEMO_PASSWORD, make_settings

HEADER = "matricule,nom,prenom,sexe,ministere,direction,service,poste,phone,email,role,active"


@contextmanager
def directory_app(
    backend: str, redis_url: str, key_prefix: str, tmp_path: Path, **settings: Any
) -> Iterator[Flask]:
    """auth_user with demo users on a database of its own (SQLite file or PostgreSQL)."""
    if backend == "sqlite":
        url = sqlite_url(tmp_path, "auth_user")
        yield create_app(make_settings(redis_url, key_prefix, database_url=url, **settings))
        return
    with postgres_database() as url:  # dropped WITH (FORCE): the app's pool goes with it
        yield create_app(make_settings(redis_url, key_prefix, database_url=url, **settings))


def admin_headers(client: FlaskClient) -> dict[str, str]:
    body = {"matricule": "ADMIN001", "password": DEMO_PASSWORD}
    token = client.post("/login", json=body).get_json()["accessToken"]
    return {"Authorization": f"Bearer {token}"}


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def upload(
    client: FlaskClient,
    headers: dict[str, str],
    data: bytes,
    name: str = "agents.csv",
    **options: Any,
) -> Any:
    form = {"file": (io.BytesIO(data), name), **{k: str(v).lower() for k, v in options.items()}}
    return client.post(
        "/admin/directory/imports", data=form, headers=headers, content_type="multipart/form-data"
    )


def finished(client: FlaskClient, headers: dict[str, str], job_id: str) -> dict[str, Any]:
    """The job once it ended (polled as a client would)."""

    def ended() -> dict[str, Any] | None:
        job: dict[str, Any] = client.get(
            f"/admin/directory/imports/{job_id}", headers=headers
        ).get_json()
        return job if job["status"] != "running" else None

    return wait_until(ended, timeout=30)


def run_import(client: FlaskClient, headers: dict[str, str], data: bytes, **options: Any) -> Any:
    started = upload(client, headers, data, **options)
    assert started.status_code == 202, started.get_json()
    return finished(client, headers, started.get_json()["id"])


def personnel_table(url: str, rows: list[tuple[Any, ...]]) -> None:
    """The old system's HR table, as the SQL source reads it."""
    engine = sa.create_engine(url)
    with engine.begin() as tx:
        tx.execute(
            sa.text(
                "CREATE TABLE personnel (id INTEGER PRIMARY KEY, agt_id INTEGER, matricule"
                " VARCHAR(20), nom VARCHAR(100), prenom VARCHAR(100), sexe VARCHAR(1),"
                " mmnaissance INTEGER, aanaissance INTEGER, lieunaissance VARCHAR(100),"
                " ministere VARCHAR(200))"
            )
        )
        tx.execute(
            sa.text(
                "INSERT INTO personnel VALUES (:id, :agt, :matricule, :nom, :prenom, :sexe,"
                " 1, 1980, 'Yaoundé', :ministere)"
            ),
            [
                {
                    "id": n,
                    "agt": 1000 + n,
                    "matricule": m,
                    "nom": nom,
                    "prenom": p,
                    "sexe": s,
                    "ministere": mi,
                }
                for n, (m, nom, p, s, mi) in enumerate(rows, start=1)
            ],
        )
    engine.dispose()
