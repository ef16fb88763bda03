"""auth_user with JWT_ALGORITHM=EdDSA/ES256: tokens signed by the private key, the public keys
published at /.well-known/jwks.json; with HS256 (the default) that set is empty."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jwt
import pytest
from flask import Flask

from libs.servicekit.settings import DEV_JWT_SECRET
from libs.sessions.asymmetric import EDDSA, ES256, load_signing_keys, public_keys_from_jwks
from services.auth_user.app import create_app
from tests.support.key_files import kid_of, mint_signed, new_key, write_private, write_public

from .conftest import DEMO_PASSWORD, bearer, make_settings
from .forged import claims


def asymmetric_app(
    redis_url: str, key_prefix: str, tmp_path: Path, algorithm: str
) -> tuple[Flask, Any, Any]:
    current, old = new_key(algorithm), new_key(algorithm)
    keys = load_signing_keys(
        algorithm,
        write_private(tmp_path / "current.pem", current),
        [write_public(tmp_path / "old.pem", old)],
    )
    settings = make_settings(redis_url, key_prefix, jwt_algorithm=algorithm, jwt_signing=keys)
    return create_app(settings), current, old


def login(app: Flask) -> dict[str, Any]:
    body = {"matricule": "MAT1001", "password": DEMO_PASSWORD}
    response = app.test_client().post("/login", json=body)
    assert response.status_code == 200, response.get_json()
    tokens: dict[str, Any] = response.get_json()
    return tokens


@pytest.mark.parametrize("algorithm", [EDDSA, ES256])
def test_tokens_are_signed_with_the_private_key_and_verifiable_from_the_jwks(
    redis_url: str, key_prefix: str, tmp_path: Path, algorithm: str
) -> None:
    app, current, old = asymmetric_app(redis_url, key_prefix, tmp_path, algorithm)
    client = app.test_client()
    published = client.get("/.well-known/jwks.json")
    assert published.status_code == 200 and "max-age" in published.headers["Cache-Control"]
    jwks = published.get_json()
    assert [k["kid"] for k in jwks["keys"]] == [kid_of(current), kid_of(old)]
    assert all("d" not in k for k in jwks["keys"])  # public halves only
    tokens = login(app)
    header = jwt.get_unverified_header(tokens["accessToken"])
    assert (header["alg"], header["kid"]) == (algorithm, kid_of(current))
    key = public_keys_from_jwks(jwks, algorithm).key_for(header["kid"])
    assert jwt.decode(tokens["accessToken"], key, algorithms=[algorithm])["type"] == "access"
    assert client.get("/sessions", headers=bearer(tokens["accessToken"])).status_code == 200
    refreshed = client.post("/refresh", json={"refreshToken": tokens["refreshToken"]})
    assert refreshed.status_code == 200


def test_a_token_of_the_previous_key_is_accepted_and_hs256_or_unknown_keys_are_not(
    redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    app, _current, old = asymmetric_app(redis_url, key_prefix, tmp_path, EDDSA)
    client = app.test_client()
    user_id = login(app)["user"]["id"]
    by_old = mint_signed(user_id, old, sid="s1", matricule="MAT1001")
    assert client.get("/sessions", headers=bearer(by_old)).status_code == 200
    hs256 = jwt.encode(claims(user_id, "MAT1001"), DEV_JWT_SECRET, algorithm="HS256")
    stranger = mint_signed(user_id, new_key(), sid="s1", matricule="MAT1001")
    for token in (hs256, stranger):
        refused = client.get("/sessions", headers=bearer(token))
        assert (refused.status_code, refused.get_json()["code"]) == (401, "INVALID_TOKEN")


def test_with_hs256_the_jwks_is_empty_and_never_holds_the_secret(
    redis_url: str, key_prefix: str
) -> None:
    response = (
        create_app(make_settings(redis_url, key_prefix)).test_client().get("/.well-known/jwks.json")
    )
    assert response.status_code == 200 and response.get_json() == {"keys": []}
    assert DEV_JWT_SECRET not in response.get_data(as_text=True)
