"""The pymongo failures that mean "the database did not answer" (→ StoreUnavailableError)."""

from __future__ import annotations

from pymongo.errors import AutoReconnect, ConnectionFailure, ExecutionTimeout, WTimeoutError

MONGO_STORE_ERRORS: tuple[type[Exception], ...] = (
    ConnectionFailure,  # includes AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError
    AutoReconnect,
    ExecutionTimeout,
    WTimeoutError,
)
