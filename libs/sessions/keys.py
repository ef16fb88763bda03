"""Signing keys with ids: tokens carry `kid`; the current key signs, previous keys still verify.

A key id is derived from the secret (the first 12 hex digits of its SHA-256), so both
services compute the same ids from the same settings and nothing else has to be configured.
Rotation: set `JWT_SECRET` to the new secret and `JWT_PREVIOUS_SECRETS` to the old one in both
services; tokens signed with the old key stay valid until they expire, new ones carry the new
`kid`. Drop the old secret once the longest token lifetime (the refresh TTL) has passed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def key_id(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class KeyRing:
    current: str = field(repr=False)
    previous: tuple[str, ...] = field(default=(), repr=False)

    @property
    def current_kid(self) -> str:
        return key_id(self.current)

    def secret_for(self, kid: object) -> str | None:
        """The secret of `kid`; the current one for a token without `kid` (issued before key
        ids); None for an unknown id (the token is refused)."""
        if kid is None:
            return self.current
        for secret in (self.current, *self.previous):
            if key_id(secret) == kid:
                return secret
        return None


def secrets_list(raw: str) -> tuple[str, ...]:
    """`JWT_PREVIOUS_SECRETS`: comma-separated secrets, blanks ignored."""
    return tuple(part.strip() for part in raw.split(",") if part.strip())
