"""JWT attacks against both services: each forged or misused token is refused with 401 (and a
refused Socket.IO connection), while a well-formed control token is accepted, so the tests
can tell the difference. Refresh-token reuse and deleted users are covered at auth_user."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import jwt
import pytest

from tests.support.waiting import wait_until

from .conftest import SECRET, Stack, bearer, forge

# forging the HS512 token with our 48-byte secret is the point; PyJWT warns about its length
pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def alg_none() -> str:
    now = int(time.time())
    claims = {"id": "a" * 24, "matricule": "X", "type": "access", "exp": now + 900, "jti": "j"}
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def tampered(token: str, **changes: object) -> str:
    """The same header and signature over a payload with `changes` (e.g. another user's id)."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return f"{header}.{_b64({**claims, **changes})}.{signature}"


def attacks(stack: Stack) -> dict[str, tuple[str, str]]:
    """name → (token, expected code)."""
    now = int(time.time())
    session = stack.login("MAT1003")
    admin_id = stack.login("ADMIN001")["user"]["id"]
    return {
        "alg_none": (alg_none(), "INVALID_TOKEN"),
        "wrong_secret": (
            forge(secret="another-secret-0123456789abcdef-0123456789"),
            "INVALID_TOKEN",
        ),
        "hs512_with_right_secret": (forge(algorithm="HS512"), "INVALID_TOKEN"),
        "expired": (forge(iat=now - 3600, nbf=now - 3600, exp=now - 60), "TOKEN_EXPIRED"),
        "not_yet_valid": (forge(nbf=now + 600), "INVALID_TOKEN"),
        "no_exp": (forge(exp=None), "INVALID_TOKEN"),
        "tampered_payload": (tampered(session["accessToken"], id=admin_id), "INVALID_TOKEN"),
        "refresh_as_access": (session["refreshToken"], "INVALID_TOKEN"),
        "garbage": ("not.a.jwt", "INVALID_TOKEN"),
        "unknown_kid": (kid_token("0123456789ab"), "INVALID_TOKEN"),
        "logged_out_session": (logged_out(stack), "TOKEN_REVOKED"),
    }


def kid_token(kid: str) -> str:
    """Signed with the right secret, but naming a key the services do not hold."""
    token = forge()
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode(claims, SECRET, algorithm="HS256", headers={"kid": kid})


def logged_out(stack: Stack) -> str:
    """An access token whose session logged out (revoked in every process within a second)."""
    session = stack.login("MAT1003")
    stack.auth.post("/logout", json={"refreshToken": session["refreshToken"]})
    token: str = session["accessToken"]
    wait_until(lambda: stack.auth.get("/all", headers=bearer(token)).status_code == 401, 2)
    wait_until(
        lambda: stack.chat.get("/conversations", headers=bearer(token)).status_code == 401, 2
    )
    return token


ATTACKS = [
    "alg_none",
    "wrong_secret",
    "hs512_with_right_secret",
    "expired",
    "not_yet_valid",
    "no_exp",
    "tampered_payload",
    "refresh_as_access",
    "garbage",
    "unknown_kid",
    "logged_out_session",
]


@pytest.fixture(scope="module")
def tokens(stack: Stack) -> dict[str, tuple[str, str]]:
    return attacks(stack)


def _auth_user_answers(stack: Stack) -> Callable[[str], tuple[int, str | None]]:
    def call(token: str) -> tuple[int, str | None]:
        response = stack.auth.get("/all", headers=bearer(token))
        return response.status_code, (response.get_json() or {}).get("code")

    return call


def test_control_tokens_are_accepted_by_both_services(stack: Stack) -> None:
    """A token minted with the shared secret and the right shape passes: the refusals below are
    about the attack, not about the harness."""
    session = stack.login("MAT1003")
    assert stack.auth.get("/all", headers=bearer(session["accessToken"])).status_code == 200
    assert (
        stack.chat.get("/conversations", headers=bearer(session["accessToken"])).status_code == 200
    )
    assert stack.chat.get("/conversations", headers=bearer(forge())).status_code == 200
    socket = stack.chat_app.extensions["socketio"].test_client(
        stack.chat_app, auth={"token": forge()}
    )
    assert socket.is_connected()
    socket.disconnect()


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_token_is_refused_by_auth_user(
    stack: Stack, tokens: dict[str, tuple[str, str]], attack: str
) -> None:
    token, code = tokens[attack]
    assert _auth_user_answers(stack)(token) == (401, code)
    validated = stack.auth.post("/validate", json={"token": token})
    assert (validated.status_code, validated.get_json()["code"]) == (401, code)


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_token_is_refused_by_chat_file_http_and_socket(
    stack: Stack, tokens: dict[str, tuple[str, str]], attack: str
) -> None:
    token, code = tokens[attack]
    response = stack.chat.get("/conversations", headers=bearer(token))
    assert (response.status_code, response.get_json()["code"]) == (401, code)
    cookie = stack.chat_app.test_client()
    cookie.set_cookie("accessToken", token)
    assert cookie.get("/conversations").status_code == 401
    socket = stack.chat_app.extensions["socketio"].test_client(
        stack.chat_app, auth={"token": token}
    )
    assert not socket.is_connected()


def test_reused_refresh_token_revokes_the_whole_family(stack: Stack) -> None:
    first = stack.login("MAT1004")["refreshToken"]
    rotated = stack.auth.post("/refresh", json={"refreshToken": first})
    assert rotated.status_code == 200
    second = rotated.get_json()["refreshToken"]
    reused = stack.auth.post("/refresh", json={"refreshToken": first})
    assert (reused.status_code, reused.get_json()["code"]) == (401, "REFRESH_TOKEN_REUSED")
    after = stack.auth.post("/refresh", json={"refreshToken": second})
    assert (after.status_code, after.get_json()["code"]) == (401, "REFRESH_TOKEN_REVOKED")


def test_access_token_is_not_a_refresh_token(stack: Stack) -> None:
    access = stack.login("MAT1004")["accessToken"]
    response = stack.auth.post("/refresh", json={"refreshToken": access})
    assert (response.status_code, response.get_json()["code"]) == (401, "INVALID_TOKEN")


def test_tokens_of_a_deleted_user_get_no_new_session_and_no_rights(fresh_stack: Stack) -> None:
    """After deletion: refresh is refused, and the still unexpired access token is revoked
    (TOKEN_REVOKED within a second, by both services): it gives no right at all."""
    stack = fresh_stack
    admin = bearer(stack.login("ADMIN001")["accessToken"])
    created = stack.auth.post(
        "/",
        json={"matricule": "GONE001", "nom": "N", "prenom": "P", "password": "gone-pass-1"},
        headers=admin,
    )
    user_id = created.get_json()["id"]
    promoted = stack.auth.put(f"/{user_id}", json={"role": "admin"}, headers=admin)
    assert promoted.status_code == 200
    session = stack.login("GONE001", "gone-pass-1")
    assert stack.auth.delete(f"/{user_id}", headers=admin).status_code == 200
    refreshed = stack.auth.post("/refresh", json={"refreshToken": session["refreshToken"]})
    assert (refreshed.status_code, refreshed.get_json()["code"]) == (401, "REFRESH_TOKEN_REVOKED")
    ghost = bearer(session["accessToken"])
    wait_until(lambda: stack.auth.get("/all", headers=ghost).status_code == 401, timeout=2)
    wait_until(lambda: stack.chat.get("/conversations", headers=ghost).status_code == 401, 2)
    assert stack.chat.get("/conversations", headers=ghost).get_json()["code"] == "TOKEN_REVOKED"
    made = stack.auth.post(
        "/",
        json={"matricule": "GHOST01", "nom": "N", "prenom": "P", "password": "x" * 10},
        headers=ghost,
    )
    assert made.status_code in {401, 403} and made.get_json()["code"] != "MATRICULE_TAKEN"
    edited = stack.auth.put(f"/{user_id}", json={"nom": "Back"}, headers=ghost)
    assert edited.status_code in {401, 403, 404}
    assert (
        stack.auth.post(
            "/login", json={"matricule": "GONE001", "password": "gone-pass-1"}
        ).status_code
        == 401
    )
