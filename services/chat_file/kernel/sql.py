"""What every context's SQL tables share: the one `MetaData` of chat_file's database (one
alembic history, `storage/migrations/`), the column types of ids, users, times and JSON
documents, and the codec that keeps datetimes inside JSON documents
(`{"$dt": "<ISO-8601>"}`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from libs.servicekit.sql import UtcDateTime

metadata = sa.MetaData()

ID = sa.String(24)
USER = sa.String(64)
TIME = UtcDateTime()
DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

MARK = "$dt"


def to_doc(value: Any) -> Any:
    if isinstance(value, datetime):
        return {MARK: value.isoformat()}
    if isinstance(value, dict):
        return {k: to_doc(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_doc(v) for v in value]
    return value


def from_doc(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and MARK in value:
            return datetime.fromisoformat(value[MARK])
        return {k: from_doc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_doc(v) for v in value]
    return value


class ColumnIndex:
    """A statement's columns by name: `row[columns.content]` reads a row by column name at the
    cost of a tuple index (SQLAlchemy's named access, `row.content`, costs about thirty times
    more, which shows on a page of 50 messages or a group of 1 000 members). Positions come
    from the statement's own column list, so adding or moving a column shifts nothing."""

    def __init__(self, columns: Iterable[Any]) -> None:
        for position, column in enumerate(columns):
            self.__dict__[column.name] = position

    def __getattr__(self, name: str) -> int:  # only for names no column has
        raise AttributeError(f"no column {name!r} in this statement")
