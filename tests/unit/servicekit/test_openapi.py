from __future__ import annotations

from flask import Flask
from marshmallow import Schema, fields

from libs.servicekit.openapi import build_spec, documented, install_openapi, route_set


class ItemIn(Schema):
    name = fields.String(required=True)


class ItemOut(Schema):
    id = fields.String()
    name = fields.String()


def make_app() -> Flask:
    app = Flask("t")

    @app.post("/items")
    @documented("Create an item", body=ItemIn, response=ItemOut, status=201, errors=["ITEM_TAKEN"])
    def create() -> tuple[dict[str, str], int]:
        return {}, 201

    @app.get("/items/<item_id>")
    @documented("One item", response=ItemOut, errors=["ITEM_NOT_FOUND"])
    def one(item_id: str) -> dict[str, str]:
        return {}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {}

    install_openapi(
        app,
        title="t",
        version="1",
        status_by_code={
            "ITEM_NOT_FOUND": 404,
            "ITEM_TAKEN": 409,
            "MISSING_TOKEN": 401,
            "INVALID_TOKEN": 401,
            "TOKEN_EXPIRED": 401,
        },
        enveloped=True,
    )
    return app


def test_every_route_is_in_the_spec_including_undocumented_ones() -> None:
    spec = make_app().test_client().get("/openapi.json").json
    assert route_set(spec) == {("POST", "/items"), ("GET", "/items/{item_id}"), ("GET", "/health")}


def test_schemas_errors_and_auth_come_from_the_declarations() -> None:
    app = make_app()
    spec = build_spec(
        app,
        title="t",
        version="1",
        status_by_code={"ITEM_NOT_FOUND": 404, "MISSING_TOKEN": 401},
        enveloped=True,
    )
    one = spec["paths"]["/items/{item_id}"]["get"]
    assert one["parameters"][0]["name"] == "item_id"
    data = one["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["data"]
    assert data == {"$ref": "#/components/schemas/ItemOut"}
    assert "ITEM_NOT_FOUND" in one["responses"]["404"]["description"]
    assert "MISSING_TOKEN" in one["responses"]["401"]["description"]
    assert {"bearerAuth": []} in one["security"]
    create = spec["paths"]["/items"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ItemIn"}
    assert "201" in create["responses"]
    assert "security" not in spec["paths"]["/health"]["get"]


def test_docs_page_is_served() -> None:
    response = make_app().test_client().get("/docs")
    assert response.status_code == 200
    assert b"/openapi.json" in response.data


def test_binary_routes_document_their_media_type() -> None:
    app = Flask("t")

    @app.get("/files/<file_id>/download")
    @documented("Bytes", produces="application/octet-stream")
    def download(file_id: str) -> bytes:
        return b""

    spec = build_spec(app, title="t", version="1", status_by_code={}, enveloped=True)
    content = spec["paths"]["/files/{file_id}/download"]["get"]["responses"]["200"]["content"]
    assert content == {
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
    }
