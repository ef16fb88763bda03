"""The Postman collection covers exactly the routes each service's /openapi.json lists.

Paths are compared with every parameter segment made one placeholder: OpenAPI `{name}`, Postman
`{{variable}}` and `:variable`. A route added to a service without a request in the collection
(or a request to a route that does not exist) fails here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import mongomock
import pytest

from libs.servicekit.openapi import route_set
from libs.servicekit.settings import DEV_JWT_SECRET
from postman.build import COLLECTION_PATH
from services.auth_user.app import create_app as create_auth_app
from services.auth_user.settings import Settings as AuthSettings
from services.chat_file.app import create_app as create_chat_app
from services.chat_file.settings import Settings as ChatSettings

Route = tuple[str, str]
HOSTS = {"{{authUrl}}": "auth_user", "{{chatUrl}}": "chat_file"}
PARAMETER = re.compile(r"\{\{[^{}]+\}\}|:[A-Za-z_]\w*|\{[^{}]+\}")

# In the collection, deliberately absent from the specs: servicekit.openapi hides the routes
# that serve the documentation itself (HIDDEN), on both services.
NOT_IN_SPEC: dict[Route, str] = {
    ("GET", "/openapi.json"): "the OpenAPI document itself; servicekit hides it from its spec",
    ("GET", "/docs"): "the Swagger UI page over /openapi.json; hidden from the spec",
}


def normalize(path: str) -> str:
    segments = ["{}" if PARAMETER.fullmatch(segment) else segment for segment in path.split("/")]
    return "/".join(segments) or "/"


def requests_of(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for item in items:
        if "item" in item:
            yield from requests_of(item["item"])
        else:
            yield item


def collection_routes() -> dict[str, set[Route]]:
    collection = json.loads(COLLECTION_PATH.read_text())
    routes: dict[str, set[Route]] = {"auth_user": set(), "chat_file": set()}
    for item in requests_of(collection["item"]):
        request = item["request"]
        url = request["url"]
        host = url["host"][0]
        path = "/" + "/".join(url["path"])
        assert url["raw"].split("?")[0] == host + path, item["name"]
        assert host in HOSTS, f"{item['name']}: unknown base {host}"
        routes[HOSTS[host]].add((request["method"], normalize(path)))
    return routes


def spec_routes(app: Any) -> set[Route]:
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    return {(method, normalize(path)) for method, path in route_set(response.get_json())}


@pytest.fixture
def apps(redis_url: str, key_prefix: str, tmp_path: Path) -> dict[str, Any]:
    shared = {
        "redis_url": redis_url,
        "redis_key_prefix": key_prefix,
        "user_cache_prefix": f"{key_prefix}user:profile:",
    }
    auth_db = f"sqlite:///{tmp_path / 'auth_user.db'}"
    auth = create_auth_app(AuthSettings(app_env="test", database_url=auth_db, **shared))
    chat_settings = ChatSettings(
        app_env="test", jwt_secret=DEV_JWT_SECRET, async_mode="threading", **shared
    )
    chat = create_chat_app(chat_settings, db=mongomock.MongoClient(tz_aware=True)["postman"])
    return {"auth_user": auth, "chat_file": chat}


@pytest.mark.parametrize("service", ["auth_user", "chat_file"])
def test_collection_and_openapi_list_the_same_routes(apps: dict[str, Any], service: str) -> None:
    in_spec = spec_routes(apps[service])
    in_collection = collection_routes()[service]
    assert set(NOT_IN_SPEC) <= in_collection, "the documentation routes are requested too"
    assert not set(NOT_IN_SPEC) & in_spec, "now in the spec: drop it from NOT_IN_SPEC"
    missing = sorted(in_spec - in_collection)
    unknown = sorted(in_collection - in_spec - set(NOT_IN_SPEC))
    assert not missing, f"{service} routes without a Postman request: {missing}"
    assert not unknown, f"Postman requests to routes {service} does not have: {unknown}"


def test_normalize_makes_every_parameter_style_one_placeholder() -> None:
    assert normalize("/conversations/{conversation_id}/participants/{user_id}") == (
        "/conversations/{}/participants/{}"
    )
    assert normalize("/conversations/{{groupId}}/participants/:userId") == (
        "/conversations/{}/participants/{}"
    )
    assert normalize("/messages/search") == "/messages/search"
    assert normalize("/") == "/"
