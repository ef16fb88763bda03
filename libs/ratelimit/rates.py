"""Rates (`10/1s`, `600/1m`) and the table of them a service builds from `RATE_LIMIT_<ACTION>`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from libs.servicekit.settings import SettingsError

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_RATE = re.compile(r"^(\d+)\s*/\s*(\d*(?:\.\d+)?)\s*(ms|s|m|h|d)$")
OFF = frozenset({"off", "0", "none", "unlimited"})


@dataclass(frozen=True)
class Rate:
    """`count` requests per `period` seconds, in bursts of up to `count` (GCRA: one request
    every `period / count` seconds on average, `count` at once after a quiet `period`)."""

    count: int
    period: float

    def __post_init__(self) -> None:
        if self.count <= 0 or self.period <= 0:
            raise ValueError("a rate needs a positive count and period")

    @property
    def interval(self) -> float:
        return self.period / self.count

    def __str__(self) -> str:
        return f"{self.count}/{self.period:g}s"


def parse_rate(text: str) -> Rate | None:
    """`10/1s`, `10/s`, `600/1m`, `5/15m`, `1000/1d`; `off` (or `0`) for no limit."""
    value = text.strip().lower()
    if value in OFF:
        return None
    match = _RATE.match(value)
    if match is None:
        raise ValueError(f"a rate is N/<period> such as 10/1s or 600/1m, not {text!r}")
    count, amount, unit = match.groups()
    return Rate(int(count), float(amount or 1) * _UNITS[unit])


def variable(action: str) -> str:
    """The setting of an action: `send` → `RATE_LIMIT_SEND`, `create-conversation` →
    `RATE_LIMIT_CREATE_CONVERSATION`."""
    return "RATE_LIMIT_" + re.sub(r"[^A-Z0-9]+", "_", action.upper())


@dataclass(frozen=True)
class RateTable(Mapping[str, Rate | None]):
    """The limit of each action a service checks (None: not limited)."""

    rates: Mapping[str, Rate | None]

    @classmethod
    def from_env(cls, env: Mapping[str, str], defaults: Mapping[str, str]) -> RateTable:
        """Each action's `RATE_LIMIT_<ACTION>`, else its default; a bad value names the
        variable (the service refuses to start)."""
        rates: dict[str, Rate | None] = {}
        for action, default in defaults.items():
            name = variable(action)
            raw = env.get(name, "").strip() or default
            try:
                rates[action] = parse_rate(raw)
            except ValueError as exc:
                raise SettingsError(f"{name}: {exc}") from None
        return cls(rates)

    def __getitem__(self, action: str) -> Rate | None:
        return self.rates[action]

    def __iter__(self) -> Iterator[str]:
        return iter(self.rates)

    def __len__(self) -> int:
        return len(self.rates)
