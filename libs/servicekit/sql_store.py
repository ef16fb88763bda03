"""`SqlStore`: the base of every SQLAlchemy adapter of both services.

A subclass gets the two ways in to its engine, `_engine` for writes (`with self._engine.begin()`)
and `_read` for single-statement reads (`reader(engine)`: autocommit, no lock held), and every
public method it defines is guarded: the driver's connection failures (`SQL_STORE_ERRORS`)
become `StoreUnavailableError` (see `guard_store`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from .sql import SQL_STORE_ERRORS, reader
from .stores import guard_store


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._read = reader(engine)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        guard_store(*SQL_STORE_ERRORS)(cls)
