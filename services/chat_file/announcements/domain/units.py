"""Org units (ministère > direction > service) as announcements compare them: by *folded* name
(accents, case and repeated spaces aside), exactly as auth_user folds them for its indexes
(`services/auth_user/domain/org.py`; a test holds the two folds equal)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
LEVELS = ("ministere", "direction", "service")
MAX_UNIT_NAME = 200


def fold(text: str | None) -> str:
    plain = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(c for c in plain if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip()


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit by its folded names. A unit names a ministère and optionally a direction, then a
    service: `Unit("finances")` is the whole ministry, `Unit("finances", "budget")` one of its
    directions. An agent's own unit has every level it is known at."""

    ministere: str
    direction: str = ""
    service: str = ""

    @classmethod
    def of(
        cls, ministere: str | None, direction: str | None = "", service: str | None = ""
    ) -> Unit:
        return cls(fold(ministere), fold(direction), fold(service))

    @property
    def valid_target(self) -> bool:
        """An audience unit names a ministère, and a service only under a direction."""
        return bool(self.ministere) and (bool(self.direction) or not self.service)

    def contains(self, agent: Unit) -> bool:
        """Is an agent whose unit is `agent` inside this (audience) unit?"""
        if not self.ministere or agent.ministere != self.ministere:
            return False
        if self.direction and agent.direction != self.direction:
            return False
        return not self.service or agent.service == self.service

    def key(self, level: str) -> str:
        """The unit's name down to `level` (`ministere`, `direction`, `service`)."""
        depth = LEVELS.index(level) + 1
        return "/".join((self.ministere, self.direction, self.service)[:depth])

    def room(self) -> str:
        """The socket room of this unit (an agent joins the rooms of its unit's three levels)."""
        return "unit:" + "/".join(p for p in (self.ministere, self.direction, self.service) if p)

    def rooms(self) -> list[str]:
        """The rooms an agent of this unit joins: its ministère, direction and service."""
        parts = [p for p in (self.ministere, self.direction, self.service) if p]
        return ["unit:" + "/".join(parts[: i + 1]) for i in range(len(parts))]
