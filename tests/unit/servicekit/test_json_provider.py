"""OrjsonProvider against Flask's standard provider on the values routes return."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from libs.servicekit.json_provider import OrjsonProvider


@dataclass
class Point:
    x: int
    label: str


FIXTURES: list[Any] = [
    {"success": True, "data": {"messages": [], "nextCursor": None, "hasMore": False}},
    {"z": 1, "a": [1, 2.5, -3, 1e16, 0.1], "m": {"é": "Réunion à 10h ✓", "emoji": "👍"}},
    {"when": datetime(2026, 1, 5, 8, 30, tzinfo=UTC), "day": date(2026, 1, 5)},
    {"id": uuid.UUID(int=7), "amount": Decimal("12.50"), "point": Point(1, "p")},
    {2: "int keys", 1: "become strings"},
    {"tuple": (1, "two"), "nested": [[{"deep": [None, False]}]]},
    {"huge": 2**70},  # beyond orjson: the standard provider answers
    [1, "list at the top"],
    "a string",
]


@pytest.fixture(params=[(True, False), (False, True)], ids=["sorted", "ordered-ascii"])
def providers(request: pytest.FixtureRequest) -> Any:
    sort_keys, ensure_ascii = request.param
    app = Flask(__name__)
    ours, standard = OrjsonProvider(app), DefaultJSONProvider(app)
    for provider in (ours, standard):
        provider.sort_keys, provider.ensure_ascii = sort_keys, ensure_ascii
    app.extensions["kept"] = (ours, standard)  # providers hold their app weakly
    yield ours, standard, app


@pytest.mark.parametrize("value", FIXTURES)
def test_parsed_output_is_the_standard_providers(providers: Any, value: Any) -> None:
    ours, standard, app = providers
    with app.app_context():
        assert json.loads(ours.dumps(value)) == json.loads(standard.dumps(value))
        mine, theirs = ours.response(value), standard.response(value)
    assert json.loads(mine.get_data()) == json.loads(theirs.get_data())
    assert mine.mimetype == theirs.mimetype == "application/json"
    assert mine.get_data().endswith(b"\n")


def test_key_order_follows_sort_keys(providers: Any) -> None:
    ours, standard, _ = providers
    value = {"b": 1, "a": {"d": 2, "c": 3}}
    assert list(json.loads(ours.dumps(value))) == list(json.loads(standard.dumps(value)))


def test_values_nobody_can_encode_still_raise_type_error(providers: Any) -> None:
    ours, _, _ = providers
    with pytest.raises(TypeError):
        ours.dumps({"x": object()})


def test_debug_output_stays_indented() -> None:
    app = Flask(__name__)
    app.debug = True
    app.json = OrjsonProvider(app)
    with app.app_context():
        assert b'\n  "a": 1' in app.json.response({"a": 1}).get_data()
