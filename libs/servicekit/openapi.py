"""OpenAPI 3 generated from the app's routes and the marshmallow schemas their views declare.

Views declare what they take and return with `@documented(...)`; `build_spec(app)` walks the URL
map (so no route can be missing from the spec) and turns the schemas into components through
apispec's MarshmallowPlugin. `install_openapi` serves `/openapi.json` and a `/docs` page.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, Response, jsonify, send_from_directory
from marshmallow import Schema

F = TypeVar("F", bound=Callable[..., Any])
SWAGGER_DIST = Path(__file__).resolve().parents[2] / "node_modules" / "swagger-ui-dist"
_PARAM = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_][a-zA-Z0-9_]*)>")
HIDDEN = {"static", "openapi.spec", "openapi.docs", "openapi.asset"}


@dataclass(frozen=True)
class Doc:
    summary: str
    body: type[Schema] | Schema | None = None
    query: type[Schema] | Schema | None = None
    response: type[Schema] | Schema | None = None
    status: int = 200
    errors: tuple[str, ...] = ()
    auth: bool = True
    tags: tuple[str, ...] = ()
    content_type: str = "application/json"
    produces: str = "application/json"  # another media type means a binary success body
    extra: Mapping[str, Any] = field(default_factory=dict)


def documented(summary: str, **options: Any) -> Callable[[F], F]:
    """Attach OpenAPI metadata to a view (schemas, status, error codes, auth)."""
    options = {k: tuple(v) if k in {"errors", "tags"} else v for k, v in options.items()}
    doc = Doc(summary, **options)

    def attach(view: F) -> F:
        view.__openapi__ = doc  # type: ignore[attr-defined]
        return view

    return attach


def _envelope(schema: Any, enveloped: bool) -> Any:
    data = schema if schema is not None else {}
    if not enveloped:
        return data
    return {
        "type": "object",
        "required": ["success"],
        "properties": {
            "success": {"type": "boolean", "enum": [True]},
            "data": data,
            "message": {"type": "string"},
        },
    }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["success", "message", "code"],
    "properties": {
        "success": {"type": "boolean", "enum": [False]},
        "message": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object"},
    },
}


def _operation(
    doc: Doc | None, rule_params: list[str], status_by_code: Mapping[str, int], enveloped: bool
) -> dict[str, Any]:
    doc = doc or Doc(summary="(undocumented)", auth=False)
    op: dict[str, Any] = {"summary": doc.summary, "tags": list(doc.tags)}
    params = [
        {"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
        for p in rule_params
    ]
    if doc.query is not None:
        params.append({"in": "query", "schema": doc.query})
    if params:
        op["parameters"] = params
    if doc.body is not None:
        op["requestBody"] = {"required": True, "content": {doc.content_type: {"schema": doc.body}}}
    success: dict[str, Any] = (
        {"application/json": {"schema": _envelope(doc.response, enveloped)}}
        if doc.produces == "application/json"
        else {doc.produces: {"schema": {"type": "string", "format": "binary"}}}
    )
    responses: dict[str, Any] = {str(doc.status): {"description": "OK", "content": success}}
    codes_by_status: dict[int, list[str]] = {}
    for code in (
        *doc.errors,
        *(("MISSING_TOKEN", "INVALID_TOKEN", "TOKEN_EXPIRED") if doc.auth else ()),
    ):
        codes_by_status.setdefault(status_by_code.get(code, 400), []).append(code)
    for status, codes in sorted(codes_by_status.items()):
        responses[str(status)] = {
            "description": "Error codes: " + ", ".join(sorted(set(codes))),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    op["responses"] = responses
    if doc.auth:
        op["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]
    op.update(doc.extra)
    return op


def build_spec(
    app: Flask,
    *,
    title: str,
    version: str,
    status_by_code: Mapping[str, int],
    enveloped: bool,
    description: str = "",
) -> dict[str, Any]:
    spec = APISpec(
        title=title,
        version=version,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": description},
    )
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    spec.components.security_scheme(
        "cookieAuth", {"type": "apiKey", "in": "cookie", "name": "accessToken"}
    )
    for path, methods in _paths(app, status_by_code, enveloped).items():
        spec.path(path=path, operations=methods)
    result: dict[str, Any] = spec.to_dict()
    return result


def _paths(
    app: Flask, status_by_code: Mapping[str, int], enveloped: bool
) -> dict[str, dict[str, Any]]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in HIDDEN or rule.endpoint.startswith("console."):
            continue
        view = app.view_functions[rule.endpoint]
        doc: Doc | None = getattr(view, "__openapi__", None)
        path = _PARAM.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op = _operation(doc, _PARAM.findall(rule.rule), status_by_code, enveloped)
            paths.setdefault(path, {})[method.lower()] = op
    return paths


def install_openapi(app: Flask, **spec_options: Any) -> None:
    """`GET /openapi.json` (built once, on first request) and `GET /docs` (Swagger UI)."""
    bp = Blueprint("openapi", __name__)
    cache: dict[str, Any] = {}

    @bp.get("/openapi.json")
    def spec() -> Response:
        if "spec" not in cache:
            cache["spec"] = build_spec(app, **spec_options)
        return jsonify(cache["spec"])

    @bp.get("/docs")
    def docs() -> Response:
        return Response(_DOCS_PAGE, mimetype="text/html")

    @bp.get("/docs/<any('swagger-ui.css','swagger-ui-bundle.js'):name>")
    def asset(name: str) -> Response:
        return send_from_directory(SWAGGER_DIST, name, max_age=3600)

    app.register_blueprint(bp)


def route_set(spec: Mapping[str, Any]) -> set[tuple[str, str]]:
    """`{(METHOD, /path/{param})}` of a spec (used to check the Postman collection against it)."""
    return {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}


_DOCS_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>API docs</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui"});</script></body></html>
"""
