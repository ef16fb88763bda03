"""`SqlStore`: a subclass's public methods turn connection failures into STORE_UNAVAILABLE."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from libs.servicekit.errors import StoreUnavailableError
from libs.servicekit.sql_store import SqlStore


class _Store(SqlStore):
    def count(self) -> int:
        with self._read.connect() as db:
            return int(db.execute(sa.text("SELECT 1")).scalar_one())

    def fail(self) -> None:
        self._fail_privately()

    def conflict(self) -> None:
        raise sa.exc.IntegrityError("INSERT", {}, Exception("duplicate key"))

    def _fail_privately(self) -> None:
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))


@pytest.fixture
def store() -> _Store:
    return _Store(sa.create_engine("sqlite://"))


def test_reads_go_through_an_autocommit_reader(store: _Store) -> None:
    assert store.count() == 1
    assert store._read.get_execution_options()["isolation_level"] == "AUTOCOMMIT"


def test_a_connection_failure_in_a_public_method_is_store_unavailable(store: _Store) -> None:
    with pytest.raises(StoreUnavailableError):
        store.fail()


def test_conflicts_and_private_methods_are_not_rewritten(store: _Store) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        store.conflict()
    with pytest.raises(sa.exc.OperationalError):
        store._fail_privately()
