"""Service signatures are fresh for ±60 s (DEFAULT_MAX_SKEW), on an injected clock."""

from __future__ import annotations

import pytest

from libs.servicekit.service_auth import DEFAULT_MAX_SKEW, sign_request, verified_service

SECRET = "unit-service-secret-0123456789abcdef"
NOW = 1_800_000_000.0


def signed_at(offset: float) -> dict[str, str]:
    return sign_request(SECRET, "chat_file", "GET", "/batch?ids=a", clock=lambda: NOW + offset)


def verified(headers: dict[str, str]) -> str | None:
    return verified_service(SECRET, headers, "GET", "/batch?ids=a", b"", clock=lambda: NOW)


def test_the_window_is_sixty_seconds() -> None:
    assert DEFAULT_MAX_SKEW == 60


@pytest.mark.parametrize("offset", [-60, -59, 0, 59, 60])
def test_a_signature_within_sixty_seconds_either_way_is_accepted(offset: int) -> None:
    assert verified(signed_at(offset)) == "chat_file"


@pytest.mark.parametrize("offset", [-61, 61, -3600, 3600])
def test_a_signature_older_or_newer_than_sixty_seconds_is_refused(offset: int) -> None:
    assert verified(signed_at(offset)) is None


def test_a_fresh_signature_over_another_request_is_refused() -> None:
    headers = signed_at(0)
    assert verified_service(SECRET, headers, "GET", "/batch?ids=b", b"", clock=lambda: NOW) is None
    assert verified_service(SECRET, headers, "POST", "/batch?ids=a", b"", clock=lambda: NOW) is None
