"""`Readiness`: what `GET /ready` reports, each check a probe the composition root supplies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class Readiness:
    def __init__(
        self, probes: Mapping[str, Callable[[], Any]], following: Callable[[], bool]
    ) -> None:
        self._probes = dict(probes)
        self._following = following

    def checks(self) -> dict[str, Any]:
        """Each probe's answer by name (`database`, `redis`, `authUser`, `breaker`...)."""
        return {name: probe() for name, probe in self._probes.items()}

    def following(self) -> bool:
        """True while this process follows session revocations (its mirror is not stale)."""
        return self._following()
