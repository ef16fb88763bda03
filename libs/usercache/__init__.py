"""Shared Redis cache of user profiles: `user:profile:<id>`, 7-day TTL, one round trip a batch."""

from .cache import DEFAULT_PREFIX, DEFAULT_TTL, UserCache, UserCacheError
from .local import DEFAULT_L1_SIZE, DEFAULT_L1_TTL, LocalProfiles, local_profiles
from .model import HASH_FIELDS, UNKNOWN_USER_NAME, CachedUser, build_full_name

__all__ = [
    "DEFAULT_L1_SIZE",
    "DEFAULT_L1_TTL",
    "DEFAULT_PREFIX",
    "DEFAULT_TTL",
    "HASH_FIELDS",
    "UNKNOWN_USER_NAME",
    "CachedUser",
    "LocalProfiles",
    "UserCache",
    "UserCacheError",
    "build_full_name",
    "local_profiles",
]
