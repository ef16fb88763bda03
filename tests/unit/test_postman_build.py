"""The committed Postman JSON is exactly what `python -m postman.build` generates."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from postman.build import COLLECTION_PATH, ENVIRONMENT_PATH, main, outputs
from postman.files_requests import FIXTURE


def test_committed_json_equals_the_generated_json() -> None:
    for path, text in outputs().items():
        assert path.read_text() == text, f"{path.name} is stale: run python -m postman.build"
    assert main(["--check"]) == 0


def items(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        yield from items(node["item"]) if "item" in node else [node]


def test_every_request_asserts_its_status_and_the_names_are_unique() -> None:
    collection = json.loads(COLLECTION_PATH.read_text())
    assert collection["info"]["schema"].endswith("/v2.1.0/collection.json")
    requests = list(items(collection["item"]))
    assert len(requests) >= 80
    for request in requests:
        tests = [e for e in request["event"] if e["listen"] == "test"]
        assert tests, request["name"]
        script = "\n".join(tests[0]["script"]["exec"])
        assert "status is" in script, request["name"]
    names = [r["name"] for r in requests]
    assert len(names) == len(set(names))


def test_the_environment_declares_every_variable_the_collection_uses() -> None:
    declared = {v["key"] for v in json.loads(ENVIRONMENT_PATH.read_text())["values"]}
    text = COLLECTION_PATH.read_text()
    used = set(re.findall(r"\{\{(\w+)\}\}", text))
    used |= set(re.findall(r"(?:\benv|pm\.environment\.(?:get|set))\('(\w+)'", text))
    used |= set(re.findall(r'pm\.environment\.set\(\\"(\w+)\\"', text))
    assert used <= declared, sorted(used - declared)


def test_the_upload_fixture_is_committed() -> None:
    assert (COLLECTION_PATH.parent / FIXTURE).stat().st_size > 0
