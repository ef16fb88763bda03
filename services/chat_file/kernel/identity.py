"""Who is calling: the identity carried by a verified access token."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    role: str = ""  # the `role` claim (`admin`: an org admin, who may post any announcement)
