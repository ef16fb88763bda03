"""`AesGcmSecretBox`: TOTP secrets sealed at rest with AES-256-GCM under a key derived from
`MFA_ENCRYPTION_KEY` (SHA-256 of it). A sealed value is `v1:` + base64url(nonce + ciphertext):
a copy of the database alone gives no second factor."""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1:"
LABEL = b"ngomna-mfa-secret"


class AesGcmSecretBox:
    def __init__(self, key: str) -> None:
        self._aead = AESGCM(hashlib.sha256(key.encode()).digest())

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode(), LABEL)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def open(self, sealed: str) -> str:
        if not sealed.startswith(PREFIX):
            raise ValueError("not a sealed secret")
        raw = base64.urlsafe_b64decode(sealed[len(PREFIX) :])
        return self._aead.decrypt(raw[:12], raw[12:], LABEL).decode()
