"""`MongoStore`: the base of every pymongo adapter of both services.

Every public method a subclass defines is guarded: pymongo's "the database did not answer"
failures (`mongo_store_errors()`) become `StoreUnavailableError` (see `guard_store`). A subclass
that may run on the in-process mongomock backend, which is not thread-safe, takes a `lock`
(`super().__init__(lock=lock)`) and wraps its calls in `with self._serialised():`.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from .stores import guard_store, mongo_store_errors


class MongoStore:
    _lock: threading.Lock | None = None

    def __init__(self, *, lock: threading.Lock | None = None) -> None:
        self._lock = lock

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        guard_store(*mongo_store_errors())(cls)

    def _serialised(self) -> AbstractContextManager[Any]:
        return self._lock if self._lock is not None else nullcontext()
