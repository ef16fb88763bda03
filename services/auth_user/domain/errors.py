"""Errors a client can act on; `interfaces/http/errors.py` maps each code to a status."""

from __future__ import annotations

from libs.servicekit.errors import CodedError

# the errors of checking an access token, shared with the other service
from libs.servicekit.errors import InvalidTokenError as InvalidTokenError
from libs.servicekit.errors import MissingTokenError as MissingTokenError
from libs.servicekit.errors import RevocationStateStaleError as RevocationStateStaleError
from libs.servicekit.errors import TokenRevokedError as TokenRevokedError


class AuthUserError(CodedError):
    code = "AUTH_USER_ERROR"


class InvalidCredentialsError(AuthUserError):
    code = "INVALID_CREDENTIALS"
    message = "Matricule ou mot de passe incorrect"


class TokenExpiredError(AuthUserError):
    code = "TOKEN_EXPIRED"
    message = "Token expiré"


class AccountDisabledError(AuthUserError):
    code = "ACCOUNT_DISABLED"
    message = "Compte désactivé : contactez un administrateur"


class SessionNotFoundError(AuthUserError):
    code = "SESSION_NOT_FOUND"
    message = "Session introuvable"


class CsrfError(AuthUserError):
    code = "CSRF_FAILED"
    message = "Jeton CSRF manquant ou invalide (en-tête X-CSRF-TOKEN)"


class RefreshTokenReusedError(AuthUserError):
    code = "REFRESH_TOKEN_REUSED"
    message = "Token de rafraîchissement déjà utilisé : session révoquée"


class RefreshTokenRevokedError(AuthUserError):
    code = "REFRESH_TOKEN_REVOKED"
    message = "Token de rafraîchissement révoqué"


class RateLimitedError(AuthUserError):
    code = "RATE_LIMITED"
    message = "Trop de tentatives de connexion, réessayez plus tard"

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after=retry_after)
        self.retry_after = retry_after


class LookupRateLimitedError(RateLimitedError):
    message = "Trop de requêtes, réessayez plus tard"


class InvalidServiceSignatureError(AuthUserError):
    code = "INVALID_SERVICE_SIGNATURE"
    message = "Signature de service invalide ou expirée"


class ForbiddenError(AuthUserError):
    code = "FORBIDDEN"
    message = "Accès refusé"


class UserNotFoundError(AuthUserError):
    code = "USER_NOT_FOUND"
    message = "Utilisateur non trouvé"


class InvalidCurrentPasswordError(AuthUserError):
    code = "INVALID_CURRENT_PASSWORD"
    message = "Mot de passe actuel incorrect"


class MatriculeTakenError(AuthUserError):
    code = "MATRICULE_TAKEN"
    message = "Ce matricule est déjà utilisé"


class TooManyIdsError(AuthUserError):
    code = "TOO_MANY_IDS"
    message = "Trop d'identifiants (200 au maximum)"


class UnreadableFileError(AuthUserError):
    code = "UNREADABLE_FILE"
    message = "Fichier d'import illisible"


class ImportInProgressError(AuthUserError):
    code = "IMPORT_IN_PROGRESS"
    message = "Un import de l'annuaire est déjà en cours"


class ImportNotFoundError(AuthUserError):
    code = "IMPORT_NOT_FOUND"
    message = "Import introuvable"


class SourceUnavailableError(AuthUserError):
    """The directory source could not be read (unreachable, refused the query)."""

    code = "SOURCE_UNAVAILABLE"
    message = "Source de l'annuaire injoignable"


class SourceNotConfiguredError(AuthUserError):
    code = "SOURCE_NOT_CONFIGURED"
    message = "Aucune source SQL configurée (DIRECTORY_SOURCE_URL)"


class FileRequiredError(AuthUserError):
    code = "FILE_REQUIRED"
    message = "Fichier requis (champ multipart `file`)"


class FileTooLargeError(AuthUserError):
    code = "FILE_TOO_LARGE"
    message = "Fichier trop volumineux (DIRECTORY_MAX_BYTES)"


class ImportAbandonedError(AuthUserError):
    """The job was declared dead (no progress for too long) before its writes committed."""

    code = "IMPORT_INTERRUPTED"
    message = "L'import a été interrompu : rien n'a été appliqué"


class TooManyRowsError(AuthUserError):
    code = "TOO_MANY_ROWS"
    message = "La source compte trop de lignes (DIRECTORY_MAX_ROWS) : rien n'a été appliqué"


class InvalidActivationCodeError(AuthUserError):
    code = "INVALID_ACTIVATION_CODE"
    message = "Matricule ou code d'activation incorrect"


class ActivationCodeExpiredError(AuthUserError):
    code = "ACTIVATION_CODE_EXPIRED"
    message = "Code d'activation expiré : demandez-en un nouveau à un administrateur"


class MfaRequiredError(AuthUserError):
    """Not raised by a login (it answers the challenge instead): the route's 401 code."""

    code = "MFA_REQUIRED"
    message = "Code de vérification requis (application d'authentification)"


class InvalidMfaCodeError(AuthUserError):
    code = "INVALID_MFA_CODE"
    message = "Code de vérification incorrect"


class MfaChallengeExpiredError(AuthUserError):
    code = "MFA_CHALLENGE_EXPIRED"
    message = "Vérification expirée ou trop d'essais : reconnectez-vous"


class MfaAlreadyEnabledError(AuthUserError):
    code = "MFA_ALREADY_ENABLED"
    message = "La double authentification est déjà activée"


class MfaNotEnabledError(AuthUserError):
    code = "MFA_NOT_ENABLED"
    message = "La double authentification n'est pas activée"


class MfaMandatoryError(AuthUserError):
    code = "MFA_MANDATORY"
    message = "Votre rôle exige la double authentification : elle ne peut pas être retirée"


class InvalidAvatarError(AuthUserError):
    code = "INVALID_AVATAR"
    message = "Photo de profil invalide : une URL https ou l'identifiant d'un fichier envoyé"
