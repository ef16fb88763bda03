"""HttpAuthUserClient over real HTTP: bounded retries of retryable failures, one budget."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from services.chat_file.users.adapters.auth_client import HttpAuthUserClient
from services.chat_file.users.application.breaker import CircuitBreaker
from services.chat_file.users.application.directory import UserDirectory
from services.chat_file.users.application.ports import ProfileSourceError
from tests.fakes_chat import FakeAuthUserServer, demo_profile
from tests.support.servers import free_port
from tests.unit.chat_file.fakes import FakeProfileCache

IDS = [f"{n:024x}" for n in range(1, 4)]


@pytest.fixture
def server() -> Iterator[FakeAuthUserServer]:
    fake = FakeAuthUserServer({u: demo_profile(u, n) for n, u in enumerate(IDS)}).start()
    yield fake
    fake.stop()


def client_for(url: str, **kw: float) -> HttpAuthUserClient:
    return HttpAuthUserClient(url, timeout=kw.pop("timeout", 5.0), backoff=0.01, **kw)  # type: ignore[arg-type]


def test_502_503_504_are_retried_and_counted(server: FakeAuthUserServer) -> None:
    server.fail_next = [503, 502]
    client = client_for(server.url)
    assert set(client.fetch_many(IDS)) == set(IDS)
    assert (server.calls, client.retries) == (3, 2)
    server.fail_next = [504]
    assert len(client.fetch_many(IDS)) == 3 and client.retries == 3


def test_attempts_are_bounded(server: FakeAuthUserServer) -> None:
    server.fail_next = [503] * 10
    client = client_for(server.url, attempts=3)
    with pytest.raises(ProfileSourceError, match="503"):
        client.fetch_many(IDS)
    assert (server.calls, client.retries) == (3, 2)


@pytest.mark.parametrize("status", [500, 400, 404])
def test_other_statuses_are_not_retried(server: FakeAuthUserServer, status: int) -> None:
    server.fail_next = [status]
    client = client_for(server.url)
    with pytest.raises(ProfileSourceError, match=str(status)):
        client.fetch_many(IDS)
    assert (server.calls, client.retries) == (1, 0)


def test_a_refused_connection_is_retried_then_reported() -> None:
    client = client_for(f"http://127.0.0.1:{free_port()}", attempts=4)
    with pytest.raises(ProfileSourceError, match="unreachable"):
        client.fetch_many(IDS)
    assert client.retries == 3


def test_no_retry_once_the_budget_is_spent(server: FakeAuthUserServer) -> None:
    server.fail_next = [503] * 10
    ticks = iter([0.0, 0.0, 4.99, 4.99])  # start, first attempt, after it: 10 ms left
    client = HttpAuthUserClient(
        server.url, timeout=5.0, jitter=lambda a, b: b, clock=lambda: next(ticks)
    )
    with pytest.raises(ProfileSourceError):
        client.fetch_many(IDS)
    assert (server.calls, client.retries) == (1, 0)


def test_the_breaker_still_opens_on_repeated_failures(server: FakeAuthUserServer) -> None:
    server.fail_next = [503] * 100
    client = client_for(server.url, attempts=2)
    directory = UserDirectory(FakeProfileCache(), client, CircuitBreaker(2, reset_seconds=60))
    for _ in range(2):
        assert directory.resolve(IDS[0])["name"] == "Utilisateur inconnu"
    assert directory.breaker.state == "open"
    calls = server.calls
    directory.resolve(IDS[1])
    assert server.calls == calls == 4  # 2 lookups x 2 attempts, then none while open
    assert directory.stats()["http_retries"] == 2
