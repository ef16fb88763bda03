"""Soak tests run only when asked for (`make soak` = `pytest tests/soak -m soak`).

`make test` runs plain `pytest` over tests/: without a marker expression that selects `soak`,
every soak test is skipped here, so the long runs never slow the normal suite down.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.support.databases import postgres_database

_SELECTS_SOAK = re.compile(r"(?<!not )\bsoak\b")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _SELECTS_SOAK.search(str(config.getoption("markexpr") or "")):
        return
    skip = pytest.mark.skip(reason="soak runs only with `make soak` (pytest -m soak)")
    for item in items:
        if item.get_closest_marker("soak") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def e2e_database_url() -> Iterator[str]:
    """The soak measures the production backend: always a fresh PostgreSQL database (skips
    loudly without a server, fails under CI), never the SQLite fallback of the e2e tier."""
    with postgres_database() as url:
        yield url


@pytest.fixture(scope="module", autouse=True)
def _module_database(module_database: str) -> str:
    """The real processes (and in-process apps) of each module get a database of their own."""
    return module_database
