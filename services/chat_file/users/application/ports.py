"""Ports of the users context: the shared profile cache, auth_user's user data, and the
access-token verifier."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from libs.sessions import RevocationMirror
from libs.usercache import CachedUser
from services.chat_file.kernel.identity import Identity


class ProfileSourceError(Exception):
    """auth_user could not answer (down, timeout, 5xx, garbage)."""


class ProfileCache(Protocol):
    """The shared user cache (`libs.usercache.UserCache`): each call is one round trip."""

    def get_many(self, user_ids: Iterable[str]) -> dict[str, CachedUser]: ...

    def set_many(self, profiles: Iterable[CachedUser]) -> None: ...

    def delete(self, *user_ids: str) -> int: ...


class ProfileSource(Protocol):
    """auth_user's user data: found profiles by id (absent ids are unknown users)."""

    def fetch_many(self, user_ids: list[str]) -> dict[str, Mapping[str, Any]]: ...

    def fetch_by_matricules(self, matricules: list[str]) -> dict[str, Mapping[str, Any]]:
        """Found profiles by matricule (absent ones are unknown)."""
        ...

    def ping(self) -> bool: ...


class TokenVerifier(Protocol):
    """Access tokens checked locally (HTTP and sockets alike); `mirror` follows revocations."""

    mirror: RevocationMirror

    def verify(self, token: str) -> Identity: ...
