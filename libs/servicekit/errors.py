"""One error base with a stable `code`; services subclass it in their domain layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class CodedError(Exception):
    """An expected failure a client can act on: a stable UPPER_SNAKE `code` and a French message.

    The message is a catalogue entry (libs/servicekit/i18n.py): its variable parts are
    `%(name)s` placeholders filled from `params`, so the edge can translate the template."""

    code = "ERROR"
    message = "Erreur"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        params: Mapping[str, Any] | None = None,
        **details: Any,
    ) -> None:
        self.template = message or self.message
        self.params = dict(params or {})
        self.message = self.template % self.params if self.params else self.template
        self.code = code or self.code
        self.details = details
        super().__init__(self.message)


class StoreUnavailableError(CodedError):
    """The database did not answer (down, restarting, connection killed, pool exhausted).

    Adapters raise it instead of any driver exception; clients get a 503 they may retry, and
    nothing was acknowledged."""

    code = "STORE_UNAVAILABLE"
    message = "Base de données temporairement indisponible"


# Checking an access token: the same codes and messages in both services.
class MissingTokenError(CodedError):
    code = "MISSING_TOKEN"
    message = "Token d'authentification requis"


class InvalidTokenError(CodedError):
    code = "INVALID_TOKEN"
    message = "Token invalide ou expiré"


class TokenRevokedError(CodedError):
    code = "TOKEN_REVOKED"
    message = "Session révoquée : reconnectez-vous"


class RevocationStateStaleError(CodedError):
    """The revocation mirror is older than the staleness a service tolerates."""

    code = "REVOCATION_STATE_STALE"
    message = "État des sessions indisponible, réessayez plus tard"
