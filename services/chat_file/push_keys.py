"""`python -m services.chat_file.push_keys`: print a new VAPID key pair as environment lines.

VAPID_PRIVATE_KEY goes to chat_file and its push worker (a secret); VAPID_PUBLIC_KEY is what
web clients pass to `pushManager.subscribe` (also served by `GET /push/config`).
"""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def new_vapid_keys() -> tuple[str, str]:
    """(private, public): the raw 32-byte private scalar and the uncompressed public point."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(private), b64url(public)


def main() -> None:
    private, public = new_vapid_keys()
    print(f"VAPID_PRIVATE_KEY={private}")
    print(f"VAPID_PUBLIC_KEY={public}")


if __name__ == "__main__":
    main()
