"""The egress rules without a network: addresses, URLs, allowed hosts, settings."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from libs.egress import EgressGuard, EgressPolicy, EgressRefusedError, EgressSettings, refusal
from libs.servicekit.settings import SettingsError


class FixedResolver:
    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.calls = 0

    def resolve(self, host: str, port: int) -> list[str]:
        self.calls += 1
        if not self.answers:
            raise OSError("NXDOMAIN")
        return self.answers


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link_local"),  # cloud metadata
        ("fe80::1", "link_local"),
        ("100.64.0.1", "shared"),  # carrier-grade NAT
        ("100.127.255.254", "shared"),
        ("224.0.0.1", "multicast"),
        ("224.0.1.1", "multicast"),
        ("ff0e::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("::ffff:127.0.0.1", "ipv4_embedded"),
        ("::ffff:8.8.8.8", "ipv4_embedded"),
        ("64:ff9b::7f00:1", "ipv4_embedded"),  # NAT64 of 127.0.0.1
        ("64:ff9b:1::a00:1", "ipv4_embedded"),
        ("2002:7f00:1::", "ipv4_embedded"),  # 6to4
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "ipv4_embedded"),  # Teredo
        ("198.18.0.1", "private"),  # benchmarking
        ("2001:db8::1", "private"),  # documentation
        ("192.0.2.1", "private"),
    ],
)
def test_addresses_that_are_not_public_unicast_are_refused(address: str, reason: str) -> None:
    assert refusal(ip_address(address)) == reason


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "142.250.0.1"])
def test_public_unicast_addresses_pass(address: str) -> None:
    assert refusal(ip_address(address)) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://push.example.com/x", "scheme"),
        ("ftp://push.example.com/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("gopher://push.example.com/", "scheme"),
        ("https://user:pw@push.example.com/x", "credentials"),
        ("https:///x", "bad_url"),
        ("https://push.example.com:99999/x", "bad_url"),
        ("https://push.example.com/\n", "bad_url"),
        ("https://push.example.com/" + "a" * 3000, "bad_url"),
        ("https://10.0.0.1/x", "private"),
        ("https://[fe80::1%25eth0]/x", "link_local"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(url: str, reason: str) -> None:
    with pytest.raises(EgressRefusedError) as refused:
        EgressGuard(EgressPolicy(), FixedResolver("93.184.216.34")).check(url)
    assert refused.value.reason == reason


def test_a_public_https_url_gives_its_checked_addresses() -> None:
    resolver = FixedResolver("93.184.216.34", "2606:2800:220:1::1")
    target = EgressGuard(EgressPolicy(), resolver).check("https://Push.Example.com./send")
    assert (target.scheme, target.host, target.port) == ("https", "push.example.com", 443)
    assert [str(a) for a in target.addresses] == ["93.184.216.34", "2606:2800:220:1::1"]
    assert resolver.calls == 1


def test_one_private_address_among_public_ones_refuses_the_name() -> None:
    resolver = FixedResolver("93.184.216.34", "127.0.0.1")
    with pytest.raises(EgressRefusedError) as refused:
        EgressGuard(EgressPolicy(), resolver).check("https://rebind.example.com/")
    assert refused.value.reason == "loopback"


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(EgressRefusedError) as refused:
        EgressGuard(EgressPolicy(), FixedResolver()).check("https://nowhere.example.com/")
    assert refused.value.reason == "unresolvable"


def test_allowed_hosts_cover_their_subdomains_only() -> None:
    guard = EgressGuard(
        EgressPolicy(allowed_hosts=("push.example.com",)), FixedResolver("93.184.216.34")
    )
    assert guard.check("https://push.example.com/a").host == "push.example.com"
    assert guard.check("https://eu.push.example.com/a").host == "eu.push.example.com"
    for url in (
        "https://push.example.com.evil.test/a",
        "https://evilpush.example.com/a",
        "https://93.184.216.34/a",
    ):
        with pytest.raises(EgressRefusedError) as refused:
            guard.check(url)
        assert refused.value.reason == "host_not_allowed", url


def test_the_loopback_allowance_opens_loopback_only() -> None:
    guard = EgressGuard(EgressPolicy(allow_loopback=True), FixedResolver("127.0.0.1"))
    assert guard.check("http://localhost:8080/push").port == 8080
    assert guard.check("http://[::1]:8080/push").host == "::1"
    for url, reason in (("http://10.0.0.1/", "scheme"), ("https://192.168.0.1/", "private")):
        with pytest.raises(EgressRefusedError) as refused:
            guard.check(url)
        assert refused.value.reason == reason


def test_the_loopback_allowance_is_refused_outside_development_and_test() -> None:
    env = {"EGRESS_ALLOW_LOOPBACK": "true"}
    assert EgressSettings.from_env(env, "test").policy().allow_loopback
    with pytest.raises(SettingsError, match="EGRESS_ALLOW_LOOPBACK"):
        EgressSettings.from_env(env, "production")


def test_egress_settings_read_their_defaults_and_refuse_non_positive_values() -> None:
    settings = EgressSettings.from_env({}, "production")
    assert (settings.allow_loopback, settings.timeout, settings.max_response_bytes) == (
        False,
        10.0,
        1024 * 1024,
    )
    policy = EgressSettings.from_env({"EGRESS_TIMEOUT": "2.5"}, "production").policy(
        ("fcm.googleapis.com",)
    )
    assert (policy.timeout, policy.allowed_hosts) == (2.5, ("fcm.googleapis.com",))
    with pytest.raises(SettingsError, match="EGRESS_MAX_RESPONSE_BYTES"):
        EgressSettings.from_env({"EGRESS_MAX_RESPONSE_BYTES": "0"}, "test")
