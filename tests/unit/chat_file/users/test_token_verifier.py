"""The circuit breaker before auth_user and the local access-token verifier."""

from __future__ import annotations

import time

import jwt
import pytest

from libs.sessions.mirror import USER, Revocation
from services.chat_file.kernel import errors
from services.chat_file.users.adapters.tokens import JwtVerifier
from services.chat_file.users.application.breaker import CLOSED, HALF_OPEN, OPEN, CircuitBreaker

from ..fakes import token

SECRET = "s" * 40


def test_breaker_opens_after_threshold_and_half_opens_after_cool_down() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=3, reset_seconds=10, clock=lambda: now[0])
    for _ in range(3):
        assert breaker.allow()
        breaker.record_failure()
    assert breaker.state == OPEN and not breaker.allow()
    now[0] = 10.0
    assert breaker.state == HALF_OPEN
    assert breaker.allow()  # the probe
    assert not breaker.allow()  # everyone else waits for it
    breaker.record_failure()
    assert breaker.state == OPEN and breaker.opened_count == 2
    now[0] = 25.0
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == CLOSED and breaker.allow()


def test_verifier_accepts_access_tokens_and_reads_identity() -> None:
    verifier = JwtVerifier(SECRET)
    identity = verifier.verify(token("u1", secret=SECRET, matricule="MAT1"))
    assert (identity.user_id, identity.matricule) == ("u1", "MAT1")
    fallback = verifier.verify(token(None, secret=SECRET, matricule="MAT9"))
    assert fallback.user_id == "MAT9"


@pytest.mark.parametrize(
    ("claim", "role", "moderates"),
    [
        ("moderator", "moderator", True),
        ("admin", "admin", True),
        ("compliance", "compliance", False),
        ("user", "user", False),
        (None, "user", False),  # a token from before roles
        ("root", "user", False),  # unknown: least privilege
        (["admin"], "user", False),  # not a string
    ],
)
def test_verifier_reads_the_role_claim(claim: object, role: str, moderates: bool) -> None:
    identity = JwtVerifier(SECRET).verify(token("u1", secret=SECRET, role=claim))
    assert (identity.role, identity.moderates) == (role, moderates)


def test_verifier_remembers_a_token_only_until_it_expires() -> None:
    now = [time.time()]
    verifier = JwtVerifier(SECRET, clock=lambda: now[0])
    issued = token("u1", secret=SECRET, exp=int(now[0]) + 60)
    assert verifier.verify(issued).user_id == "u1"
    assert verifier.verify(issued).user_id == "u1"  # remembered: same answer
    now[0] += 61
    with pytest.raises(errors.TokenExpiredError):
        verifier.verify(issued)


def test_verifier_still_checks_revocation_for_a_remembered_token() -> None:
    verifier = JwtVerifier(SECRET)
    issued = token("u1", secret=SECRET)
    verifier.verify(issued)
    verifier.mirror.apply(Revocation(USER, "u1", int(time.time() * 1000)))
    with pytest.raises(errors.TokenRevokedError):
        verifier.verify(issued)


def test_verifier_does_not_remember_a_forged_twin_of_a_good_token() -> None:
    verifier = JwtVerifier(SECRET)
    good = token("u1", secret=SECRET)
    verifier.verify(good)
    header, payload, signature = good.split(".")
    forged = f"{header}.{payload}.{signature[:-2]}AA"
    with pytest.raises(errors.InvalidTokenError):
        verifier.verify(forged)


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda: token("u", secret=SECRET, type="refresh"), errors.InvalidTokenError),
        (lambda: token("u", secret=SECRET, type=None), errors.InvalidTokenError),
        (lambda: token("u", secret=SECRET, exp=int(time.time()) - 5), errors.TokenExpiredError),
        (lambda: token("u", secret="another-secret-" * 3), errors.InvalidTokenError),
        (lambda: jwt.encode({"id": "u", "type": "access"}, SECRET), errors.InvalidTokenError),
        (
            lambda: jwt.encode(
                {"id": "u", "type": "access", "exp": time.time() + 60}, None, algorithm="none"
            ),
            errors.InvalidTokenError,
        ),
        (lambda: "not.a.jwt", errors.InvalidTokenError),
        (lambda: token(None, secret=SECRET), errors.InvalidTokenError),
    ],
    ids=["refresh", "no-type", "expired", "wrong-secret", "no-exp", "alg-none", "garbage", "no-id"],
)
def test_verifier_refuses_bad_tokens(make, error) -> None:
    with pytest.raises(error):
        JwtVerifier(SECRET).verify(make())
