"""Every module of this tier runs its real processes on a database of its own; the modules
that stop PostgreSQL share one private cluster (never the shared server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .own_postgres import OwnPostgres


@pytest.fixture(scope="module", autouse=True)
def _module_database(module_database: str) -> str:
    return module_database


@pytest.fixture(scope="session")
def own_postgres() -> Iterator[OwnPostgres]:
    server = OwnPostgres().create()
    yield server
    server.destroy()
