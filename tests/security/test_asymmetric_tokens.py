"""JWT attacks against both services in asymmetric mode (JWT_ALGORITHM=EdDSA): auth_user signs
with its private key, chat_file holds only the public keys it fetched from auth_user's JWK Set.
The classic confusion (HS256 keyed with the public key), a shared-secret token, another key
under the real `kid`, an unknown `kid`, the other asymmetric algorithm: all refused with 401
over HTTP and on the Socket.IO handshake, while auth_user's own tokens are accepted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import redis
from cryptography.hazmat.primitives import serialization

from libs.sessions.asymmetric import EDDSA, ES256, load_signing_keys
from services.auth_user.app import create_app as create_auth_app
from services.chat_file.app import create_app as create_chat_app
from services.chat_file.users.adapters.jwks import JwksKeys
from tests.support.key_files import kid_of, mint_signed, new_key, write_private

from .conftest import (
    SECRET,
    InProcessAuthUser,
    Stack,
    auth_settings,
    bearer,
    chat_settings,
    drop_keys,
)
from .test_tokens import alg_none, tampered

SIGNING_KEY = new_key(EDDSA)


@pytest.fixture(scope="module")
def eddsa_stack(
    redis_client: redis.Redis, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    folder = tmp_path_factory.mktemp("eddsa")
    prefix = f"test:sec:{uuid.uuid4().hex[:8]}:"
    signing = load_signing_keys(EDDSA, write_private(folder / "key.pem", SIGNING_KEY), [])
    auth_app = create_auth_app(
        auth_settings(prefix, jwt_secret="", jwt_algorithm=EDDSA, jwt_signing=signing)
    )
    published = auth_app.test_client()
    keys = JwksKeys(
        "/.well-known/jwks.json",
        EDDSA,
        fetch=lambda: published.get("/.well-known/jwks.json").get_json(),
    )
    chat_app = create_chat_app(
        chat_settings(prefix, folder, jwt_secret="", jwt_algorithm=EDDSA),
        auth_client=InProcessAuthUser(auth_app),
        token_keys=keys,
    )
    yield Stack(auth_app, chat_app, prefix)
    drop_keys(redis_client, prefix)


def hs256_keyed_with_public_key(user_id: str) -> str:
    """The algorithm-confusion forgery: HS256 whose HMAC key is the published public key."""
    pem = SIGNING_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = jwt.decode(mint_signed(user_id, SIGNING_KEY), options={"verify_signature": False})
    header = {"alg": "HS256", "typ": "JWT", "kid": kid_of(SIGNING_KEY)}
    signing_input = f"{_b64(header)}.{_b64(claims)}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"


def _b64(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def attacks(stack: Stack) -> dict[str, str]:
    session = stack.login("MAT1003")
    user_id, admin_id = session["user"]["id"], stack.login("ADMIN001")["user"]["id"]
    shared = jwt.decode(session["accessToken"], options={"verify_signature": False})
    return {
        "hs256_keyed_with_public_key": hs256_keyed_with_public_key(user_id),
        "hs256_with_a_shared_secret": jwt.encode(
            shared, SECRET, algorithm="HS256", headers={"kid": kid_of(SIGNING_KEY)}
        ),
        "another_key_under_the_real_kid": mint_signed(user_id, new_key(), kid=kid_of(SIGNING_KEY)),
        "unknown_kid": mint_signed(user_id, new_key()),
        "es256_token": mint_signed(user_id, new_key(ES256), ES256),
        "alg_none": alg_none(),
        "tampered_payload": tampered(session["accessToken"], id=admin_id),
    }


ATTACKS = [
    "hs256_keyed_with_public_key",
    "hs256_with_a_shared_secret",
    "another_key_under_the_real_kid",
    "unknown_kid",
    "es256_token",
    "alg_none",
    "tampered_payload",
]


@pytest.fixture(scope="module")
def tokens(eddsa_stack: Stack) -> dict[str, str]:
    return attacks(eddsa_stack)


def test_auth_users_eddsa_tokens_are_accepted_by_both_services(eddsa_stack: Stack) -> None:
    token = eddsa_stack.login("MAT1003")["accessToken"]
    assert jwt.get_unverified_header(token)["alg"] == EDDSA
    assert eddsa_stack.auth.get("/all", headers=bearer(token)).status_code == 200
    assert eddsa_stack.chat.get("/conversations", headers=bearer(token)).status_code == 200
    socket = eddsa_stack.chat_app.extensions["socketio"].test_client(
        eddsa_stack.chat_app, auth={"token": token}
    )
    assert socket.is_connected()
    socket.disconnect()


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_token_is_refused_by_both_services_in_eddsa_mode(
    eddsa_stack: Stack, tokens: dict[str, str], attack: str
) -> None:
    token = tokens[attack]
    for client, path in ((eddsa_stack.auth, "/all"), (eddsa_stack.chat, "/conversations")):
        response = client.get(path, headers=bearer(token))
        assert (response.status_code, response.get_json()["code"]) == (401, "INVALID_TOKEN")
    validated = eddsa_stack.auth.post("/validate", json={"token": token})
    assert validated.status_code == 401
    socket = eddsa_stack.chat_app.extensions["socketio"].test_client(
        eddsa_stack.chat_app, auth={"token": token}
    )
    assert not socket.is_connected()
