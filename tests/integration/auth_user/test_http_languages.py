"""auth_user speaks French and English (issue 24): `Accept-Language`, else the `locale` claim
of the access token (the user's profile language), else French; the code never changes. The
user's choice reaches the shared cache (push texts) and their next tokens."""

from __future__ import annotations

from typing import Any

import jwt
import redis
from flask.testing import FlaskClient

from libs.usercache import UserCache

from .conftest import DEMO_PASSWORD, Login, bearer


def claims(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def test_a_refused_login_speaks_the_asked_language(client: FlaskClient) -> None:
    wrong = {"matricule": "MAT1001", "password": "pas-le-bon"}
    french = client.post("/login", json=wrong)
    assert french.get_json()["message"] == "Matricule ou mot de passe incorrect"
    english = client.post("/login", json=wrong, headers={"Accept-Language": "en-US,en;q=0.9"})
    assert english.status_code == french.status_code == 401
    assert english.get_json()["code"] == french.get_json()["code"] == "INVALID_CREDENTIALS"
    assert english.get_json()["message"] == "Incorrect matricule or password"
    missing = client.get("/me", headers={"Accept-Language": "en"})
    assert (missing.get_json()["code"], missing.get_json()["message"]) == (
        "MISSING_TOKEN",
        "Authentication token required",
    )


def test_the_chosen_locale_rides_in_the_token_and_the_shared_cache(
    client: FlaskClient, login: Login, redis_url: str, key_prefix: str
) -> None:
    first = login("MAT1002")
    assert claims(first["accessToken"])["locale"] == "fr"
    headers = bearer(first["accessToken"])
    assert client.patch("/me", json={"locale": "en"}, headers=headers).status_code == 200
    cache = UserCache(redis.Redis.from_url(redis_url), prefix=f"{key_prefix}user:profile:")
    assert cache.get_many([first["user"]["id"]])[first["user"]["id"]].locale == "en"
    second = login("MAT1002", DEMO_PASSWORD)
    assert claims(second["accessToken"])["locale"] == "en"
    refused = client.patch("/me", json={"locale": "de"}, headers=bearer(second["accessToken"]))
    assert refused.get_json()["code"] == "VALIDATION_ERROR"
    assert refused.get_json()["message"] == "Invalid data"  # the profile's language
    asked = client.patch(
        "/me",
        json={"locale": "de"},
        headers={**bearer(second["accessToken"]), "Accept-Language": "fr"},
    )
    assert asked.get_json()["message"] == "Données invalides"  # the header wins


def test_the_admin_console_loads_its_english_texts(client: FlaskClient) -> None:
    texts = client.get("/admin/console/i18n/en.json").get_json()
    assert (texts["Se connecter"], texts["Réservé aux administrateurs"]) == (
        "Sign in",
        "Admins only",
    )
    assert client.get("/admin/console/i18n/xx.json").status_code == 404
    assert b"window.i18n" in client.get("/admin/console/i18n.js").data
