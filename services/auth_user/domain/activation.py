"""One-time activation codes: how agents a directory import created set their first password.

A code is 12 characters of Crockford's base32 (no I, L, O, U: nothing to misread), shown as
`XXXX-XXXX-XXXX` (60 random bits). Only its SHA-256 is stored (a random 60-bit code needs no
slow hash); typing is forgiving: case, spaces and dashes do not matter, O reads as 0, I and L
as 1.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalised(typed: str) -> str:
    return "".join(c for c in typed.upper() if c not in " -").translate(MISREAD)


def code_hash(code: str) -> str:
    return hashlib.sha256(normalised(code).encode()).hexdigest()


@dataclass(frozen=True)
class PendingActivation:
    """An agent's pending activation: the hash of their code (None until one is issued)."""

    user_id: str
    import_id: str | None
    code_hash: str | None
    expires_at: datetime | None

    def accepts(self, typed: str) -> bool:
        return self.code_hash is not None and hmac.compare_digest(self.code_hash, code_hash(typed))

    def expired(self, now: datetime) -> bool:
        return self.expires_at is None or self.expires_at <= now


@dataclass(frozen=True)
class IssuedCode:
    """A code as the admin hands it over (the only time it exists in clear)."""

    matricule: str
    nom: str
    prenom: str
    ministere: str
    direction: str
    service: str
    code: str
    expires_at: datetime
