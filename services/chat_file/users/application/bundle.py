"""`UsersServices`: what the users context offers the others, as wired by a composition root."""

from __future__ import annotations

from dataclasses import dataclass

from services.chat_file.users.application.directory import UserDirectory
from services.chat_file.users.application.ports import TokenVerifier


@dataclass(frozen=True)
class UsersServices:
    directory: UserDirectory  # who an id is (display data)
    verifier: TokenVerifier  # who is calling (access tokens, checked locally)
