"""A MongoDB database (mongomock or pymongo) whose operations fail on demand.

`FlakyDatabase(db)` hands out collections that raise a pymongo error from the chosen methods
while `fail(...)` is in force; everything else passes through to the real database. Passed to
the services' composition roots as `db=` (no patching of our modules).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pymongo.errors import AutoReconnect

READS = frozenset(
    {"find", "find_one", "count_documents", "aggregate", "distinct", "estimated_document_count"}
)
WRITES = frozenset(
    {
        "insert_one",
        "insert_many",
        "update_one",
        "update_many",
        "replace_one",
        "delete_one",
        "delete_many",
        "find_one_and_update",
        "find_one_and_replace",
        "find_one_and_delete",
        "bulk_write",
    }
)


class FaultSwitch:
    def __init__(self) -> None:
        self.rules: list[tuple[str, frozenset[str]]] = []
        self.raised = 0

    @contextmanager
    def fail(
        self, methods: frozenset[str] = READS | WRITES | {"command"}, collection: str = "*"
    ) -> Iterator[FaultSwitch]:
        rule = (collection, frozenset(methods))
        self.rules.append(rule)
        try:
            yield self
        finally:
            self.rules.remove(rule)

    def check(self, collection: str, method: str) -> None:
        for name, methods in self.rules:
            if name in ("*", collection) and method in methods:
                self.raised += 1
                raise AutoReconnect(f"injected fault: {collection}.{method}")


class FlakyCollection:
    def __init__(self, collection: Any, name: str, database: FlakyDatabase) -> None:
        self._collection = collection
        self._name = name
        self._switch = database.switch
        self.database = database  # `collection.database.command("ping")` fails too

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self._collection, attr)
        if not callable(target) or attr.startswith("_"):
            return target

        def call(*args: Any, **kwargs: Any) -> Any:
            self._switch.check(self._name, attr)
            return target(*args, **kwargs)

        return call


class FlakyDatabase:
    def __init__(self, db: Any, switch: FaultSwitch | None = None) -> None:
        self._db = db
        self.switch = switch or FaultSwitch()

    def __getitem__(self, name: str) -> FlakyCollection:
        return FlakyCollection(self._db[name], name, self)

    def __getattr__(self, attr: str) -> Any:
        if attr == "command":
            return self._command
        return getattr(self._db, attr)

    def _command(self, *args: Any, **kwargs: Any) -> Any:
        self.switch.check("*", "command")
        return self._db.command(*args, **kwargs)

    def get_collection(self, name: str, *_args: Any, **_kwargs: Any) -> FlakyCollection:
        return self[name]
