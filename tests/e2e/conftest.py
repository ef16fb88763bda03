"""Every module of this tier runs its real processes on a database of its own."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module", autouse=True)
def _module_database(module_database: str) -> str:
    return module_database
