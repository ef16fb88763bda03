"""Asymmetric token keys (EdDSA on Ed25519, or ES256 on P-256): auth_user signs with a private
key, every verifier holds public keys only, published by auth_user as a JWK Set.

A key id is derived from the public key (the first 12 hex digits of the SHA-256 of its DER
SubjectPublicKeyInfo), so a verifier recomputes it from the key itself and trusts no `kid`
written next to a key. Rotation: give auth_user the new private key in `JWT_PRIVATE_KEY_FILE`
and the old public key in `JWT_PREVIOUS_PUBLIC_KEY_FILES`; verifiers learn the new key from
the JWK Set when a token names it. Key material is never logged nor put in an error message.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

HS256 = "HS256"
EDDSA = "EdDSA"
ES256 = "ES256"
ALGORITHMS = (HS256, EDDSA, ES256)
ASYMMETRIC = frozenset({EDDSA, ES256})

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey


class KeyFileError(ValueError):
    """A key file is missing, unreadable, or holds no key of the configured algorithm."""


def public_key_id(key: PublicKey) -> str:
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:12]


def fits(key: object, algorithm: str) -> bool:
    """The key is one `algorithm` signs or verifies with (Ed25519 for EdDSA, P-256 for ES256)."""
    if algorithm == EDDSA:
        return isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey)
    if algorithm == ES256:
        return isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and (
            isinstance(key.curve, ec.SECP256R1)
        )
    return False


@dataclass(frozen=True)
class PublicKeys:
    """Public keys by id, for one algorithm. `key_for(kid)` is what a verifier asks."""

    algorithm: str
    by_kid: Mapping[str, PublicKey] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, algorithm: str, keys: Iterable[PublicKey]) -> PublicKeys:
        return cls(algorithm, {public_key_id(key): key for key in keys})

    def key_for(self, kid: object) -> PublicKey | None:
        """None for an unknown id, or no id at all (asymmetric tokens always carry one)."""
        return self.by_kid.get(kid) if isinstance(kid, str) else None

    def jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [jwk(key, kid, self.algorithm) for kid, key in self.by_kid.items()]}


@dataclass(frozen=True)
class SigningKeys:
    """auth_user's asymmetric keys: the current private key signs; its public key and the
    previous public keys verify (and are published)."""

    algorithm: str
    private: PrivateKey = field(repr=False)
    previous: tuple[PublicKey, ...] = field(default=(), repr=False)

    @property
    def current_kid(self) -> str:
        return public_key_id(self.private.public_key())

    @property
    def public(self) -> PublicKeys:
        return PublicKeys.of(self.algorithm, (self.private.public_key(), *self.previous))


def load_signing_keys(
    algorithm: str, private_file: str, previous_files: Iterable[str]
) -> SigningKeys:
    """Read the PEM files named by `JWT_PRIVATE_KEY_FILE` and `JWT_PREVIOUS_PUBLIC_KEY_FILES`
    (a previous entry may also be an old private key: only its public half is kept)."""
    if algorithm not in ASYMMETRIC:
        raise KeyFileError(f"JWT_ALGORITHM={algorithm} uses no key files")
    if not private_file:
        raise KeyFileError(f"JWT_ALGORITHM={algorithm} needs JWT_PRIVATE_KEY_FILE")
    private = _pem(private_file, "JWT_PRIVATE_KEY_FILE", private=True)
    if not fits(private, algorithm):
        raise KeyFileError(f"JWT_PRIVATE_KEY_FILE {private_file} is not an {algorithm} key")
    previous = tuple(_public(path, algorithm) for path in previous_files)
    return SigningKeys(algorithm, private, previous)


def _public(path: str, algorithm: str) -> PublicKey:
    key = _pem(path, "JWT_PREVIOUS_PUBLIC_KEY_FILES", private=False)
    public = key.public_key() if hasattr(key, "public_key") else key
    if not fits(public, algorithm):
        raise KeyFileError(f"JWT_PREVIOUS_PUBLIC_KEY_FILES: {path} is not an {algorithm} key")
    return public


def _pem(path: str, setting: str, private: bool) -> Any:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{setting}: cannot read {path} ({exc.strerror})") from None
    try:
        if private or b"PRIVATE KEY" in data:
            return serialization.load_pem_private_key(data, password=None)
        return serialization.load_pem_public_key(data)
    except (ValueError, TypeError):  # the message could quote the file: never pass it on
        raise KeyFileError(f"{setting}: {path} holds no usable unencrypted PEM key") from None


def jwk(key: PublicKey, kid: str, algorithm: str) -> dict[str, str]:
    """RFC 8037 (OKP/Ed25519) or RFC 7518 (EC/P-256) public JWK."""
    common = {"kid": kid, "alg": algorithm, "use": "sig"}
    if isinstance(key, ed25519.Ed25519PublicKey):
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw), **common}
    numbers = key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
        **common,
    }


def public_keys_from_jwks(document: object, algorithm: str) -> PublicKeys:
    """The keys of a JWK Set that fit `algorithm`, by id recomputed from each key; entries of
    another type, curve or `alg` are skipped (no algorithm confusion through the set)."""
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValueError("not a JWK Set")
    named = [e for e in entries if not isinstance(e, dict) or e.get("alg", algorithm) == algorithm]
    keys = [key for key in map(_from_jwk, named) if key is not None and fits(key, algorithm)]
    return PublicKeys.of(algorithm, keys)


def _from_jwk(entry: object) -> PublicKey | None:
    if not isinstance(entry, dict) or entry.get("use", "sig") != "sig":
        return None
    try:
        if entry.get("kty") == "OKP" and entry.get("crv") == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(_unb64(entry["x"]))
        if entry.get("kty") == "EC" and entry.get("crv") == "P-256":
            x, y = (int.from_bytes(_unb64(entry[c]), "big") for c in ("x", "y"))
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    except (KeyError, TypeError, ValueError):
        return None
    return None


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise TypeError("a JWK coordinate is a string")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
