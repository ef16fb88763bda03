"""FlaskJwtTokenCodec inside an app configured like the service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import jwt
import pytest
from flask import Flask

from libs.servicekit.settings import DEV_JWT_SECRET
from services.auth_user.bootstrap import TOKEN_SHAPE
from services.auth_user.domain.errors import CsrfError, InvalidTokenError, TokenExpiredError
from services.auth_user.domain.model import Role, TokenType, User
from services.auth_user.infrastructure.jwt_tokens import FlaskJwtTokenCodec
from services.auth_user.interfaces.http.jwt import install_jwt
from services.auth_user.settings import Settings

from .forged import expired_token, invalid_tokens

USER = User(id="a" * 24, matricule="MAT1", nom="Dupont", prenom="Jean", password_hash="x")
CODEC = FlaskJwtTokenCodec()


@pytest.fixture(autouse=True)
def app_context() -> Iterator[None]:
    app = Flask("codec")
    install_jwt(app, Settings(app_env="test"), TOKEN_SHAPE)
    with app.app_context():
        yield


def payload(token: str) -> dict[str, object]:
    data: dict[str, object] = jwt.decode(token, DEV_JWT_SECRET, algorithms=["HS256"])
    return data


def test_access_token_carries_the_shared_claims_and_lives_15_minutes() -> None:
    data = payload(CODEC.issue(USER, "fam1", 1).access_token)
    assert {"id", "matricule", "iat", "nbf", "exp", "jti", "type"} <= set(data)
    assert (data["id"], data["matricule"], data["type"]) == (USER.id, "MAT1", "access")
    assert data["exp"] - data["iat"] == 900  # type: ignore[operator]
    assert "fam" not in data


@pytest.mark.parametrize("role", list(Role))
def test_access_token_carries_the_role_claim_the_refresh_token_does_not(role: Role) -> None:
    pair = CODEC.issue(replace(USER, role=role), "fam1", 1)
    assert payload(pair.access_token)["role"] == role.value
    assert "role" not in payload(pair.refresh_token)


def test_refresh_token_has_its_own_type_family_and_7_day_life() -> None:
    data = payload(CODEC.issue(USER, "fam1", 1).refresh_token)
    assert (data["type"], data["fam"]) == ("refresh", "fam1")
    assert data["exp"] - data["iat"] == 604_800  # type: ignore[operator]


def test_decode_round_trips_both_kinds() -> None:
    pair = CODEC.issue(USER, "fam1", 1)
    access = CODEC.decode(pair.access_token, TokenType.ACCESS)
    refresh = CODEC.decode(pair.refresh_token, TokenType.REFRESH)
    assert (access.user_id, access.matricule, access.family) == (USER.id, "MAT1", "fam1")
    assert (refresh.family, refresh.type) == ("fam1", TokenType.REFRESH)
    assert access.auth_ms == refresh.auth_ms == 1  # the session's login time, on both
    assert access.jti != refresh.jti


@pytest.mark.parametrize(
    "name",
    ["garbage", "alg_none", "wrong_secret", "tampered_payload", "without_exp", "refresh_as_access"],
)
def test_bad_tokens_are_invalid(name: str) -> None:
    token = invalid_tokens(CODEC.issue(USER, "f", 1).access_token, USER.id, "MAT1")[name]
    with pytest.raises(InvalidTokenError):
        CODEC.decode(token, TokenType.ACCESS)


def test_an_access_token_is_not_a_refresh_token() -> None:
    with pytest.raises(InvalidTokenError):
        CODEC.decode(CODEC.issue(USER, "f", 1).access_token, TokenType.REFRESH)


def test_an_expired_token_is_reported_as_expired() -> None:
    with pytest.raises(TokenExpiredError):
        CODEC.decode(expired_token(USER.id, "MAT1"), TokenType.ACCESS)


def test_csrf_value_must_match_the_token_claim() -> None:
    token = CODEC.issue(USER, "f", 1).refresh_token
    csrf = str(payload(token)["csrf"])
    assert CODEC.decode(token, TokenType.REFRESH, csrf=csrf).family == "f"
    for wrong in ("", "forged"):
        with pytest.raises(CsrfError):
            CODEC.decode(token, TokenType.REFRESH, csrf=wrong)
