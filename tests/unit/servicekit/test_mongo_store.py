"""`MongoStore`: guarded public methods, and calls serialised by the lock a store is given."""

from __future__ import annotations

import threading

import pytest
from pymongo.errors import DuplicateKeyError, ServerSelectionTimeoutError

from libs.servicekit.errors import StoreUnavailableError
from libs.servicekit.mongo_store import MongoStore


class _Store(MongoStore):
    def locked(self) -> bool:
        with self._serialised():
            return self._lock is not None and self._lock.locked()

    def unreachable(self) -> None:
        raise ServerSelectionTimeoutError("no server")

    def duplicate(self) -> None:
        raise DuplicateKeyError("E11000")


def test_calls_hold_the_lock_when_one_is_given() -> None:
    lock = threading.Lock()
    assert _Store(lock=lock).locked() is True
    assert not lock.locked()
    assert _Store().locked() is False


def test_an_unreachable_server_is_store_unavailable() -> None:
    with pytest.raises(StoreUnavailableError):
        _Store().unreachable()


def test_operation_failures_are_left_to_the_store() -> None:
    with pytest.raises(DuplicateKeyError):
        _Store().duplicate()
