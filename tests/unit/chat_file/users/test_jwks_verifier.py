"""JwtVerifier in asymmetric mode: auth_user's public keys from its JWK Set, held in memory."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from libs.sessions import KeyRing
from libs.sessions.asymmetric import EDDSA, ES256, PrivateKey, PublicKeys
from services.chat_file.app import create_app
from services.chat_file.kernel import errors
from services.chat_file.users.adapters.jwks import JwksKeys
from services.chat_file.users.adapters.tokens import JwtVerifier
from tests.support.key_files import kid_of, mint_signed, new_key
from tests.support.tokens import mint

SECRET = "shared-secret-of-the-hs256-mode-0123456789"


class Published:
    """What auth_user's /.well-known/jwks.json answers, and how often it was asked."""

    def __init__(self, *keys: PrivateKey, algorithm: str = EDDSA) -> None:
        self.algorithm = algorithm
        self.keys = list(keys)
        self.calls = 0
        self.down = False

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.down:
            raise requests.ConnectionError("auth_user is down")
        return PublicKeys.of(self.algorithm, [k.public_key() for k in self.keys]).jwks()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def verifier_of(published: Published, clock: Clock | None = None) -> tuple[JwtVerifier, JwksKeys]:
    keys = JwksKeys(
        "http://auth.invalid/.well-known/jwks.json",
        published.algorithm,
        refresh_interval=30,
        fetch=published,
        clock=clock or Clock(),
    )
    keys.refresh()
    return JwtVerifier(keys), keys


@pytest.mark.parametrize("algorithm", [EDDSA, ES256])
def test_a_token_signed_by_the_published_key_is_accepted(algorithm: str) -> None:
    key = new_key(algorithm)
    verifier, _ = verifier_of(Published(key, algorithm=algorithm))
    identity = verifier.verify(mint_signed("a" * 24, key, algorithm, sid="s1"))
    assert (identity.user_id, identity.session_id) == ("a" * 24, "s1")


def test_a_token_signed_by_another_key_under_a_known_kid_is_refused() -> None:
    key, impostor = new_key(), new_key()
    verifier, _ = verifier_of(Published(key))
    with pytest.raises(errors.InvalidTokenError):
        verifier.verify(mint_signed("a" * 24, impostor, kid=kid_of(key)))


def test_an_hs256_token_is_refused_in_asymmetric_mode_without_fetching() -> None:
    published = Published(new_key())
    verifier, _ = verifier_of(published)
    for token in (mint("a" * 24, SECRET), mint("a" * 24, SECRET, kid="0123456789ab")):
        with pytest.raises(errors.InvalidTokenError):
            verifier.verify(token)
    assert published.calls == 1  # the start-up fetch only


def test_an_asymmetric_token_is_refused_in_hs256_mode() -> None:
    verifier = JwtVerifier(KeyRing(SECRET))
    with pytest.raises(errors.InvalidTokenError):
        verifier.verify(mint_signed("a" * 24, new_key()))


def test_a_token_of_the_other_asymmetric_algorithm_is_refused() -> None:
    verifier, _ = verifier_of(Published(new_key(ES256), algorithm=ES256))
    with pytest.raises(errors.InvalidTokenError):
        verifier.verify(mint_signed("a" * 24, new_key(EDDSA)))


def test_an_unknown_kid_fetches_the_set_again_once_per_interval() -> None:
    old, new, forged = new_key(), new_key(), new_key()
    published, clock = Published(old), Clock()
    verifier, keys = verifier_of(published, clock)
    published.keys = [new, old]  # auth_user rotated
    clock.now += 30
    assert verifier.verify(mint_signed("a" * 24, new)).user_id == "a" * 24
    assert published.calls == 2 and set(keys.kids) == {kid_of(new), kid_of(old)}
    for _ in range(3):  # forged ids: no new fetch within the interval
        with pytest.raises(errors.InvalidTokenError):
            verifier.verify(mint_signed("a" * 24, forged))
    assert published.calls == 2
    clock.now += 29
    with pytest.raises(errors.InvalidTokenError):
        verifier.verify(mint_signed("b" * 24, forged))
    assert published.calls == 2
    clock.now += 1
    with pytest.raises(errors.InvalidTokenError):
        verifier.verify(mint_signed("b" * 24, forged))
    assert published.calls == 3


def test_the_previous_key_still_verifies_and_a_known_kid_costs_no_fetch() -> None:
    current, previous = new_key(), new_key()
    published = Published(current, previous)
    verifier, _ = verifier_of(published)
    for key in (previous, current, previous):
        assert verifier.verify(mint_signed("a" * 24, key)).user_id == "a" * 24
    assert published.calls == 1


def test_a_failed_fetch_keeps_the_known_keys_and_is_retried_soon_before_the_first_success() -> None:
    key, clock = new_key(), Clock()
    published = Published(key)
    published.down = True
    verifier, keys = verifier_of(published, clock)  # auth_user not up when chat_file starts
    token = mint_signed("a" * 24, key)
    with pytest.raises(errors.InvalidTokenError):
        verifier.verify(token)
    assert published.calls == 1  # retried after one second at most, not on every request
    published.down = False
    clock.now += 1
    assert verifier.verify(token).user_id == "a" * 24
    published.down = True
    clock.now += 60
    assert not keys.refresh() and keys.kids == (kid_of(key),)


def test_ready_is_degraded_until_the_key_set_was_fetched(
    settings: Any, fakes: dict[str, Any]
) -> None:
    published, clock = Published(new_key()), Clock()
    published.down = True
    keys = JwksKeys(
        "http://auth.invalid/.well-known/jwks.json", EDDSA, fetch=published, clock=clock
    )
    keys.refresh()
    client = create_app(settings, token_keys=keys, **fakes).test_client()
    data = client.get("/ready").get_json()["data"]
    assert (data["tokenKeys"], data["status"]) == (False, "degraded")
    published.down = False
    clock.now += 2  # the once-a-second retry is due
    assert keys.refresh()
    data = client.get("/ready").get_json()["data"]
    assert (data["tokenKeys"], data["status"]) == (True, "ready")


def test_ready_has_no_token_keys_check_with_a_shared_secret(client: Any) -> None:
    assert "tokenKeys" not in client.get("/ready").get_json()["data"]
