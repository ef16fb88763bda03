"""Rates as settings are written, the table built from them, and the in-process GCRA."""

from __future__ import annotations

import pytest

from libs.ratelimit import LocalGcra, Rate, RateTable, parse_rate, variable
from libs.servicekit.settings import SettingsError


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10/1s", Rate(10, 1)),
        ("10/s", Rate(10, 1)),
        (" 600 / 1m ", Rate(600, 60)),
        ("5/15m", Rate(5, 900)),
        ("1000/1d", Rate(1000, 86400)),
        ("20/500ms", Rate(20, 0.5)),
        ("3/1.5h", Rate(3, 5400)),
        ("off", None),
        ("0", None),
    ],
)
def test_rates_are_read_as_written(text: str, rate: Rate | None) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "10", "ten/1s", "10/1w", "-1/1s", "0/1s", "10/0s", "1/s/s"])
def test_malformed_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rate(text)


def test_the_table_takes_each_setting_or_its_default_and_names_a_bad_variable() -> None:
    defaults = {"send": "10/1s", "create-conversation": "20/1m", "search": "off"}
    table = RateTable.from_env({"RATE_LIMIT_SEND": "3/1s", "RATE_LIMIT_SEARCH": "5/1s"}, defaults)
    assert dict(table) == {
        "send": Rate(3, 1),
        "create-conversation": Rate(20, 60),
        "search": Rate(5, 1),
    }
    assert variable("create-conversation") == "RATE_LIMIT_CREATE_CONVERSATION"
    with pytest.raises(SettingsError, match="RATE_LIMIT_SEND"):
        RateTable.from_env({"RATE_LIMIT_SEND": "lots"}, defaults)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_local_gcra_allows_a_burst_then_one_per_interval() -> None:
    clock, rate = Clock(), Rate(4, 1)
    limiter = LocalGcra(clock)
    assert [limiter.wait("k", rate) for _ in range(4)] == [0, 0, 0, 0]
    assert limiter.wait("k", rate) == pytest.approx(0.25)
    assert limiter.wait("other", rate) == 0
    clock.now += 0.25
    assert limiter.wait("k", rate) == 0
    assert limiter.wait("k", rate) == pytest.approx(0.25)
    clock.now += 1
    assert [limiter.wait("k", rate) for _ in range(4)] == [0, 0, 0, 0]
