"""TOTP secrets sealed at rest with AES-GCM under MFA_ENCRYPTION_KEY."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from services.auth_user.infrastructure.mfa_secrets import AesGcmSecretBox


def test_a_sealed_secret_opens_with_the_same_key_only() -> None:
    box = AesGcmSecretBox("k" * 32)
    sealed = box.seal("JBSWY3DPEHPK3PXP")
    assert sealed.startswith("v1:") and "JBSWY3DPEHPK3PXP" not in sealed
    assert box.open(sealed) == "JBSWY3DPEHPK3PXP"
    assert box.seal("JBSWY3DPEHPK3PXP") != sealed  # a fresh nonce each time
    with pytest.raises(InvalidTag):
        AesGcmSecretBox("o" * 32).open(sealed)
    # A middle base64 character carries 6 whole bits (the last one may hold padding bits).
    middle = len(sealed) // 2
    tampered = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]
    with pytest.raises((InvalidTag, ValueError)):
        box.open(tampered)
    with pytest.raises(ValueError):
        box.open("JBSWY3DPEHPK3PXP")
