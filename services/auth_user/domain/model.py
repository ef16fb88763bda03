"""Users, roles, tokens and pages: the plain data the auth_user service works with."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

MAX_MATRICULE_LENGTH = 64
MAX_PASSWORD_BYTES = 128
MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 100
MAX_BATCH_IDS = 200
MAX_PAGE_SIZE = 100
MAX_ORG_LENGTH = 200  # ministere, direction, service, poste
MAX_PHONE_LENGTH = 32
LOCALES = ("fr", "en")
DEFAULT_LOCALE = "fr"


class Role(StrEnum):
    """A user's role, carried as the `role` claim of access tokens (chat_file reads it)."""

    USER = "user"
    MODERATOR = "moderator"  # moderates conversations in chat
    COMPLIANCE = "compliance"  # reads records for legal holds and inquiries
    ADMIN = "admin"  # manages accounts, the directory and the audit log


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


# Fields only an admin may change; a user edits the rest of their own profile. Names are HR
# data (the directory is their source): a user renaming themselves "Support ADMINISTRATEUR"
# would mislead every colleague, so nom and prenom are the admins' (and the directory's).
ADMIN_ONLY_FIELDS = frozenset({"role", "password", "nom", "prenom"})


@dataclass(frozen=True, slots=True)
class NewUser:
    """A user about to be stored (no id yet); the password is already hashed."""

    matricule: str
    nom: str
    prenom: str
    password_hash: str
    role: Role = Role.USER
    email: str | None = None
    profile_pic: str | None = None
    ministere: str = ""
    sexe: str = ""
    direction: str = ""
    service: str = ""
    poste: str = ""
    phone: str | None = None
    locale: str = DEFAULT_LOCALE
    managed: bool = False  # True: kept in step by the directory sync
    active: bool = True


@dataclass(frozen=True, slots=True)
class User:
    id: str
    matricule: str
    nom: str
    prenom: str
    password_hash: str = field(repr=False)
    role: Role = Role.USER
    email: str | None = None
    profile_pic: str | None = None
    ministere: str = ""
    sexe: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    active: bool = True  # False: deactivated by an admin (no login, every session ended)
    direction: str = ""
    service: str = ""
    poste: str = ""
    phone: str | None = None
    locale: str = DEFAULT_LOCALE  # the language the user chose: "fr" or "en"
    managed: bool = False  # True: created or matched by a directory import, kept in step by it

    @property
    def activated(self) -> bool:
        """False for an agent a directory import created, until they set a password."""
        return bool(self.password_hash)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def profile(self) -> dict[str, Any]:
        """Display data for the shared user cache (no secrets)."""
        updated = int(self.updated_at.timestamp() * 1000) if self.updated_at else None
        return {
            "id": self.id,
            "nom": self.nom,
            "prenom": self.prenom,
            "avatar": self.profile_pic,
            "matricule": self.matricule,
            "ministere": self.ministere,
            "sexe": self.sexe,
            "updatedAt": updated,
            "locale": self.locale,  # the language push texts use (never shown to others)
            "direction": self.direction,
            "service": self.service,
        }


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says."""

    user_id: str
    matricule: str
    jti: str
    type: TokenType
    exp: int
    family: str | None = None  # the session: `fam` on refresh tokens, `sid` on access tokens
    auth_ms: int = 0  # when the session logged in (ms); revocation watermarks compare it
    role: str = ""  # the `role` claim of access tokens (empty on refresh tokens)


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    refresh_jti: str  # what the refresh-session store records, without decoding the token
    refresh_expires_at: int


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in user and the tokens just issued to them."""

    user: User
    tokens: TokenPair
    id: str = ""  # the session (refresh-token family, `sid` in access tokens)


@dataclass(frozen=True, slots=True)
class DeviceSession:
    """One logged-in device, as its owner sees it in the list of their sessions."""

    id: str
    user_agent: str
    ip: str
    created_at_ms: int
    last_used_ms: int


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """A security event: login ok/failed, logout, revocation, account change, refusal."""

    kind: str
    at: datetime
    user_id: str | None = None  # whose account
    actor_id: str | None = None  # who did it (an admin, the user, None for the system)
    ip: str = ""
    detail: str = ""  # a reason code (`wrong_password`, `logout_all`...), never a secret


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    total: int
    page: int
    limit: int

    @property
    def pages(self) -> int:
        return (self.total + self.limit - 1) // self.limit if self.limit else 0


@dataclass(frozen=True, slots=True)
class BatchResult:
    users: list[User]
    missing: list[str]


@dataclass(frozen=True, slots=True)
class LoginLimits:
    """How failed logins slow the next ones down; successful logins are never counted.

    Per (matricule, client IP): `free_failures` failures cost nothing, then each further one
    makes that pair wait `backoff_base` seconds, doubled each time, at most `backoff_max`;
    the pair's count is forgotten `forget_after` seconds after its last failure, and at once
    on a success. The owner of the matricule, logging in from another address, is never held
    up by someone else's guesses. Per client IP, across every matricule: `per_ip` failures
    within `window_seconds`, then that IP waits for the window to end (password spraying).
    """

    free_failures: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 900.0
    forget_after: int = 86_400
    per_ip: int = 50
    window_seconds: int = 300

    def backoff(self, failures: int) -> float:
        """Seconds the pair waits after its `failures`-th failure in a row."""
        extra = failures - self.free_failures
        if extra <= 0:
            return 0.0
        return min(self.backoff_max, self.backoff_base * 2.0 ** min(extra - 1, 40))
