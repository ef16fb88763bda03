"""The organisation: ministère > direction > service, as the directory describes it.

Filters and the tree compare *folded* names (`fold`): accents, case and repeated spaces aside,
so "Ministère des Finances", "MINISTERE DES FINANCES" and "ministere  des finances" are one unit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str | None) -> str:
    """`text` without accents, in lower case, spaces collapsed: the key stores index."""
    plain = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(c for c in plain if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip()


def folded_words(text: str) -> list[str]:
    """The words of `text`, folded: what a directory search matches prefixes of."""
    return _WORD.findall(fold(text))


ORG_LEVELS = ("ministere", "direction", "service")


def org_keys(values: Mapping[str, Any]) -> dict[str, str]:
    """The folded key (`<level>_key`) of each org level `values` sets: what stores index."""
    return {f"{level}_key": fold(values[level]) for level in ORG_LEVELS if level in values}


@dataclass(frozen=True, slots=True)
class OrgFilter:
    """Agents of one unit; an empty level matches every value."""

    ministere: str = ""
    direction: str = ""
    service: str = ""

    def keys(self) -> dict[str, str]:
        """The folded values of the levels given, by key name (`ministere_key`...)."""
        wanted = org_keys({level: getattr(self, level) for level in ORG_LEVELS})
        return {key: value for key, value in wanted.items() if value}


ANY_UNIT = OrgFilter()


@dataclass(frozen=True, slots=True)
class UnitCount:
    """How many active agents one (ministère, direction, service) holds; the names as stored
    on one of them (units are grouped by their folded names)."""

    ministere: str
    direction: str
    service: str
    agents: int


@dataclass
class OrgUnit:
    name: str
    agents: int = 0
    children: dict[str, OrgUnit] = field(default_factory=dict)  # by folded name

    def add(self, names: list[str], agents: int) -> None:
        self.agents += agents
        if names:
            child = self.children.setdefault(fold(names[0]), OrgUnit(names[0]))
            child.add(names[1:], agents)


def org_tree(counts: list[UnitCount]) -> OrgUnit:
    """The ministères (children of the root), their directions and services, with agent counts."""
    root = OrgUnit("")
    for unit in counts:
        root.add([unit.ministere, unit.direction, unit.service], unit.agents)
    return root
