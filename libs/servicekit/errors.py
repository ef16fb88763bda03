"""One error base with a stable `code`; services subclass it in their domain layer."""

from __future__ import annotations

from typing import Any


class CodedError(Exception):
    """An expected failure a client can act on: a stable UPPER_SNAKE `code` and a French message."""

    code = "ERROR"
    message = "Erreur"

    def __init__(
        self, message: str | None = None, *, code: str | None = None, **details: Any
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.details = details
        super().__init__(self.message)


class StoreUnavailableError(CodedError):
    """The database did not answer (down, restarting, connection killed, pool exhausted).

    Adapters raise it instead of any driver exception; clients get a 503 they may retry, and
    nothing was acknowledged."""

    code = "STORE_UNAVAILABLE"
    message = "Base de données temporairement indisponible"
