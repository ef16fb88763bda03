"""Session revocation shared by both services: "not before" watermarks per user and per
session, written to Redis and published by auth_user, mirrored in every process's memory so a
token check costs no Redis round trip (`docs/security.md`, "Sessions and revocation")."""

from .claims import auth_ms_of
from .keys import KeyRing, key_id, secrets_list
from .mirror import Revocation, RevocationMirror, Verdict
from .redis_revocations import RedisRevocations, RevocationListener

__all__ = [
    "KeyRing",
    "RedisRevocations",
    "Revocation",
    "RevocationListener",
    "RevocationMirror",
    "Verdict",
    "auth_ms_of",
    "key_id",
    "secrets_list",
]
