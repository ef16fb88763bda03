"""JSON columns: documents keep their datetimes (stored as `{"$dt": "<ISO-8601>"}`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
