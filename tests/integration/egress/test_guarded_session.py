"""The egress guard against real loopback servers: what it refuses never gets a connection,
what it allows is really reached (positive controls), and a reached server cannot redirect
it, stall it or flood it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from libs.egress import (
    EgressGuard,
    EgressPolicy,
    EgressRefusedError,
    EgressTimeoutError,
    GuardedSession,
)
from tests.support.egress_servers import MisbehavingServer
from tests.support.tls import TlsFiles, make_ca_and_server_cert

LOCAL = EgressPolicy(allow_loopback=True, timeout=1.0, max_response_bytes=64 * 1024)
STRICT = EgressPolicy(timeout=1.0)


class CountingResolver:
    """Answers chosen addresses for chosen names and counts the lookups."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.lookups: list[str] = []

    def resolve(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.answers:
            raise OSError(f"{host} is not in this test's DNS")
        return self.answers[host]


@pytest.fixture
def server() -> Iterator[MisbehavingServer]:
    running = MisbehavingServer().start()
    yield running
    running.stop()


@pytest.fixture
def server6() -> Iterator[MisbehavingServer]:
    running = MisbehavingServer(host="::1").start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def tls(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    return make_ca_and_server_cert(Path(tmp_path_factory.mktemp("egress")), ("push.example.test",))


@pytest.fixture
def tls_server(tls: TlsFiles) -> Iterator[MisbehavingServer]:
    running = MisbehavingServer(tls=tls).start()
    yield running
    running.stop()


def session(
    policy: EgressPolicy, resolver: CountingResolver | None = None, ca: str = ""
) -> GuardedSession:
    return GuardedSession(EgressGuard(policy, resolver), ca_file=ca)


def test_an_allowed_loopback_target_is_reached_over_ipv4_and_ipv6(
    server: MisbehavingServer, server6: MisbehavingServer
) -> None:
    for target in (server, server6):
        answer = session(LOCAL).get(target.url("/ok"))
        assert (answer.status_code, answer.text) == (200, "ok")
        assert [hit.path for hit in target.hits] == ["/ok"]


@pytest.mark.parametrize("path", ["/ok", "/redirect?to=http://127.0.0.1:1/"])
def test_loopback_is_refused_without_the_development_allowance_and_never_contacted(
    server: MisbehavingServer, server6: MisbehavingServer, path: str
) -> None:
    for url, reason in (
        (server.url(path), "scheme"),
        (server6.url(path), "scheme"),
        (server.url(path).replace("http://", "https://"), "loopback"),
        (server6.url(path).replace("http://", "https://"), "loopback"),
        (f"https://localhost:{server.port}{path}", "loopback"),
        (f"https://2130706433:{server.port}{path}", "loopback"),  # 127.0.0.1 as one number
        (f"https://0x7f.1:{server.port}{path}", "loopback"),
        (f"https://[::ffff:127.0.0.1]:{server.port}{path}", "ipv4_embedded"),
    ):
        with pytest.raises(EgressRefusedError) as refused:
            session(STRICT).post(url, data=b"{}")
        assert refused.value.reason == reason, url
    assert server.hits == [] and server6.hits == []


def test_a_redirect_is_returned_not_followed(server: MisbehavingServer) -> None:
    other = MisbehavingServer().start()
    try:
        answer = session(LOCAL).post(server.url(f"/redirect?to={other.url('/ok')}"), data=b"x")
        assert answer.status_code == 307
        assert answer.headers["Location"] == other.url("/ok")
        assert other.hits == []
    finally:
        other.stop()


def test_a_silent_server_costs_the_timeout_and_no_more(server: MisbehavingServer) -> None:
    started = time.monotonic()
    with pytest.raises(EgressTimeoutError):
        session(LOCAL).get(server.url("/silent"))
    assert time.monotonic() - started < 3


def test_a_server_dripping_its_body_is_cut_at_the_timeout(server: MisbehavingServer) -> None:
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        session(LOCAL).get(server.url("/drip"), timeout=30)  # the policy's 1 s still applies
    assert time.monotonic() - started < 3


@pytest.mark.parametrize("path", ["/huge", "/chunked"])
def test_a_body_over_the_cap_is_refused(server: MisbehavingServer, path: str) -> None:
    with pytest.raises(EgressRefusedError) as refused:
        session(LOCAL).get(server.url(path))
    assert refused.value.reason == "too_large"


def test_https_connects_to_the_checked_address_with_sni_and_certificate_on_the_name(
    tls_server: MisbehavingServer, tls: TlsFiles
) -> None:
    """The name is resolved once (by the guard); the connection goes to that address while
    the Host header, SNI and certificate check use the name. No DNS knows this name: reaching
    the server at all proves the pinned address was used."""
    resolver = CountingResolver({"push.example.test": ["127.0.0.1"]})
    policy = EgressPolicy(allowed_hosts=("example.test",), allow_loopback=True, timeout=5)
    url = tls_server.url("/ok", host="push.example.test")
    answer = session(policy, resolver, str(tls.ca)).post(url, data=b"{}")
    assert (answer.status_code, answer.text) == (200, "ok")
    assert resolver.lookups == ["push.example.test"]
    assert tls_server.hits[0].headers["host"] == f"push.example.test:{tls_server.port}"
    assert tls_server.server_names == ["push.example.test"]


def test_a_certificate_for_another_name_or_from_an_unknown_ca_is_refused(
    tls_server: MisbehavingServer, tls: TlsFiles
) -> None:
    resolver = CountingResolver(
        {"other.example.test": ["127.0.0.1"], "push.example.test": ["127.0.0.1"]}
    )
    policy = EgressPolicy(allow_loopback=True, timeout=5)
    with pytest.raises(requests.exceptions.SSLError):  # right CA, wrong name
        session(policy, resolver, str(tls.ca)).get(tls_server.url("/ok", host="other.example.test"))
    with pytest.raises(requests.exceptions.SSLError):  # right name, CA not trusted
        session(policy, resolver).get(tls_server.url("/ok", host="push.example.test"))
    with pytest.raises(requests.exceptions.SSLError):  # verify=False cannot turn the check off
        session(policy, resolver).get(tls_server.url("/ok", host="push.example.test"), verify=False)
    assert tls_server.hits == []


def test_a_name_answering_a_private_address_is_refused_before_any_connection() -> None:
    resolver = CountingResolver({"push.example.test": ["93.184.216.34", "10.0.0.7"]})
    with pytest.raises(EgressRefusedError) as refused:
        session(STRICT, resolver).post("https://push.example.test/x", data=b"{}")
    assert refused.value.reason == "private"
