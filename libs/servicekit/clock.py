"""Timestamps the stores keep exactly."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now_ms() -> datetime:
    """Now in UTC at millisecond precision (BSON's), so what a store returns is what it stored
    on every backend."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
