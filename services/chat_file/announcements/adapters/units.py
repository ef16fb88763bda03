"""`CachedUnits`: an agent's current unit from the shared user cache (`user:profile:<id>`,
whose `ministere`, `direction`, `service` auth_user writes at login, profile changes and every
directory sync). A hash written before `direction`/`service` existed reads as the ministère
alone, which still matches ministère-wide audiences."""

from __future__ import annotations

from services.chat_file.users.application.ports import ProfileCache

from ..domain.units import Unit


class CachedUnits:
    def __init__(self, cache: ProfileCache) -> None:
        self._cache = cache

    def unit_of(self, user_id: str) -> Unit | None:
        found = self._cache.get_many([user_id]).get(user_id)
        if found is None or not found.ministere:
            return None
        return Unit.of(found.ministere, found.direction, found.service)
