"""Who is calling: the identity carried by a verified access token."""

from __future__ import annotations

from dataclasses import dataclass, field

USER = "user"
MODERATOR = "moderator"
COMPLIANCE = "compliance"
ADMIN = "admin"
ROLES = frozenset({USER, MODERATOR, COMPLIANCE, ADMIN})  # auth_user's `role` claim
MODERATING_ROLES = frozenset({MODERATOR, ADMIN})  # who may read reports and act on them


def role_of(claim: object) -> str:
    """The `role` claim as a known role: anything else (absent, unknown, not a string) is the
    least privileged one, `user`, so an old or odd token never gains a power."""
    return claim if isinstance(claim, str) and claim in ROLES else USER


@dataclass(frozen=True)
class Identity:
    user_id: str  # the `id` claim (falls back to `matricule` only for tokens without `id`)
    matricule: str | None
    session_id: str | None = None  # the `sid` claim: one login on one device
    auth_ms: int = 0  # when that session logged in (ms); revocation watermarks compare it
    expires_at: int = 0  # the token's `exp` (Unix seconds): a socket ends then unless refreshed
    locale: str | None = None  # the `locale` claim: the language of the user's profile
    # the token's `csrf` claim: what a cookie-borne write's X-CSRF-TOKEN must equal (not part
    # of who the caller is, and never printed)
    csrf: str | None = field(default=None, compare=False, repr=False)
    # the `role` claim (`role_of`): user, moderator, compliance or admin (`admin`: an org admin,
    # who may also post any announcement)
    role: str = USER

    @property
    def moderates(self) -> bool:
        """Moderators and admins may read reports and act on messages and agents."""
        return self.role in MODERATING_ROLES
