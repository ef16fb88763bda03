"""The keys tokens are signed and verified with, for the configured `JWT_ALGORITHM`.

HS256: the current secret signs, the current and previous secrets verify (`KeyRing`).
EdDSA/ES256: the private key signs, its public key and the previous public keys verify, and
the public keys are published as a JWK Set (`libs.sessions.asymmetric`). With HS256 the set is
empty: a shared secret is never published.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from libs.sessions import KeyRing
from libs.sessions.asymmetric import EDDSA, HS256, SigningKeys


@dataclass(frozen=True)
class TokenKeys:
    algorithm: str
    current_kid: str
    signing_key: Any = field(repr=False)
    key_for: Callable[[object], Any] = field(repr=False)  # kid -> key, a decoy when unknown
    jwks: dict[str, list[dict[str, str]]] = field(default_factory=lambda: {"keys": []})


def token_keys(ring: KeyRing, signing: SigningKeys | None) -> TokenKeys:
    if signing is None:
        decoy = secrets.token_hex(32)  # an unknown `kid` gets a key nobody signs with
        return TokenKeys(
            HS256, ring.current_kid, ring.current, lambda kid: ring.secret_for(kid) or decoy
        )
    public = signing.public
    unknown = _decoy(signing.algorithm)
    return TokenKeys(
        signing.algorithm,
        signing.current_kid,
        signing.private,
        lambda kid: public.key_for(kid) or unknown,
        public.jwks(),
    )


def _decoy(algorithm: str) -> Any:
    """A public key of the right type whose private half is thrown away at once."""
    if algorithm == EDDSA:
        return ed25519.Ed25519PrivateKey.generate().public_key()
    return ec.generate_private_key(ec.SECP256R1()).public_key()
