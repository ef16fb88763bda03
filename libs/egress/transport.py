"""`GuardedSession`: a `requests.Session` whose every request goes through the egress guard.

Each request is checked again (`EgressGuard.check`) and sent on a fresh connection to one of
the checked addresses (`PinnedHTTPSConnection`): the URL's host name stays the Host header,
the TLS server name and the name the certificate must match. Redirects are never followed
(the 3xx response is returned as it is), proxies from the environment are ignored,
certificate checks cannot be turned off, the body is read at once up to the policy's size
cap, and a watchdog cuts the connection when the whole request outlives the policy's timeout.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from collections.abc import Mapping
from http.client import HTTPException
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.response import HTTPResponse

from .guard import TOO_LARGE, EgressGuard, EgressRefusedError, EgressTimeoutError, Target

READ_CHUNK = 16 * 1024


class PinnedHTTPConnection(HTTPConnection):
    """Plain http (loopback in development and tests only) to the checked addresses."""

    def __init__(self, target: Target, deadline: float, **kwargs: Any) -> None:
        super().__init__(target.host, target.port, **kwargs)
        self._target, self._deadline = target, deadline

    def _new_conn(self) -> socket.socket:
        return connect_pinned(self._target, self._deadline)


class PinnedHTTPSConnection(HTTPSConnection):
    """https to the checked addresses; SNI and the certificate check use the host name."""

    def __init__(self, target: Target, deadline: float, **kwargs: Any) -> None:
        super().__init__(target.host, target.port, **kwargs)
        self._target, self._deadline = target, deadline

    def _new_conn(self) -> socket.socket:
        return connect_pinned(self._target, self._deadline)


def connect_pinned(target: Target, deadline: float) -> socket.socket:
    """A TCP connection to the first of the target's checked addresses that answers."""
    failure: OSError = OSError("no address")
    for address in target.addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("egress deadline passed while connecting")
        try:
            return socket.create_connection((str(address), target.port), timeout=remaining)
        except OSError as exc:
            failure = exc
    raise failure


class Watchdog:
    """Shuts the connection's socket down at the deadline (wakes any blocked read)."""

    def __init__(self, sock: socket.socket | None, remaining: float) -> None:
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(remaining, 0.0), self._fire)
        self._timer.daemon = True

    def __enter__(self) -> Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        self.fired = True
        if self._sock is not None:
            # the plain socket's shutdown, also under TLS: the fd, not the TLS session
            with contextlib.suppress(OSError):
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)


class GuardedAdapter(HTTPAdapter):
    def __init__(self, guard: EgressGuard) -> None:
        super().__init__(max_retries=0)
        self.guard = guard

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        target = self.guard.check(str(request.url))
        deadline = time.monotonic() + _seconds(timeout, self.guard.policy.timeout)
        conn = self._connection(target, deadline, verify)
        try:
            return self._exchange(conn, request, deadline)
        finally:
            conn.close()

    def _connection(self, target: Target, deadline: float, verify: bool | str) -> HTTPConnection:
        timeout = max(deadline - time.monotonic(), 0.001)
        if target.scheme == "http":
            return PinnedHTTPConnection(target, deadline, timeout=timeout)
        ca_file = verify if isinstance(verify, str) else None  # False is ignored: always verify
        return PinnedHTTPSConnection(
            target, deadline, timeout=timeout, cert_reqs="CERT_REQUIRED", ca_certs=ca_file
        )

    def _exchange(
        self, conn: HTTPConnection, request: requests.PreparedRequest, deadline: float
    ) -> requests.Response:
        try:
            conn.connect()
        except (OSError, Urllib3Error) as exc:
            raise _failure(exc, request, deadline_passed=time.monotonic() >= deadline) from exc
        with Watchdog(conn.sock, deadline - time.monotonic()) as watchdog:
            try:
                conn.request(
                    str(request.method), request.path_url, body=request.body,
                    headers=dict(request.headers), preload_content=False,
                )  # fmt: skip
                wire = conn.getresponse()
                body = read_capped(wire, self.guard.policy.max_response_bytes, request)
            except requests.RequestException:  # the cap's refusal (an OSError too)
                raise
            except (OSError, HTTPException, Urllib3Error) as exc:
                raise _failure(exc, request, deadline_passed=watchdog.fired) from exc
        if watchdog.fired:
            raise EgressTimeoutError("egress request took longer than its timeout", request=request)
        return self.build_response(request, replay(wire, body))


def read_capped(wire: HTTPResponse, limit: int, request: requests.PreparedRequest) -> bytes:
    """The whole (decoded) body, refused as soon as it passes `limit` bytes."""
    declared = wire.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise EgressRefusedError(TOO_LARGE, request=request)
    chunks, total = [], 0
    for chunk in wire.stream(READ_CHUNK, decode_content=True):
        total += len(chunk)
        if total > limit:
            raise EgressRefusedError(TOO_LARGE, request=request)
        chunks.append(chunk)
    return b"".join(chunks)


def replay(wire: HTTPResponse, body: bytes) -> HTTPResponse:
    """The response as read: the body already decoded, so no Content-Encoding any more."""
    headers = wire.headers.copy()
    headers.discard("Content-Encoding")
    headers.discard("Transfer-Encoding")
    headers["Content-Length"] = str(len(body))
    return HTTPResponse(
        body=io.BytesIO(body), headers=headers, status=wire.status, reason=wire.reason,
        preload_content=False, decode_content=False,
    )  # fmt: skip


def _seconds(timeout: Any, cap: float) -> float:
    """The caller's timeout (a number or a (connect, read) pair), never above the policy's."""
    if isinstance(timeout, tuple):
        timeout = sum(t for t in timeout if t is not None) or None
    return min(float(timeout), cap) if timeout is not None else cap


def _failure(
    exc: BaseException, request: requests.PreparedRequest, *, deadline_passed: bool
) -> Exception:
    if deadline_passed or isinstance(exc, TimeoutError):
        return EgressTimeoutError("egress request took longer than its timeout", request=request)
    if "CERTIFICATE" in str(exc).upper() or "SSL" in type(exc).__name__.upper():
        return requests.exceptions.SSLError(exc, request=request)
    return requests.ConnectionError(exc, request=request)


class GuardedSession(requests.Session):
    """A `requests.Session` for requests made on a user's behalf (pass it to pywebpush's
    `WebPusher(requests_session=...)`, webhooks, link previews)."""

    def __init__(self, guard: EgressGuard, ca_file: str = "") -> None:
        super().__init__()
        self.guard = guard
        self.trust_env = False  # no proxy or netrc from the environment
        self.verify = ca_file or True
        self.headers["Accept-Encoding"] = "identity"
        self._adapter = GuardedAdapter(guard)
        self.mount("https://", self._adapter)
        self.mount("http://", self._adapter)

    def get_adapter(self, url: str) -> GuardedAdapter:
        return self._adapter  # any scheme: the guard refuses what is not http(s)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        kwargs["allow_redirects"] = False
        kwargs["proxies"] = {}
        return super().send(request, **kwargs)
