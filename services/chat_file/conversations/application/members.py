"""`MemberCheck`: the ids given for the members of a group or broadcast, checked before any
write: well formed, at most `max_members` in the conversation, each known to auth_user (one
batch lookup through the directory; a matricule given where an id is expected is resolved to
its user's id, as the old clients sent matricules)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from libs.servicekit.errors import CodedError
from services.chat_file.conversations.domain.errors import (
    DirectoryUnavailableError,
    TooManyMembersError,
    UserNotFoundError,
)
from services.chat_file.kernel.ids import check_user_id
from services.chat_file.users.application.directory import MemberLookup, UserDirectory

MAX_GROUP_MEMBERS = 1000  # MAX_GROUP_MEMBERS: participants of a group or broadcast


class MemberCheck:
    def __init__(self, directory: UserDirectory, max_members: int = MAX_GROUP_MEMBERS) -> None:
        self._directory = directory
        self.max_members = max_members

    def resolve(self, given: Iterable[Any], *, exclude: str | None, present: int = 0) -> list[str]:
        """All or nothing: the user ids, each once, without `exclude`. INVALID_ID for a
        malformed one, TOO_MANY_MEMBERS past the cap (`present`: members there already),
        USER_NOT_FOUND listing every unknown one (`errors.members`)."""
        ids = list(dict.fromkeys(check_user_id(g) for g in given))
        self.check_cap(len([i for i in ids if i != exclude]) + present)
        lookup = self._lookup(ids)
        if lookup.unknown:
            raise UserNotFoundError(errors={"members": lookup.unknown})
        return [u for u in dict.fromkeys(lookup.ids[i] for i in ids) if u != exclude]

    def sort(self, given: Iterable[Any]) -> list[tuple[Any, str | CodedError]]:
        """What can be, in the order given: `(given, user id)` for a known one, `(given,
        error)` for the others (the old clients' partial `addParticipant`). At most
        `max_members` of them: the caller checks the conversation's size."""
        shaped: list[tuple[Any, str | CodedError]] = []
        for raw in dict.fromkeys(given):
            try:
                shaped.append((raw, check_user_id(raw)))
            except CodedError as exc:
                shaped.append((raw, exc))
        ids = [i for _, i in shaped if isinstance(i, str)]
        self.check_cap(len(ids))
        known = self._lookup(ids).ids if ids else {}
        return [
            (raw, i if not isinstance(i, str) else known.get(i) or UserNotFoundError())
            for raw, i in shaped
        ]

    def check_cap(self, count: int) -> None:
        if count > self.max_members:
            raise TooManyMembersError(
                "%(max)s participants au plus", params={"max": self.max_members}
            )

    def _lookup(self, ids: list[str]) -> MemberLookup:
        lookup = self._directory.find_members(ids)
        if lookup.unchecked:
            raise DirectoryUnavailableError()
        return lookup
