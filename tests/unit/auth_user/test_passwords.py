from __future__ import annotations

from services.auth_user.infrastructure.passwords import Argon2PasswordHasher

HASHER = Argon2PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def test_hash_is_salted_argon2id_and_verifies() -> None:
    first, second = HASHER.hash("Ngomna2026!"), HASHER.hash("Ngomna2026!")
    assert first.startswith("$argon2id$") and first != second
    assert HASHER.verify(first, "Ngomna2026!")


def test_wrong_password_does_not_verify() -> None:
    assert not HASHER.verify(HASHER.hash("Ngomna2026!"), "ngomna2026!")


def test_a_malformed_stored_hash_is_a_failed_verification_not_an_error() -> None:
    assert not HASHER.verify("not-a-hash", "whatever")
    assert not HASHER.verify("", "whatever")
