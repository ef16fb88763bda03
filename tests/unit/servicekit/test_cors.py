from flask import Flask

from libs.servicekit.cors import install_cors


def make_client():
    app = Flask("t")
    install_cors(app, ["http://127.0.0.1:8003", ""])

    @app.post("/login")
    def login() -> dict[str, bool]:
        return {"ok": True}

    return app.test_client()


def test_preflight_from_allowed_origin_is_answered_with_cors_headers() -> None:
    response = make_client().options("/login", headers={"Origin": "http://127.0.0.1:8003"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8003"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


def test_other_origins_get_no_cors_headers() -> None:
    response = make_client().post("/login", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers
