"""The admin console's pages: served by auth_user under /admin/console/, same origin as the
admin API, with a strict Content-Security-Policy; not API routes (absent from the OpenAPI
spec); `/admin` stays the lookup of the user "admin"."""

from __future__ import annotations

from flask.testing import FlaskClient


def test_the_console_is_served_under_admin_with_a_strict_policy(client: FlaskClient) -> None:
    page = client.get("/admin/console/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    html = page.get_data(as_text=True)
    assert '<script src="admin.js"></script>' in html and "<script>" not in html
    for asset, mimetype in (("admin.js", "text/javascript"), ("admin.css", "text/css")):
        response = client.get(f"/admin/console/{asset}")
        assert (response.status_code, response.mimetype) == (200, mimetype)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    missing = client.get("/admin/console/nothing.js")
    assert (missing.status_code, missing.get_json()["code"]) == (404, "NOT_FOUND")


def test_the_console_writes_with_the_csrf_header_and_never_html_from_the_server(
    client: FlaskClient,
) -> None:
    script = client.get("/admin/console/admin.js").get_data(as_text=True)
    assert 'headers["X-CSRF-TOKEN"] = cookie(csrf)' in script
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script


def test_the_pages_are_not_in_the_api_spec(client: FlaskClient) -> None:
    paths = client.get("/openapi.json").get_json()["paths"]
    assert "/admin/console/" not in paths and "/admin" not in paths


def test_admin_without_a_slash_is_still_a_user_lookup(client: FlaskClient) -> None:
    response = client.get("/admin")
    assert (response.status_code, response.get_json()["code"]) == (401, "MISSING_TOKEN")
