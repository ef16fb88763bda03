from __future__ import annotations

from flask.testing import FlaskClient

from libs.servicekit.openapi import route_set

CONTRACT_ROUTES = {
    ("POST", "/login"),
    ("POST", "/refresh"),
    ("POST", "/validate"),
    ("POST", "/logout"),
    ("GET", "/all"),
    ("GET", "/batch"),
    ("POST", "/batch"),
    ("GET", "/matricule/{matricule}"),
    ("GET", "/{ident}"),
    ("POST", "/"),
    ("PUT", "/{ident}"),
    ("DELETE", "/{ident}"),
    ("GET", "/health"),
    ("GET", "/ready"),
}


def test_the_spec_lists_every_contract_route_with_a_summary(client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    assert route_set(spec) >= CONTRACT_ROUTES
    undocumented = {
        (method.upper(), path)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if op["summary"] == "(undocumented)"
    }
    assert undocumented <= {("GET", "/metrics")}


def test_the_spec_declares_auth_and_error_codes_per_route(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "security" not in paths["/login"]["post"]
    for path in ("/{ident}", "/all", "/batch", "/matricule/{matricule}"):
        assert {"bearerAuth": []} in paths[path]["get"]["security"]
        assert "INVALID_SERVICE_SIGNATURE" in paths[path]["get"]["responses"]["401"]["description"]
    assert "MATRICULE_TAKEN" in paths["/"]["post"]["responses"]["409"]["description"]
    assert "RATE_LIMITED" in paths["/login"]["post"]["responses"]["429"]["description"]
