"""Asymmetric token keys on real processes: auth_user signs with an Ed25519 private key and
publishes its public keys at /.well-known/jwks.json; chat_file (APP_ENV=production, no
JWT_SECRET at all) verifies with the fetched public keys over HTTP and Socket.IO. Rotation:
auth_user restarted with a new private key and the old public key as previous; old tokens stay
valid, new ones carry the new `kid` and chat_file accepts them after fetching the set again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
import socketio

from tests.e2e.realtime_support import Probe, chat_env, send, token_for
from tests.e2e.test_sessions import auth_env, bearer, login
from tests.support.key_files import kid_of, new_key, write_private, write_public
from tests.support.servers import ServiceProcess
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

SERVICE_SECRET = "asymmetric-e2e-service-secret-0123456789abcdef"
OLD, NEW = new_key(), new_key()


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jwt-keys")
    write_private(folder / "old.pem", OLD)
    write_public(folder / "old.pub.pem", OLD)
    write_private(folder / "new.pem", NEW)
    return folder


def signing_env(prefix: str, redis_url: str, private: Path, previous: str = "") -> dict[str, str]:
    return {
        **auth_env(prefix, redis_url),
        "JWT_ALGORITHM": "EdDSA",
        "JWT_SECRET": "",
        "JWT_PRIVATE_KEY_FILE": str(private),
        "JWT_PREVIOUS_PUBLIC_KEY_FILES": previous,
        "SERVICE_SECRET": SERVICE_SECRET,
    }


@pytest.fixture(scope="module")
def stack(
    module_key_prefix: str, redis_url: str, key_dir: Path
) -> Iterator[tuple[ServiceProcess, ServiceProcess]]:
    auth = ServiceProcess(
        "auth_user", signing_env(module_key_prefix, redis_url, key_dir / "old.pem")
    ).start()
    env = chat_env(
        module_key_prefix,
        redis_url,
        "gevent",
        APP_ENV="production",  # so a JWT_SECRET would be required if chat_file needed one
        JWT_SECRET="",
        JWT_ALGORITHM="EdDSA",
        JWT_JWKS_REFRESH_INTERVAL="1",
        SERVICE_SECRET=SERVICE_SECRET,
        AUTH_USER_SERVICE_URL=auth.url,
    )
    chat = ServiceProcess("chat_file", env).start()
    yield auth, chat
    chat.stop()
    auth.stop()


def kid(token: str) -> str:
    return str(jwt.get_unverified_header(token)["kid"])


def chat_status(chat: ServiceProcess, token: str) -> tuple[int, str | None]:
    response = requests.get(f"{chat.url}/conversations", headers=bearer(token), timeout=5)
    return response.status_code, response.json().get("code")


def socket_refusal(chat: ServiceProcess, token: str) -> Any:
    probe = Probe(chat.url)
    with pytest.raises(socketio.exceptions.ConnectionError):
        probe.connect(token)
    return probe.connect_error


def test_chat_file_verifies_auth_users_eddsa_tokens_with_public_keys_only(
    stack: tuple[ServiceProcess, ServiceProcess],
) -> None:
    auth, chat = stack
    published = requests.get(f"{auth.url}/.well-known/jwks.json", timeout=5).json()
    assert [(k["kty"], k["crv"], k["kid"]) for k in published["keys"]] == [
        ("OKP", "Ed25519", kid_of(OLD))
    ]
    alice, admin = login(auth, "MAT1001"), login(auth, "ADMIN001")
    assert jwt.get_unverified_header(alice["accessToken"]) == {
        "alg": "EdDSA",
        "kid": kid_of(OLD),
        "typ": "JWT",
    }
    assert chat_status(chat, alice["accessToken"]) == (200, None)
    probe = Probe(chat.url).connect(alice["accessToken"])
    try:
        send(probe, receiverId=admin["user"]["id"], content="signée EdDSA")
    finally:
        probe.close()
    hs256 = token_for(alice["user"]["id"], kid=kid_of(OLD))  # signed with a shared secret
    assert chat_status(chat, hs256) == (401, "INVALID_TOKEN")
    assert socket_refusal(chat, hs256)["code"] == "INVALID_TOKEN"


def test_rotation_keeps_old_tokens_and_chat_file_learns_the_new_key(
    stack: tuple[ServiceProcess, ServiceProcess],
    module_key_prefix: str,
    redis_url: str,
    key_dir: Path,
) -> None:
    auth, chat = stack
    before = login(auth, "MAT1001")
    assert chat_status(chat, before["accessToken"]) == (200, None)
    auth.stop()
    rotated = signing_env(
        module_key_prefix, redis_url, key_dir / "new.pem", str(key_dir / "old.pub.pem")
    )
    auth.env = rotated
    auth.start()  # same port: chat_file's JWT_JWKS_URL is unchanged
    kids = [k["kid"] for k in requests.get(f"{auth.url}/.well-known/jwks.json").json()["keys"]]
    assert kids == [kid_of(NEW), kid_of(OLD)]
    assert chat_status(chat, before["accessToken"]) == (200, None)
    sessions = requests.get(f"{auth.url}/sessions", headers=bearer(before["accessToken"]))
    assert sessions.status_code == 200
    after = login(auth, "MAT1001")
    assert kid(after["accessToken"]) == kid_of(NEW)
    accepted = wait_until(lambda: chat_status(chat, after["accessToken"])[0] == 200, 3.0, 0.2)
    assert accepted and chat_status(chat, after["accessToken"]) == (200, None)
    probe = Probe(chat.url).connect(after["accessToken"])
    try:
        assert probe.client.connected
    finally:
        probe.close()
    forged = jwt.encode(
        jwt.decode(after["accessToken"], options={"verify_signature": False}),
        new_key(),
        algorithm="EdDSA",
        headers={"kid": kid_of(NEW)},
    )
    assert chat_status(chat, forged) == (401, "INVALID_TOKEN")
