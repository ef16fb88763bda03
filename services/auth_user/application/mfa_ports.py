"""Ports of the second factor: stored credentials, login challenges, sealing secrets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..domain.mfa import MfaCredential


class MfaStore(Protocol):
    """TOTP credentials and recovery codes (SQL `mfa_credentials` + `mfa_recovery_codes`,
    Mongo `mfa`)."""

    def get(self, user_id: str) -> MfaCredential | None: ...

    def begin(self, user_id: str, sealed_secret: str) -> None:
        """A new, unconfirmed secret (replacing an unconfirmed one; never a confirmed one)."""
        ...

    def confirm(self, user_id: str, step: int, recovery_hashes: Sequence[str]) -> bool:
        """The secret proved by a code of `step`: confirmed, with these recovery codes.
        False if there was no unconfirmed secret."""
        ...

    def use_step(self, user_id: str, step: int) -> bool:
        """Accept a code of `step` once: only if no code of this or a later step was."""
        ...

    def use_recovery(self, user_id: str, recovery_hash: str) -> bool:
        """Spend one recovery code (False if it is not one of the user's unused codes)."""
        ...

    def replace_recovery(self, user_id: str, recovery_hashes: Sequence[str]) -> None: ...

    def delete(self, user_id: str) -> bool: ...


class MfaChallenges(Protocol):
    """Logins waiting for their second factor (Redis, with a time to live)."""

    def create(self, user_id: str, ttl: int) -> str:
        """A new challenge; its unguessable token."""
        ...

    def user_of(self, token: str) -> str | None: ...

    def failed(self, token: str) -> int:
        """Count one wrong code; the attempts made so far."""
        ...

    def drop(self, token: str) -> None: ...


class SecretBox(Protocol):
    """Seals TOTP secrets at rest (`MFA_ENCRYPTION_KEY`)."""

    def seal(self, plain: str) -> str: ...

    def open(self, sealed: str) -> str: ...
