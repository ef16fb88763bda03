"""`EgressGuard.check(url)`: the one check of a URL a request is about to be made to on a
user's behalf, at registration and again at send time.

The host is resolved once; every address must pass `addresses.refusal` (one bad address
refuses the whole name, so a DNS answer mixing public and private addresses cannot slip
through); the `Target` carries the checked addresses, and the transport connects to them and
to nothing else (no second lookup that DNS rebinding could answer differently).
"""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import SplitResult, urlsplit

import requests

from .addresses import IPAddress, parse_address, refusal
from .policy import MAX_URL_LENGTH, EgressPolicy

logger = logging.getLogger(__name__)

# Reasons for a refused URL, besides the address reasons of `addresses`.
BAD_URL = "bad_url"
SCHEME = "scheme"
CREDENTIALS = "credentials"
HOST_NOT_ALLOWED = "host_not_allowed"
UNRESOLVABLE = "unresolvable"
TOO_LARGE = "too_large"


class EgressRefusedError(requests.RequestException):
    """A request the guard will not make (or a response it will not read), with a stable
    `reason`. A `requests` exception, so callers of a session handle it as a failed request."""

    code = "EGRESS_REFUSED"

    def __init__(self, reason: str, request: requests.PreparedRequest | None = None) -> None:
        self.reason = reason
        super().__init__(f"egress refused: {reason}", request=request)


class EgressTimeoutError(requests.Timeout):
    """The whole request (connect, headers and body) took longer than the policy allows."""


class Resolver(Protocol):
    def resolve(self, host: str, port: int) -> list[str]:
        """The addresses of `host` (may raise OSError)."""
        ...


class SystemResolver:
    """The system resolver (`getaddrinfo`), TCP addresses only, in its order, deduplicated."""

    def resolve(self, host: str, port: int) -> list[str]:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(str(info[4][0]) for info in found))


@dataclass(frozen=True)
class Target:
    """A checked URL: where to connect (`addresses`) and what to name (`host`, for the Host
    header, TLS SNI and the certificate check)."""

    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]


class EgressGuard:
    def __init__(self, policy: EgressPolicy, resolver: Resolver | None = None) -> None:
        self.policy = policy
        self._resolver = resolver or SystemResolver()

    def check(self, url: str) -> Target:
        """The target of `url`, or `EgressRefusedError` naming the broken rule."""
        parts = _split(url)
        host = _host(parts)
        if parts.username is not None or parts.password is not None:
            raise EgressRefusedError(CREDENTIALS)
        port = _port(parts)
        literal = parse_address(host)
        addresses = (literal,) if literal is not None else self._resolve(host, port)
        loopback = self.policy.allow_loopback and all(a.is_loopback for a in addresses)
        if not loopback:
            if parts.scheme != "https":
                raise EgressRefusedError(SCHEME)
            if not self.policy.host_allowed(host):
                raise EgressRefusedError(HOST_NOT_ALLOWED)
            reasons = [r for r in map(refusal, addresses) if r is not None]
            if reasons:
                logger.warning("egress to %s refused: %s", host, reasons[0])
                raise EgressRefusedError(reasons[0])
        return Target(parts.scheme, host, port, addresses)

    def _resolve(self, host: str, port: int) -> tuple[IPAddress, ...]:
        try:
            answers = self._resolver.resolve(host, port)
        except (OSError, UnicodeError):
            raise EgressRefusedError(UNRESOLVABLE) from None
        addresses = tuple(a for a in map(parse_address, answers) if a is not None)
        if not addresses:
            raise EgressRefusedError(UNRESOLVABLE)
        return addresses


def _split(url: str) -> SplitResult:
    if not isinstance(url, str) or len(url) > MAX_URL_LENGTH or not url.isprintable():
        raise EgressRefusedError(BAD_URL)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise EgressRefusedError(BAD_URL) from None
    if parts.scheme not in {"http", "https"}:
        raise EgressRefusedError(SCHEME)
    return parts


def _host(parts: SplitResult) -> str:
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise EgressRefusedError(BAD_URL)
    if parse_address(host) is not None:
        return host
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise EgressRefusedError(BAD_URL) from None


def _port(parts: SplitResult) -> int:
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise EgressRefusedError(BAD_URL)
    return port
