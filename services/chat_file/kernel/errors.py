"""The error base every context raises from (one stable `code` each; the HTTP status of a code
lives in the one table of `http/errors.py`), and the errors no single context owns: access
tokens, CSRF, the send rate, malformed ids."""

from __future__ import annotations

from libs.servicekit.errors import CodedError

# the errors of checking an access token, shared with the other service
from libs.servicekit.errors import InvalidTokenError as InvalidTokenError
from libs.servicekit.errors import MissingTokenError as MissingTokenError
from libs.servicekit.errors import RevocationStateStaleError as RevocationStateStaleError
from libs.servicekit.errors import TokenRevokedError as TokenRevokedError


class ChatError(CodedError):
    code = "CHAT_ERROR"


# authentication
class TokenExpiredError(ChatError):
    code = "TOKEN_EXPIRED"
    message = "Token invalide ou expiré"


class CsrfError(ChatError):
    code = "CSRF_FAILED"
    message = "Requête refusée : origine non autorisée (protection CSRF)"


class SendRateLimitedError(ChatError):
    code = "RATE_LIMITED"
    message = "Trop de messages envoyés : réessayez dans un instant"

    def __init__(self) -> None:
        super().__init__(retry_after=1)


# input
class InvalidIdError(ChatError):
    code = "INVALID_ID"
    message = "Identifiant invalide"


# roles (the token's `role` claim)
class ModeratorRequiredError(ChatError):
    code = "MODERATOR_REQUIRED"
    message = "Réservé aux modérateurs"


class AgentSuspendedError(ChatError):
    code = "SUSPENDED"
    message = "Compte suspendu par la modération : lecture seule"
