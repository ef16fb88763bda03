"""Every JSON response a test makes is also rendered by Flask's standard provider and the two
parsed documents compared: the orjson provider must never change what a client reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider

from libs.servicekit.json_provider import OrjsonProvider


class ParityProvider(OrjsonProvider):
    def __init__(self, app: Flask, like: OrjsonProvider) -> None:
        super().__init__(app)
        self.sort_keys, self.ensure_ascii, self.compact = (
            like.sort_keys,
            like.ensure_ascii,
            like.compact,
        )
        self.reference = DefaultJSONProvider(app)
        self.reference.sort_keys, self.reference.ensure_ascii = self.sort_keys, self.ensure_ascii
        self.reference.compact = self.compact
        self.compared: set[str] = set()
        self.mismatches: list[tuple[str, Any, Any]] = []

    def response(self, *args: Any, **kwargs: Any) -> Response:
        ours = super().response(*args, **kwargs)
        theirs = self.reference.response(*args, **kwargs)
        route = request.url_rule.rule if request and request.url_rule else "<unmatched>"
        mine, standard = json.loads(ours.get_data()), json.loads(theirs.get_data())
        if mine != standard:
            self.mismatches.append((route, mine, standard))
        self.compared.add(route)
        return ours


@contextmanager
def json_parity(app: Flask) -> Iterator[ParityProvider]:
    """Install the comparing provider on `app`; fail at exit on any difference."""
    assert isinstance(app.json, OrjsonProvider), "the app does not use the orjson provider"
    parity = ParityProvider(app, app.json)
    app.json = parity
    yield parity
    assert not parity.mismatches, parity.mismatches[:3]
