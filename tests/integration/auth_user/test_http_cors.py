"""The web console (served by chat_file) logs in to auth_user from another origin."""

from __future__ import annotations

from flask.testing import FlaskClient

from .conftest import DEMO_PASSWORD

CONSOLE = "http://127.0.0.1:8003"


def test_login_preflight_and_answer_allow_the_console_origin(client: FlaskClient) -> None:
    preflight = client.options("/login", headers={"Origin": CONSOLE})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == CONSOLE
    answer = client.post(
        "/login",
        json={"matricule": "MAT1001", "password": DEMO_PASSWORD},
        headers={"Origin": CONSOLE},
    )
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == CONSOLE


def test_unlisted_origin_gets_no_cors_grant(client: FlaskClient) -> None:
    answer = client.post(
        "/login",
        json={"matricule": "MAT1001", "password": DEMO_PASSWORD},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert "Access-Control-Allow-Origin" not in answer.headers
