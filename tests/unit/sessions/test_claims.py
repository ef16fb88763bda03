"""`auth_ms_of`: when a token's session logged in, as both services read it."""

from __future__ import annotations

import pytest

from libs.sessions import auth_ms_of


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"auth_ms": 1_700_000_000_123, "iat": 1_800_000_000}, 1_700_000_000_123),
        ({"iat": 1_700_000_000}, 1_700_000_000_000),  # tokens issued before the claim
        ({"iat": 1_700_000_000.9}, 1_700_000_000_000),
        ({"auth_ms": True, "iat": 5}, 5_000),  # a boolean is not a time
        ({"auth_ms": "1700000000123"}, 0),
        ({}, 0),
    ],
)
def test_auth_ms_is_the_claim_else_iat_in_milliseconds(claims: dict, expected: int) -> None:
    assert auth_ms_of(claims) == expected
