"""Asymmetric token keys made in the test, written as PEM files like a deployment's."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from libs.sessions.asymmetric import EDDSA, PrivateKey, public_key_id


def new_key(algorithm: str = EDDSA) -> PrivateKey:
    if algorithm == EDDSA:
        return ed25519.Ed25519PrivateKey.generate()
    return ec.generate_private_key(ec.SECP256R1())


def write_private(path: Path, key: PrivateKey) -> str:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(path)


def write_public(path: Path, key: PrivateKey) -> str:
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return str(path)


def kid_of(key: PrivateKey) -> str:
    return public_key_id(key.public_key())


def mint_signed(
    user_id: str, key: PrivateKey, algorithm: str = EDDSA, kid: str | None = None, **claims: Any
) -> str:
    """An access token as auth_user issues it in asymmetric mode (`kid` of `key` by default)."""
    now = int(time.time())
    payload = {
        "id": user_id,
        "matricule": "MAT1",
        "iat": now,
        "exp": now + 900,
        "jti": uuid.uuid4().hex,
        "type": "access",
        **claims,
    }
    headers = {"kid": kid or kid_of(key)}
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)
