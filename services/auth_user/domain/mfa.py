"""Second factor: TOTP (RFC 6238) and one-time recovery codes.

A user's credential holds their TOTP secret (sealed: encrypted at rest), whether they confirmed
it with a first code, the last time step a code was accepted for (a code is never accepted
twice), and the hashes of their unused recovery codes. A login that needs a second factor
first gets an `MfaPending`: a short-lived challenge token to present with the code.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstvwxyz23456789"  # nothing to misread
CHALLENGE_TTL_SECONDS = 300
MAX_CHALLENGE_ATTEMPTS = 5
STEP_SECONDS = 30
CODE_DIGITS = 6


@dataclass(frozen=True)
class MfaCredential:
    user_id: str
    sealed_secret: str = ""
    confirmed: bool = False
    last_step: int = 0
    recovery_hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MfaPending:
    """A login whose password was right, waiting for its second factor."""

    token: str
    enrolled: bool  # False: the user must enrol first (their role requires MFA)
    expires_in: int = CHALLENGE_TTL_SECONDS


@dataclass(frozen=True)
class Enrolment:
    """What an authenticator app needs: the secret, and the otpauth:// URI (QR code)."""

    secret: str
    uri: str


@dataclass(frozen=True)
class MfaStatus:
    enabled: bool
    required: bool
    recovery_codes_left: int


def new_recovery_codes() -> list[str]:
    """Ten codes like `k7qfm-2xp9h` (50 random bits each), shown once."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def recovery_hash(code: str) -> str:
    plain = "".join(c for c in code.lower() if c not in " -")
    return hashlib.sha256(plain.encode()).hexdigest()


def looks_like_totp(code: str) -> bool:
    return len(code) == CODE_DIGITS and code.isdigit()
